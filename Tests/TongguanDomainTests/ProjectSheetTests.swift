import Testing

@testable import TongguanDomain

@Suite("ProjectSheet: header, rows and the export round trip")
struct ProjectSheetTests {
    typealias Column = ProjectSheet.Column

    static let header = Column.allCases.map(\.rawValue)
    static let dateMessage = "日期应为 2021-07-16、2021/7/16 或 2021年7月16日"

    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    /// A row that passes every check, as text cells in the canonical column order.
    static func validCells() -> [Column: String] {
        [
            .name: "临县煤层气综合利用项目", .investor: "吕梁某某能源有限公司", .creditCode: "91350100M000100Y43",
            .division: "141124", .zone: "临县经济技术开发区", .industry: "新能源", .totalInvestment: "1836.1",
            .expectedOutput: "500", .signedDate: "2021-07-16", .signedRound: "第七批", .contact: "张三",
            .phone: "13812345678", .notes: "",
        ]
    }

    func row(_ cells: [Column: String], line: Int = 2) -> SheetRow {
        SheetRow(line: line, cells: Column.allCases.map { .text(cells[$0] ?? "") })
    }

    func row(_ changes: [Column: SheetCell], line: Int = 2) -> SheetRow {
        let base = Self.validCells()
        return SheetRow(line: line, cells: Column.allCases.map { changes[$0] ?? .text(base[$0] ?? "") })
    }

    func columns() throws -> [Column: Int] {
        try ProjectSheet.columns(in: Self.header).get()
    }

    func draft(_ row: SheetRow) throws -> Result<ProjectSheet.Draft, ImportProblems> {
        ProjectSheet.draft(row, columns: try columns())
    }

    /// The problems of a row that is expected to fail.
    func problems(_ row: SheetRow) throws -> [RowProblem] {
        guard case .failure(let failure) = try draft(row) else { Issue.record("row was accepted"); return [] }
        return failure.problems
    }

    func problems(_ changes: [Column: String]) throws -> [RowProblem] {
        var cells = Self.validCells()
        cells.merge(changes) { $1 }
        return try problems(row(cells))
    }

    func problem(_ column: Column, _ message: String, line: Int = 2) -> RowProblem {
        RowProblem(row: line, column: column.rawValue, message: message)
    }

    // MARK: Header

