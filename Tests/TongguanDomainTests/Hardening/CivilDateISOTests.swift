import Testing

@testable import TongguanDomain

@Suite("CivilDate.validatingISO: form errors told apart from dates out of range")
struct CivilDateISOTests {
    static func problem(_ text: String) -> CivilDate.Problem? {
        do { _ = try CivilDate.validatingISO(text); return nil } catch { return error }
    }

    @Test(
        "good dates",
        arguments: [
            ("2021-07-16", 2021, 7, 16), ("2000-02-29", 2000, 2, 29), ("2024-02-29", 2024, 2, 29), ("1999-12-31", 1999, 12, 31),
            ("1900-01-01", 1900, 1, 1), ("2200-12-31", 2200, 12, 31), ("2021-04-30", 2021, 4, 30), ("2023-02-28", 2023, 2, 28),
        ])
    func good(_ text: String, _ y: Int, _ m: Int, _ d: Int) throws {
        let date = try CivilDate.validatingISO(text)
        #expect(date == CivilDate(year: y, month: m, day: d))
        #expect(date.description == text)
    }

    @Test(
        "wrong shapes and impossible dates are format problems",
        arguments: [
            "2021-7-16", "2021-07-6", "2021/07/16", "2021.07.16", "20210716", "2021-07-16T00:00", " 2021-07-16", "2021-07-16 ",
            "２０２１-07-16", "2021-07-1６", "2021-٠7-16", "2021-02-30", "2021-13-01", "2021-00-10", "2021-01-00", "2021-04-31",
            "2023-02-29", "1900-02-29", "2100-02-29", "2200-02-29", "1700-02-29", "", "2021-07", "2021--07-16", "+021-07-16",
            "-2021-07-16", "2021_07_16", "2021-07-16\n", "abcd-ef-gh", "0000-00-00", "9999-99-99", "21-07-2021", "2021-07-16-",
            "2021年07月16日",
        ])
    func format(_ text: String) {
        #expect(Self.problem(text) == .format)
    }

    @Test(
        "real dates outside 1900–2200 are out of range",
        arguments: [
            "9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01", "0000-02-29", "1600-02-29", "2400-02-29", "1000-06-15",
        ])
    func outOfRange(_ text: String) {
        #expect(Self.problem(text) == .outOfRange)
    }

    @Test("messages are Chinese and name the form and the range")
    func messages() {
        #expect(CivilDate.Problem.format.message.contains("YYYY-MM-DD"))
        #expect(CivilDate.Problem.format.message.hasPrefix("日期"))
        let range = CivilDate.Problem.outOfRange.message
        #expect(range.hasPrefix("日期超出范围"))
        #expect(range.contains("1900-01-01") && range.contains("2200-12-31"))
    }

    @Test("every day from 1899-12-01 to 2201-01-31: in range is the date, outside is out of range")
    func everyDayAroundTheRange() throws {
        let first = CivilDate(dayNumber: CivilDate(year: 1900, month: 1, day: 1)!.dayNumber - 31)
        let last = CivilDate(dayNumber: CivilDate(year: 2200, month: 12, day: 31)!.dayNumber + 31)
        var inRange = 0
        for n in first.dayNumber...last.dayNumber {
            let day = CivilDate(dayNumber: n)
            if (1900...2200).contains(day.year) {
                #expect(try CivilDate.validatingISO(day.description) == day)
                inRange += 1
            } else {
                #expect(Self.problem(day.description) == .outOfRange, "\(day)")
            }
        }
        #expect(inRange == CivilDate(year: 2200, month: 12, day: 31)!.dayNumber - CivilDate(year: 1900, month: 1, day: 1)!.dayNumber + 1)
    }

    @Test(
        "day 29–32 of every month of sample years: a format problem exactly when the month is shorter",
        arguments: [1899, 1900, 1904, 2000, 2023, 2024, 2100, 2200, 2201])
    func monthLengths(_ year: Int) {
        for month in 1...12 {
            for day in 28...32 {
                let text = String(year) + "-" + (month < 10 ? "0" : "") + String(month) + "-" + String(day)
                let fits = day <= CivilDate.daysIn(month: month, year: year)
                let expected: CivilDate.Problem? = !fits ? .format : (1900...2200).contains(year) ? nil : .outOfRange
                #expect(Self.problem(text) == expected, "\(text)")
            }
        }
    }
}
