import Testing

@testable import TongguanDomain

@Suite("HolidayCSV: date,kind,name files and the calendar's entry rules")
struct HolidayCSVTests {
    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    func problems(_ text: String) -> [RowProblem] {
        do {
            _ = try HolidayCSV.parse(text)
            Issue.record("expected problems")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("the shipped file parses to 222 entries over 2021–2026")
    func shipped() throws {
        let entries = try HolidayCSV.parse(HolidayFixture.csv)
        #expect(entries.count == 222)
        #expect(Set(entries.map(\.date.year)) == Set(2021...2026))
        #expect(entries.first == .init(date: d("2021-01-01"), kind: .holiday, name: "元旦"))
        #expect(entries.last == .init(date: d("2026-10-10"), kind: .workday, name: "国庆节"))
    }

    @Test("export reads back to the same entries")
    func roundTrip() throws {
        let entries = try HolidayCSV.parse(HolidayFixture.csv)
        let text = HolidayCSV.text(entries.reversed())
        #expect(text.hasPrefix("date,kind,name\n2021-01-01,holiday,元旦\n"))
        #expect(try HolidayCSV.parse(text) == entries)
        #expect(HolidayCSV.text([.init(date: d("2024-01-01"), kind: .holiday, name: "元旦, 新年")]) == "date,kind,name\n2024-01-01,holiday,\"元旦, 新年\"\n")
    }

    @Test("columns in any order, CRLF, a byte order mark, Chinese kinds and other date forms")
    func lenientForms() throws {
        let text = "\u{FEFF}Name, KIND ,date\r\n国庆节,放假,2024/10/1\r\n国庆节,上班,2024年10月12日\r\n"
        #expect(
            try HolidayCSV.parse(text) == [
                .init(date: d("2024-10-01"), kind: .holiday, name: "国庆节"),
                .init(date: d("2024-10-12"), kind: .workday, name: "国庆节"),
            ])
        #expect(HolidayCSV.dayKind(" Holiday ") == .holiday)
        #expect(HolidayCSV.dayKind("调休上班") == .workday)
        #expect(HolidayCSV.dayKind("off") == nil)
    }

    @Test("a missing column, an empty file and an unclosed quote are refused")
    func fileProblems() {
        #expect(problems("date,name\n2024-01-01,元旦\n") == [RowProblem(row: 1, column: "kind", message: "表头缺少此列")])
        #expect(problems("").map(\.row) == [1])
        #expect(problems("date,kind,name\n2024-01-01,holiday,\"元旦\n") == [RowProblem(row: 2, column: "date", message: "引号没有闭合")])
    }

    @Test("every row problem is reported with its line: bad date, unknown kind, blank name, duplicate, weekday workday")
    func rowProblems() {
        let text = """
            date,kind,name
            2024-02-30,holiday,春节
            2024-10-01,rest,国庆节
            2024-10-02,holiday,
            2024-10-03,holiday,国庆节
            2024-10-03,holiday,国庆节
            2024-10-08,workday,国庆节
            ,holiday,国庆节
            2024-10-12,workday,国庆\u{202E}节
            """
        let found = problems(text)
        #expect(
            found == [
                RowProblem(row: 2, column: "date", message: "日期应为 YYYY-MM-DD 格式的真实日期"),
                RowProblem(row: 3, column: "kind", message: "应为 holiday(放假)或 workday(调休上班)"),
                RowProblem(row: 4, column: "name", message: "节日名称不能为空"),
                RowProblem(row: 6, column: "date", message: "与第5行日期重复"),
                RowProblem(row: 7, column: "date", message: "调休上班日应为周六或周日,该日是周二"),
                RowProblem(row: 8, column: "date", message: "不能为空"),
                RowProblem(row: 9, column: "name", message: TextPolicy.Problem(scalar: "\u{202E}", position: 3).message),
            ])
    }

    @Test("a holiday inside a weekend is accepted: the published spans name their weekend days")
    func holidayOnWeekend() throws {
        let entries = try HolidayCSV.parse("date,kind,name\n2024-02-10,holiday,春节\n2024-02-11,holiday,春节\n")
        #expect(entries.count == 2)
        #expect(WorkingCalendar.problems(in: entries).isEmpty)
    }

    @Test("edited entries: every problem by index, as field problems")
    func validatedEntries() throws {
        let entries: [WorkingCalendar.Entry] = [
            .init(date: d("2025-10-01"), kind: .holiday, name: "国庆节"),
            .init(date: d("2025-10-01"), kind: .holiday, name: "国庆节"),
            .init(date: d("2025-10-09"), kind: .workday, name: " "),
            .init(date: d("2025-10-11"), kind: .workday, name: String(repeating: "节", count: 51)),
        ]
        let found = WorkingCalendar.problems(in: entries)
        #expect(found.map(\.index) == [1, 2, 2, 3])
        #expect(found.map(\.problem) == [.duplicate(firstIndex: 0), .workdayOnWeekday(isoWeekday: 4), .blankName, .nameTooLong(max: 50)])
        #expect(found[0].problem.message == "日期与第1项重复")
        do {
            _ = try WorkingCalendar.validated(entries)
            Issue.record("expected a failure")
        } catch {
            #expect(error.problems.map(\.field) == ["entries[1].date", "entries[2].date", "entries[2].name", "entries[3].name"])
        }
        let fine = try WorkingCalendar.validated(Array(entries.prefix(1)))
        #expect(!fine.isWorkingDay(d("2025-10-01")))
    }

    @Test("weekday names in the workday message, Monday to Friday")
    func weekdayNames() {
        let names = (1...5).map { WorkingCalendar.EntryProblem.workdayOnWeekday(isoWeekday: $0).message }
        #expect(names.map { String($0.last!) } == ["一", "二", "三", "四", "五"])
    }
}
