import Foundation
import Testing

@testable import TongguanDomain

@Suite("CivilDate: parsing, bounds, day numbers and Excel serials")
struct CivilDateTests {
    static let first = CivilDate(year: 1900, month: 1, day: 1)!
    static let last = CivilDate(year: 2200, month: 12, day: 31)!

    /// Foundation's Gregorian calendar in UTC: an independent oracle for day numbers.
    static func foundationDayNumber(_ y: Int, _ m: Int, _ d: Int) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)) else { return nil }
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard parts.year == y, parts.month == m, parts.day == d else { return nil }  // Foundation rolls 2-30 over
        return Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    // MARK: Parsing

    @Test(
        "the forms people and spreadsheets write all read as the same day",
        arguments: [
            "2021-07-16", "2021/7/16", "2021/07/16", "2021.7.16", "2021年7月16日", "2021年07月16日", "2021年7月16",
            " 2021-07-16 ", "\u{3000}2021年7月16日\u{3000}", "2021-7-16", "\u{A0}2021/7/16",
        ])
    func parsingForms(_ text: String) {
        #expect(CivilDate(parsing: text) == CivilDate(year: 2021, month: 7, day: 16))
    }

    @Test(
        "single-digit months and days",
        arguments: [
            ("2021/1/5", 1, 5), ("2021年1月5日", 1, 5), ("2021.12.1", 12, 1), ("2021-09-09", 9, 9),
        ])
    func shortParts(_ text: String, _ month: Int, _ day: Int) {
        #expect(CivilDate(parsing: text) == CivilDate(year: 2021, month: month, day: day))
    }

    @Test(
        "text that is not a whole real date is refused",
        arguments: [
            "", "2021", "2021-07", "20210716", "21-07-16", "2021-007-16", "2021-07-016", "2021-07-16 12:00",
            "2021-02-29", "2021-02-30", "2021-04-31", "2021-13-01", "2021-00-10", "2021-07-00", "2021-07-32",
            "abcd-07-16", "2021-ab-16", "２０２１-07-16", "16/07/2021", "07/16/2021", "2021年7月", "七月十六日",
            "1899-12-31", "2201-01-01", "0000-01-01", "9999-12-31",
        ])
    func invalidText(_ text: String) {
        #expect(CivilDate(parsing: text) == nil)
    }

    @Test("the components initialiser refuses impossible days and out-of-range years")
    func componentBounds() {
        #expect(CivilDate(year: 1900, month: 1, day: 1) != nil)
        #expect(CivilDate(year: 2200, month: 12, day: 31) != nil)
        #expect(CivilDate(year: 1899, month: 12, day: 31) == nil)
        #expect(CivilDate(year: 2201, month: 1, day: 1) == nil)
        for (m, d) in [(0, 1), (13, 1), (1, 0), (1, 32), (4, 31), (6, 31), (9, 31), (11, 31), (2, 30), (-1, 1), (1, -1)] {
            #expect(CivilDate(year: 2024, month: m, day: d) == nil, "\(m)-\(d)")
        }
    }

    @Test("leap years follow the Gregorian rule, checked against Foundation for every year in range")
    func leapYears() throws {
        for year in 1900...2200 {
            let leap = Self.foundationDayNumber(year, 2, 29) != nil
            #expect((CivilDate(year: year, month: 2, day: 29) != nil) == leap, "\(year)")
            #expect(CivilDate.daysIn(month: 2, year: year) == (leap ? 29 : 28))
            #expect(CivilDate(parsing: "\(year)-2-29") == CivilDate(year: year, month: 2, day: 29))
        }
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2100, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
    }

    @Test("month lengths add up to the year's length")
    func monthLengths() {
        for year in [1900, 2000, 2023, 2024, 2100] {
            let days = (1...12).reduce(0) { $0 + CivilDate.daysIn(month: $1, year: year) }
            let next = year < 2200 ? CivilDate(year: year + 1, month: 1, day: 1)! : CivilDate(dayNumber: Self.last.dayNumber + 1)
            #expect(days == next.dayNumber - CivilDate(year: year, month: 1, day: 1)!.dayNumber)
        }
    }

    @Test(
        "ISO form is exactly YYYY-MM-DD",
        arguments: [
            "2021-7-16", "2021/07/16", "2021-07-16T00:00", "20210716", "2021-07-1", " 2021-07-16", "2021-02-29",
            "1899-12-31", "2201-01-01", "",
        ])
    func isoRefusals(_ text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test("compact YYYYMMDD, as inside a resident ID")
    func compact() {
        #expect(CivilDate(compact: "20210716") == CivilDate(year: 2021, month: 7, day: 16))
        #expect(CivilDate(compact: "19000101") == Self.first)
        for text in ["2021071", "202107160", "20210230", "19000229", "2021-7-1", "abcdefgh", "18991231", ""] {
            #expect(CivilDate(compact: text) == nil, "\(text)")
        }
    }

    // MARK: Every day in range

    @Test("every day from 1900 to 2200: ISO, Chinese and compact text read back, day numbers match Foundation")
    func everyDay() throws {
        var previous: CivilDate?
        for n in Self.first.dayNumber...Self.last.dayNumber {
            let date = CivilDate(dayNumber: n)
            #expect(date.dayNumber == n)
            let made = try #require(CivilDate(year: date.year, month: date.month, day: date.day))
            #expect(made == date)
            #expect(CivilDate(iso: date.description) == date)
            #expect(CivilDate(parsing: date.description) == date)
            #expect(CivilDate(parsing: date.chinese) == date)
            #expect(CivilDate(compact: date.description.replacingOccurrences(of: "-", with: "")) == date)
            if let previous {
                #expect(previous < date)
                #expect(previous.adding(days: 1) == date)
            }
            if n % 97 == 0 { #expect(Self.foundationDayNumber(date.year, date.month, date.day) == n) }
            previous = date
        }
        #expect(Self.first.dayNumber == Self.foundationDayNumber(1900, 1, 1))
        #expect(Self.last.dayNumber == Self.foundationDayNumber(2200, 12, 31))
    }

    @Test("day numbers round-trip far outside the accepted years")
    func wideRoundTrip() {
        for n in stride(from: -3_000_000, through: 3_000_000, by: 17) {
            #expect(CivilDate(dayNumber: n).dayNumber == n)
        }
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(CivilDate(dayNumber: -1).description == "1969-12-31")
    }

    @Test("text forms of one day")
    func textForms() {
        let date = CivilDate(year: 2021, month: 7, day: 6)!
        #expect(date.description == "2021-07-06")
        #expect(date.chinese == "2021年7月6日")
    }

    // MARK: Excel serials

    @Test(
        "Excel serials map to days, counting the phantom 1900-02-29",
        arguments: [
            (61, 1900, 3, 1), (25_569, 1970, 1, 1), (36_526, 2000, 1, 1), (44_393, 2021, 7, 16), (45_351, 2024, 2, 29),
        ])
    func excelKnown(_ serial: Int, _ y: Int, _ m: Int, _ d: Int) {
        let date = CivilDate(year: y, month: m, day: d)!
        #expect(CivilDate(excelSerial: serial) == date)
        #expect(date.excelSerial == serial)
    }

    @Test("the phantom 1900-02-29 and the serials before it are refused", arguments: [60, 59, 1, 0, -1, -44_393])
    func excelPhantom(_ serial: Int) {
        #expect(CivilDate(excelSerial: serial) == nil)
    }

    @Test("serials past 2200 are refused", arguments: [Self.last.excelSerial + 1, 199_999, 200_000, 2_958_465, Int.max])
    func excelTooLate(_ serial: Int) {
        #expect(CivilDate(excelSerial: serial) == nil)
    }

    @Test("every day from 1900-03-01 to 2200-12-31 round-trips through its serial")
    func excelRoundTrip() throws {
        let start = CivilDate(year: 1900, month: 3, day: 1)!
        #expect(start.excelSerial == 61)
        for serial in start.excelSerial...Self.last.excelSerial {
            let date = try #require(CivilDate(excelSerial: serial))
            #expect(date.excelSerial == serial)
        }
    }

    // MARK: Order and storage

    @Test("order follows the calendar")
    func order() {
        let dates = ["2021-07-16", "2021-07-15", "2020-12-31", "2021-08-01", "1900-01-01", "2200-12-31"].map { CivilDate(iso: $0)! }
        #expect(dates.sorted() == dates.sorted { $0.dayNumber < $1.dayNumber })
        #expect(dates.sorted().first == Self.first)
        #expect(dates.sorted().last == Self.last)
    }
}
