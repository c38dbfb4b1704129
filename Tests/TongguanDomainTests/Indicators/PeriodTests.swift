import Foundation
import Testing

@testable import TongguanDomain

@Suite("Period: forms, bounds, shifts, parts and Chinese display")
struct PeriodTests {
    func p(_ s: String) -> Period { try! Period(s) }
    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    @Test(
        "every single form parses to its kind and inclusive bounds",
        arguments: [
            ("2021", Period.Kind.year, "2021-01-01", "2021-12-31"),
            ("2021-H1", .halfYear, "2021-01-01", "2021-06-30"),
            ("2021-H2", .halfYear, "2021-07-01", "2021-12-31"),
            ("2021-Q1", .quarter, "2021-01-01", "2021-03-31"),
            ("2021-Q2", .quarter, "2021-04-01", "2021-06-30"),
            ("2021-Q3", .quarter, "2021-07-01", "2021-09-30"),
            ("2021-Q4", .quarter, "2021-10-01", "2021-12-31"),
            ("2021-02", .month, "2021-02-01", "2021-02-28"),
            ("2024-02", .month, "2024-02-01", "2024-02-29"),
            ("2021-12", .month, "2021-12-01", "2021-12-31"),
            ("2021-05-20", .day, "2021-05-20", "2021-05-20"),
            ("2021-01..2021-05", .range, "2021-01-01", "2021-05-31"),
            ("2021-01-05..2021-Q2", .range, "2021-01-05", "2021-06-30"),
            ("2019..2021", .range, "2019-01-01", "2021-12-31"),
            ("2020-H2..2021-Q1", .range, "2020-07-01", "2021-03-31"),
            ("2021-01..2021-01-20", .range, "2021-01-01", "2021-01-20"),
            ("2021..2021-05", .range, "2021-01-01", "2021-05-31"),
            ("2021-05..2021-05-01", .range, "2021-05-01", "2021-05-01"),
        ])
    func forms(text: String, kind: Period.Kind, start: String, end: String) throws {
        let period = try Period(text)
        #expect(period.kind == kind)
        #expect(period.start == d(start))
        #expect(period.end == d(end))
        #expect(period.description == text)
        #expect(period.isRange == (kind == .range))
        #expect(period.dayCount == d(end).dayNumber - d(start).dayNumber + 1)
    }

    @Test(
        "lenient input is written back in the canonical form",
        arguments: [
            ("2021-5", "2021-05"), ("2021-q2", "2021-Q2"), ("2021-h1", "2021-H1"), ("2021-5-2", "2021-05-02"),
            (" 2021-01 .. 2021-05 ", "2021-01..2021-05"), ("2021-1..2021-5", "2021-01..2021-05"),
        ])
    func canonical(input: String, canonical: String) throws {
        #expect(try Period(input).description == canonical)
    }

    @Test(
        "refusals name the problem",
        arguments: [
            ("", Period.Problem.empty), ("   ", .empty), ("21", .unrecognized("21")), ("2021/05", .unrecognized("2021/05")),
            ("2021-13", .badMonth("2021-13")), ("2021-00", .badMonth("2021-00")), ("2021-Q5", .badQuarter("2021-Q5")),
            ("2021-Q0", .badQuarter("2021-Q0")), ("2021-Q", .badQuarter("2021-Q")), ("2021-Q12", .badQuarter("2021-Q12")),
            ("2021-H3", .badHalf("2021-H3")), ("2021-H", .badHalf("2021-H")), ("2021-02-30", .noSuchDay("2021-02-30")),
            ("2023-02-29", .noSuchDay("2023-02-29")), ("1899", .yearOutOfRange("1899")), ("2201-01", .yearOutOfRange("2201-01")),
            ("2021-05..2021-01", .reversed("2021-05..2021-01")), ("2021-05-02..2021-05", .reversed("2021-05-02..2021-05")),
            ("2022..2021-12-31", .reversed("2022..2021-12-31")), ("2021-05..2021-05", .sameBounds("2021-05..2021-05")),
            ("2021-01..2021-03..2021-05", .unrecognized("2021-01..2021-03..2021-05")), ("2021-01...2021-05", .unrecognized("2021-01...2021-05")),
            ("2021-01..", .unrecognized("2021-01..")), ("..2021", .unrecognized("..2021")), ("2021年5月", .unrecognized("2021年5月")),
            ("2021-05-20-1", .unrecognized("2021-05-20-1")), ("2021-005", .unrecognized("2021-005")), ("２０２１", .unrecognized("２０２１")),
        ])
    func refusals(text: String, problem: Period.Problem) {
        #expect(throws: problem) { try Period(text) }
        #expect(Period(text: text) == nil)
    }