    @Test("the canonical header finds every column where it stands")
    func canonicalHeader() throws {
        let positions = try columns()
        for (i, column) in Column.allCases.enumerated() { #expect(positions[column] == i) }
    }

    @Test(
        "header spellings people type match",
        arguments: [
            ("总投资\u{FF08}万元\u{FF09}", Column.totalInvestment), ("总投资 \u{FF08}万元\u{FF09}", .totalInvestment),
            ("总投资\u{FF08} 万元 \u{FF09}", .totalInvestment), ("总投资\u{FF08}万元)", .totalInvestment),
            ("总 投 资(万 元)", .totalInvestment), ("总投资(万元)", .totalInvestment), ("\u{FEFF}项目名称", .name),
            (" 项目名称\u{3000}", .name), ("预计年产值\u{FF08}万元\u{FF09}", .expectedOutput), ("联系\t电话", .phone),
        ])
    func headerNormalisation(_ typed: String, _ column: Column) throws {
        #expect(ProjectSheet.normalizeHeader(typed) == ProjectSheet.normalizeHeader(column.rawValue))
        var header = Self.header
        header[column.order] = typed
        #expect(try ProjectSheet.columns(in: header).get()[column] == column.order)
    }

    @Test("columns may come in any order, among columns the sheet does not know")
    func reorderedHeader() throws {
        let header = ["序号"] + Self.header.reversed() + ["审核意见"]
        let positions = try ProjectSheet.columns(in: header).get()
        for column in Column.allCases { #expect(header[positions[column]!] == column.rawValue) }
    }

    @Test("备注 is optional")
    func notesOptional() throws {
        let positions = try ProjectSheet.columns(in: Self.header.filter { $0 != Column.notes.rawValue }).get()
        #expect(positions[.notes] == nil)
        #expect(positions.count == Column.required.count)
        #expect(Column.required == Column.allCases.filter { $0 != .notes })
    }

    @Test("every missing required column is reported on row 1")
    func missingColumns() {
        let header = Self.header.filter { $0 != Column.name.rawValue && $0 != Column.phone.rawValue }
        #expect(
            ProjectSheet.columns(in: header)
                == .failure(ImportProblems([problem(.name, "表头缺少此列", line: 1), problem(.phone, "表头缺少此列", line: 1)])))
        #expect(
            ProjectSheet.columns(in: [])
                == .failure(ImportProblems(Column.required.map { problem($0, "表头缺少此列", line: 1) })))
        #expect(
            ProjectSheet.columns(in: ["总投资[万元]"] + Self.header.filter { $0 != Column.totalInvestment.rawValue })
                == .failure(ImportProblems([problem(.totalInvestment, "表头缺少此列", line: 1)])))
    }

    @Test("a repeated column name uses its first position")
    func duplicateColumn() throws {
        let positions = try ProjectSheet.columns(in: Self.header + [Column.name.rawValue]).get()
        #expect(positions[.name] == 0)
    }

    // MARK: A good row

    @Test("a good row becomes a draft with 分, dates and a normalised phone")
    func goodRow() throws {
        var cells = Self.validCells()
        cells[.creditCode] = "91350100m000100y43"
        cells[.phone] = "138 1234 5678"
        cells[.startedDate] = "2022年3月1日"
        let result = try draft(row(cells, line: 7))
        let expected = ProjectSheet.Draft(
            line: 7, name: "临县煤层气综合利用项目", investor: "吕梁某某能源有限公司", creditCode: "91350100M000100Y43",
            divisionCode: DivisionCode("141124")!, zone: "临县经济技术开发区", industry: "新能源",
            totalInvestmentFen: 1_836_100_000, expectedOutputFen: 500_000_000,
            milestones: [.signed: .init(date: d("2021-07-16"), roundName: "第七批"), .started: .init(date: d("2022-03-01"), roundName: nil)],
            contact: "张三", phone: "13812345678", notes: "")
        #expect(result == .success(expected))
    }

    @Test("a project needs no milestone, zone, contact, phone or notes")
    func minimalRow() throws {
        let cells: [Column: String] = [
            .name: "项目", .investor: "单位", .creditCode: "91350100M000100Y43", .division: "141124100",
            .industry: "制造业", .totalInvestment: "0", .expectedOutput: "0",
        ]
        let draft = try draft(row(cells)).get()
        #expect(draft.milestones.isEmpty)
        #expect(draft.divisionCode.level == .township)
        #expect(draft.totalInvestmentFen == 0)
    }

    // MARK: Problems of one row

    @Test("every problem of a row is reported together, in column order")
    func everyProblemAtOnce() throws {
        let long = String(repeating: "长", count: 201)
        let found = try problems([
            .name: "", .investor: long, .creditCode: "91350100M000100Y44", .division: "141100",
            .zone: String(repeating: "区", count: 101), .industry: "", .totalInvestment: "12,3.4", .expectedOutput: "-5",
            .signedDate: "", .signedRound: "第一批", .startedDate: "2021-02-30", .producingDate: "2021-01-01",
            .contact: String(repeating: "人", count: 51), .phone: "12345", .notes: String(repeating: "注", count: 2001),
        ])
        #expect(
            found == [
                problem(.name, "不能为空"),
                problem(.investor, "不能超过200个字符"),
                problem(.creditCode, CreditCode.Problem.checksum(expected: "3").message),
                problem(.division, "项目应属于县级或以下区划"),
                problem(.zone, "不能超过100个字符"),
                problem(.industry, "不能为空"),
                problem(.totalInvestment, Fen.Problem.misplacedSeparator.message),
                problem(.expectedOutput, Fen.Problem.negative.message),
                problem(.signedRound, "填写了批次但没有签约日期"),
                problem(.startedDate, Self.dateMessage),
                problem(.producingDate, MilestonePlan.Problem.missingEarlier(.producing, needs: .started).message),
                problem(.contact, "不能超过50个字符"),
                problem(.phone, PhoneNumber.problemMessage),
                problem(.notes, "不能超过2000个字符"),
            ])
    }

    @Test(
        "each column's own problem",
        arguments: [
            (Column.name, "", "不能为空"), (.name, String(repeating: "名", count: 201), "不能超过200个字符"),
            (.investor, "", "不能为空"), (.industry, String(repeating: "业", count: 51), "不能超过50个字符"),
            (.creditCode, "", CreditCode.Problem.length(0).message), (.creditCode, "91350100M000100I43", CreditCode.Problem.character("I").message),
            (.division, "", DivisionCode.Problem.notDigits.message), (.division, "14112", DivisionCode.Problem.badLength(5).message),
            (.division, "140000", "项目应属于县级或以下区划"), (.division, "001124", DivisionCode.Problem.zeroSegment.message),
            (.totalInvestment, "", "不能为空"), (.totalInvestment, "abc", Fen.Problem.format.message),
            (.totalInvestment, "1.0000001", Fen.Problem.tooManyDecimals(6).message),
            (.totalInvestment, "1000000000000", Fen.Problem.tooLarge.message),
            (.expectedOutput, "1234,567", Fen.Problem.misplacedSeparator.message), (.expectedOutput, "", "不能为空"),
            (.phone, "0358-822", PhoneNumber.problemMessage),
        ])
    func columnProblem(_ column: Column, _ value: String, _ message: String) throws {
        #expect(try problems([column: value]) == [problem(column, message)])
    }

    @Test("limits are inclusive: exactly the maximum length is accepted")
    func lengthLimits() throws {
        var cells = Self.validCells()
        cells[.name] = String(repeating: "名", count: 200)
        cells[.investor] = String(repeating: "单", count: 200)
        cells[.zone] = String(repeating: "区", count: 100)
        cells[.industry] = String(repeating: "业", count: 50)
        cells[.contact] = String(repeating: "人", count: 50)
        cells[.notes] = String(repeating: "注", count: 2000)
        #expect(throws: Never.self) { try draft(row(cells)).get() }
    }

    @Test("a row shorter than the header reads its missing cells as empty")
    func shortRow() throws {
        let cells: [SheetCell] = [.text("项目"), .text("单位"), .text("91350100M000100Y43")]
        #expect(
            try problems(SheetRow(line: 3, cells: cells)) == [
                problem(.division, DivisionCode.Problem.notDigits.message, line: 3),
                problem(.industry, "不能为空", line: 3),
                problem(.totalInvestment, "不能为空", line: 3),
                problem(.expectedOutput, "不能为空", line: 3),
            ])
    }

    // MARK: Amounts

    @Test(
        "amounts read from text or from a spreadsheet's number cells",
        arguments: [
            (SheetCell.text("1836.1"), Int64(1_836_100_000)), (.text("1,836.1"), 1_836_100_000), (.text("1836.1万元"), 1_836_100_000),
            (.number("1836.1000000000001"), 1_836_100_000), (.number("1.8361E3"), 1_836_100_000), (.text(" 0.000001 "), 1),
        ])
    func amounts(_ cell: SheetCell, _ fen: Int64) throws {
        let draft = try draft(row([.totalInvestment: cell])).get()
        #expect(draft.totalInvestmentFen == fen)
    }

    @Test("a blank amount cell is empty, not zero", arguments: [SheetCell.text(" "), .text("\u{3000}"), .number("")])
    func blankAmount(_ cell: SheetCell) throws {
        #expect(try problems(row([.expectedOutput: cell])) == [problem(.expectedOutput, "不能为空")])
    }

    // MARK: Dates

    @Test(
        "milestone dates in every accepted form, and as Excel serials",
        arguments: [
            SheetCell.text("2021-07-16"), .text("2021/7/16"), .text("2021.7.16"), .text("2021年7月16日"), .text(" 2021-7-16 "),
            .text("44393"), .number("44393"), .number("44393.0"), .number("4.4393E4"), .number("44393.000000000007"),
        ])
    func dateForms(_ cell: SheetCell) throws {
        let draft = try draft(row([.signedDate: cell])).get()
        #expect(draft.milestones[.signed]?.date == d("2021-07-16"))
        #expect(ProjectSheet.parseDate(cell) == d("2021-07-16"))
    }

    @Test("serials typed as text are read only between 20000 and 80000", arguments: [20_001, 44_393, 79_999])
    func textSerials(_ serial: Int) {
        #expect(ProjectSheet.parseDate(.text(String(serial))) == CivilDate(excelSerial: serial))
        #expect(ProjectSheet.parseDate(.text(String(serial))) != nil)
    }

    @Test(
        "cells that are not a date are refused with the accepted forms named",
        arguments: [
            SheetCell.text("2021-02-29"), .text("16/07/2021"), .text("明年三月"), .text("20000"), .text("80000"), .text("61"),
            .text("44393.0"), .number("44393.5"), .number("60"), .number("-1"), .number("abc"), .text("2021-7"),
        ])
    func badDates(_ cell: SheetCell) throws {
        #expect(ProjectSheet.parseDate(cell) == nil)
        #expect(try problems(row([.signedDate: cell])) == [problem(.signedDate, Self.dateMessage)])
    }

    @Test("a round without its stage's date is a problem on the round column", arguments: Stage.allCases)
    func roundWithoutDate(_ stage: Stage) throws {
        var cells = Self.validCells()
        cells[.signedDate] = stage == .signed ? "" : "2021-01-01"
        if stage == .producing { cells[.startedDate] = "2021-02-01" }
        cells[Column.date(stage)] = ""
        cells[Column.round(stage)] = "第三批"
        #expect(try problems(row(cells)) == [problem(Column.round(stage), "填写了批次但没有\(stage.label)日期")])
    }

    @Test("milestone plan problems land on the date columns")
    func planProblems() throws {
        #expect(
            try problems([.startedDate: "2021-07-15"])
                == [problem(.startedDate, MilestonePlan.Problem.beforeEarlier(.started, earlier: .signed).message)])
        #expect(
            try problems([.signedDate: "", .signedRound: "", .startedDate: "2021-07-15"])
                == [problem(.startedDate, MilestonePlan.Problem.missingEarlier(.started, needs: .signed).message)])
        #expect(
            try problems([.startedDate: "2021-08-01", .producingDate: "2021-07-20"])
                == [problem(.producingDate, MilestonePlan.Problem.beforeEarlier(.producing, earlier: .started).message)])
        #expect(
            try problems([.producingDate: "2021-07-20"])
                == [problem(.producingDate, MilestonePlan.Problem.missingEarlier(.producing, needs: .started).message)])
    }

    @Test("column helpers pair each stage with its date and round columns")
    func stageColumns() {
        #expect(Stage.allCases.map(Column.date) == [.signedDate, .startedDate, .producingDate])
        #expect(Stage.allCases.map(Column.round) == [.signedRound, .startedRound, .producingRound])
    }

    // MARK: Export round trip

    @Test("an exported row reads back to the same data, through CSV as well")
    func exportRoundTrip() throws {
        var numbers = SeededNumbers(seed: 2021)
        let divisions = ["141124", "141102", "141124100", "141124100201", "142301"]
        let dates = [d("2020-12-31"), d("2021-07-16"), d("2022-02-28"), d("2024-02-29")]
        let amounts = [0, 1, 999_999_999_999_999_999] + numbers.spread(count: 60, below: 1_000_000_000_000_000_000)
        for (i, total) in amounts.enumerated() {
            let output = amounts[(i * 7 + 3) % amounts.count]
            var milestones: [Stage: (date: CivilDate, round: String?)] = [:]
            for stage in Stage.allCases.prefix(i % 4) {
                milestones[stage] = (dates[stage.order + (i % 2)], i % 3 == 0 ? nil : "第\(i)批")
            }
            let exported = ProjectSheet.exportRow(
                name: "项目\(i),含逗号\"引号\"", investor: "单位\(i)", creditCode: "91350100M000100Y43",
                division: divisions[i % divisions.count], zone: i % 2 == 0 ? "" : "开发区", industry: "产业\(i % 5)",
                totalInvestmentFen: total, expectedOutputFen: output, milestones: milestones, contact: "联系人",
                phone: i % 2 == 0 ? "0358-8221234" : "", notes: i % 3 == 0 ? "第一行\n第二行" : "")
            let expected = ProjectSheet.Draft(
                line: 2, name: "项目\(i),含逗号\"引号\"", investor: "单位\(i)", creditCode: "91350100M000100Y43",
                divisionCode: DivisionCode(divisions[i % divisions.count])!, zone: i % 2 == 0 ? "" : "开发区",
                industry: "产业\(i % 5)", totalInvestmentFen: total, expectedOutputFen: output,
                milestones: milestones.mapValues { .init(date: $0.date, roundName: $0.round) }, contact: "联系人",
                phone: i % 2 == 0 ? "0358-8221234" : "", notes: i % 3 == 0 ? "第一行\n第二行" : "")
            let direct = ProjectSheet.draft(SheetRow(line: 2, cells: exported.map { SheetCell.text($0) }), columns: try columns())
            #expect(direct == .success(expected), "\(i)")

            let csv = CSVParser.line(Self.header) + "\n" + CSVParser.line(exported) + "\n"
            let rows = try CSVParser.parse(csv)
            let positions = try ProjectSheet.columns(in: rows[0].fields).get()
            let viaCSV = ProjectSheet.draft(SheetRow(line: rows[1].line, cells: rows[1].fields.map { SheetCell.text($0) }), columns: positions)
            #expect(viaCSV == .success(expected), "\(i)")
        }
    }

    @Test("the export row has one cell per column, in header order")
    func exportShape() {
        let row = ProjectSheet.exportRow(
            name: "n", investor: "i", creditCode: "c", division: "141124", zone: "z", industry: "y",
            totalInvestmentFen: 1_500_000, expectedOutputFen: 1,
            milestones: [.signed: (d("2021-07-16"), "第七批")], contact: "p", phone: "t", notes: "x")
        #expect(row == ["n", "i", "c", "141124", "z", "y", "1.5", "0.000001", "2021-07-16", "第七批", "", "", "", "", "p", "t", "x"])
        #expect(row.count == Column.allCases.count)
    }
}

extension ProjectSheet.Column {
    /// Position in the canonical header.
    var order: Int { Self.allCases.firstIndex(of: self)! }
}