    @Test("problem messages are Chinese and quote the text")
    func messages() {
        #expect(Period.Problem.unrecognized("x").message.contains("2021-01..2021-05"))
        #expect(Period.Problem.badMonth("2021-13").message == "期间「2021-13」的月份应为01—12")
        #expect(Period.Problem.badQuarter("q").message.contains("Q1—Q4"))
        #expect(Period.Problem.badHalf("h").message.contains("H1(上半年)"))
        #expect(Period.Problem.noSuchDay("2021-02-30").message.contains("不是存在的日期"))
        #expect(Period.Problem.reversed("a").message.contains("起点晚于终点"))
        #expect(Period.Problem.sameBounds("a").message.contains("单个期间"))
        #expect(Period.Problem.yearOutOfRange("1899").message.contains("1900—2200"))
        #expect(Period.Problem.empty.message == "期间不能为空")
    }

    @Test("factories check their ranges")
    func factories() throws {
        #expect(Period.month(year: 2021, month: 13) == nil)
        #expect(Period.quarter(year: 2021, quarter: 0) == nil)
        #expect(Period.halfYear(year: 2021, half: 3) == nil)
        #expect(Period.year(1899) == nil)
        #expect(Period.month(year: 2021, month: 5) == p("2021-05"))
        #expect(Period.day(d("2021-05-20")) == p("2021-05-20"))
        #expect(try Period.range(from: p("2021-01"), to: p("2021-05")) == p("2021-01..2021-05"))
        #expect(throws: Period.Problem.reversed("2021-05..2021-01")) { try Period.range(from: p("2021-05"), to: p("2021-01")) }
        #expect(throws: Period.Problem.unrecognized("2021-01..2021-02..2021-05")) {
            try Period.range(from: p("2021-01..2021-02"), to: p("2021-05"))
        }
        #expect(p("2021-01..2021-05").bounds?.from == p("2021-01"))
        #expect(p("2021-01..2021-05").bounds?.to == p("2021-05"))
        #expect(p("2021-05").bounds == nil)
    }

    @Test("the unit containing a date")
    func units() {
        let date = d("2021-08-15")
        #expect(Period.unit(.day, containing: date) == p("2021-08-15"))
        #expect(Period.unit(.month, containing: date) == p("2021-08"))
        #expect(Period.unit(.quarter, containing: date) == p("2021-Q3"))
        #expect(Period.unit(.halfYear, containing: date) == p("2021-H2"))
        #expect(Period.unit(.year, containing: date) == p("2021"))
        #expect(Period.unit(.range, containing: date) == nil)
        #expect(Period.unit(.quarter, containing: d("2021-03-31")) == p("2021-Q1"))
        #expect(Period.unit(.halfYear, containing: d("2021-06-30")) == p("2021-H1"))
    }

    @Test(
        "previous: the same-length period before",
        arguments: [
            ("2021-05-20", "2021-05-19"), ("2021-03-01", "2021-02-28"), ("2021-01-01", "2020-12-31"),
            ("2021-05", "2021-04"), ("2021-01", "2020-12"), ("2021-Q1", "2020-Q4"), ("2021-Q3", "2021-Q2"),
            ("2021-H1", "2020-H2"), ("2021-H2", "2021-H1"), ("2021", "2020"),
            ("2021-01..2021-05", "2020-08..2020-12"), ("2021-Q1..2021-Q2", "2020-Q3..2020-Q4"),
            ("2021-Q1..2021-05", "2020-08..2020-12"), ("2020..2021", "2018..2019"), ("2021-H1..2021-Q3", "2020-04..2020-12"),
            ("2021-01-05..2021-01-20", "2020-12-20..2021-01-04"), ("2021-01..2021-01-20", "2020-12-12..2020-12-31"),
            ("2021-01-01..2021-03", "2020-10..2020-12"), ("2021-01..2021-01-31", "2020-12"),
        ])
    func previous(text: String, expected: String) {
        #expect(p(text).previous == p(expected))
        #expect(p(text).previous!.dayCount <= 366 * 3)
    }

    @Test("previous and same period last year are nil only at the calendar's edge")
    func edges() {
        #expect(p("1900").previous == nil)
        #expect(p("1900-01").previous == nil)
        #expect(p("1900-01-01").previous == nil)
        #expect(p("1900-05").sameLastYear == nil)
        #expect(p("1900-01..1900-05").previous == nil)
        #expect(p("1900-01-02..1900-01-05").previous == nil)
        #expect(p("1901-05").sameLastYear == p("1900-05"))
    }

    @Test(
        "same period last year keeps the form; 29 February becomes 28 February",
        arguments: [
            ("2021-05", "2020-05"), ("2021-Q2", "2020-Q2"), ("2021-H1", "2020-H1"), ("2021", "2020"),
            ("2021-05-20", "2020-05-20"), ("2024-02-29", "2023-02-28"), ("2021-01..2021-05", "2020-01..2020-05"),
            ("2024-02-01..2024-02-29", "2023-02-01..2023-02-28"), ("2024-02-28..2024-02-29", "2023-02-28"),
        ])
    func sameLastYear(text: String, expected: String) {
        #expect(p(text).sameLastYear == p(expected))
    }

    @Test("containment, overlap and same days")
    func containment() {
        #expect(p("2021").contains(p("2021-05")))
        #expect(p("2021-H1").contains(p("2021-Q2")))
        #expect(!p("2021-H1").contains(p("2021-Q3")))
        #expect(p("2021-01..2021-05").contains(d("2021-05-31")))
        #expect(!p("2021-01..2021-05").contains(d("2021-06-01")))
        #expect(p("2021-05").contains(p("2021-05")))
        #expect(p("2021-Q2").overlaps(p("2021-06..2021-08")))
        #expect(!p("2021-Q2").overlaps(p("2021-07")))
        #expect(p("2021-Q1").coversSameDays(as: p("2021-01..2021-03")))
        #expect(p("2021-Q1") != p("2021-01..2021-03"))
        #expect(p("2021-05") < p("2021-06"))
        #expect(p("2021-05") < p("2021-05..2021-06"))
    }

    @Test("months touched, whole-month check, exact parts")
    func months() {
        #expect(p("2021-Q2").months == [p("2021-04"), p("2021-05"), p("2021-06")])
        #expect(p("2021-05-20").months == [p("2021-05")])
        #expect(p("2020-11-15..2021-02-03").months.map(\.description) == ["2020-11", "2020-12", "2021-01", "2021-02"])
        #expect(p("2021").months.count == 12)
        #expect(p("2021-Q2").isWholeMonths && !p("2021-05-20").isWholeMonths)
        #expect(p("2021-01..2021-05").parts(.month)?.count == 5)
        #expect(p("2021-01..2021-05").parts(.quarter) == nil)
        #expect(p("2021").parts(.quarter) == [p("2021-Q1"), p("2021-Q2"), p("2021-Q3"), p("2021-Q4")])
        #expect(p("2021").parts(.halfYear) == [p("2021-H1"), p("2021-H2")])
        #expect(p("2021").parts(.year) == [p("2021")])
        #expect(p("2024").parts(.day)?.count == 366)
        #expect(p("2021-05").parts(.range) == nil)
        #expect(p("2021-05-20").parts(.month) == nil)
    }

    @Test(
        "Chinese display as the article writes it",
        arguments: [
            ("2021", "2021年"), ("2021-H1", "2021年上半年"), ("2021-H2", "2021年下半年"), ("2021-Q2", "2021年第二季度"),
            ("2021-Q4", "2021年第四季度"), ("2021-05", "2021年5月"), ("2021-05-20", "2021年5月20日"),
            ("2021-01..2021-05", "2021年1—5月"), ("2021-05-01..2021-05-20", "2021年5月1—20日"),
            ("2021-05-01..2021-06-20", "2021年5月1日—6月20日"), ("2021-Q1..2021-05", "2021年第一季度—5月"),
            ("2020-11..2021-02", "2020年11月—2021年2月"), ("2019..2021", "2019—2021年"), ("2020..2021-05", "2020年—2021年5月"),
        ])
    func chinese(text: String, expected: String) {
        #expect(p(text).chinese == expected)
    }

    @Test("JSON is the canonical text; bad text is a decoding error with the Chinese message")
    func json() throws {
        let data = try JSONEncoder().encode([p("2021-01..2021-05"), p("2021-Q2")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2021-01..2021-05","2021-Q2"]"#)
        #expect(try JSONDecoder().decode([Period].self, from: data) == [p("2021-01..2021-05"), p("2021-Q2")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Period].self, from: Data(#"["2021-13"]"#.utf8)) }
    }
}
