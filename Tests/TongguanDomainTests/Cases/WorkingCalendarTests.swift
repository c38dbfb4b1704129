import Foundation
import Testing

@testable import TongguanDomain

@Suite("Working-day calendar: official holidays and make-up workdays, working-day counts")
struct WorkingCalendarTests {
    static func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }
    func d(_ s: String) -> CivilDate { Self.d(s) }

    static let calendar = WorkingCalendar(entries: try! HolidayCSV.parse(HolidayFixture.csv))

    /// The State Council's published spans for 2024–2026, written out independently of the
    /// fixture: (first day off, last day off, name).
    static let spans: [(String, String, String)] = [
        ("2024-01-01", "2024-01-01", "元旦"), ("2024-02-10", "2024-02-17", "春节"), ("2024-04-04", "2024-04-06", "清明节"),
        ("2024-05-01", "2024-05-05", "劳动节"), ("2024-06-08", "2024-06-10", "端午节"), ("2024-09-15", "2024-09-17", "中秋节"),
        ("2024-10-01", "2024-10-07", "国庆节"),
        ("2025-01-01", "2025-01-01", "元旦"), ("2025-01-28", "2025-02-04", "春节"), ("2025-04-04", "2025-04-06", "清明节"),
        ("2025-05-01", "2025-05-05", "劳动节"), ("2025-05-31", "2025-06-02", "端午节"), ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
        ("2026-01-01", "2026-01-03", "元旦"), ("2026-02-15", "2026-02-23", "春节"), ("2026-04-04", "2026-04-06", "清明节"),
        ("2026-05-01", "2026-05-05", "劳动节"), ("2026-06-19", "2026-06-21", "端午节"), ("2026-09-25", "2026-09-27", "中秋节"),
        ("2026-10-01", "2026-10-07", "国庆节"),
    ]
    static let makeUps = [
        "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12",
        "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ]
    static var holidays: Set<CivilDate> {
        var set: Set<CivilDate> = []
        for (a, b, _) in spans {
            var day = d(a)
            while day <= d(b) { set.insert(day); day = day.adding(days: 1) }
        }
        return set
    }

    @Test("the fixture's 2024–2026 entries are exactly the published spans and make-up days")
    func fixtureMatchesPublished() {
        let entries = Self.calendar.entries.filter { (2024...2026).contains($0.date.year) }
        #expect(Set(entries.filter { $0.kind == .holiday }.map(\.date)) == Self.holidays)
        #expect(Set(entries.filter { $0.kind == .workday }.map(\.date)) == Set(Self.makeUps.map(d)))
        for (a, b, name) in Self.spans {
            #expect(Self.calendar.entry(on: d(a))?.name == name)
            #expect(Self.calendar.entry(on: d(b))?.name == name)
        }
    }

    @Test("the fixture is the shared holidays-cn.csv, when that file is at hand")
    func fixtureMatchesSharedFile() throws {
        let url = URL(fileURLWithPath: "/work/shared/context/holidays-cn.csv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
        #expect(try HolidayCSV.parse(text) == HolidayCSV.parse(HolidayFixture.csv))
    }

    @Test("every 2024–2026 holiday is a day off, every make-up workday is worked")
    func everyHolidayAndWorkday() {
        for day in Self.holidays { #expect(!Self.calendar.isWorkingDay(day), "\(day)") }
        for raw in Self.makeUps {
            #expect(Self.calendar.isWorkingDay(d(raw)), "\(raw)")
            #expect(d(raw).isoWeekday >= 6, "\(raw) is a weekend day worked in exchange")
        }
    }

    @Test("every other day of 2024–2026 is worked exactly when it is Monday to Friday")
    func everyOtherDay() {
        let holidays = Self.holidays, makeUps = Set(Self.makeUps.map(d))
        var day = d("2024-01-01"), workingDays = 0
        while day <= d("2026-12-31") {
            let expected = makeUps.contains(day) || (day.isoWeekday <= 5 && !holidays.contains(day))
            #expect(Self.calendar.isWorkingDay(day) == expected, "\(day)")
            if expected { workingDays += 1 }
            day = day.adding(days: 1)
        }
        #expect(workingDays == 251 + 248 + 248)
    }

    @Test("working days per year, counted by hand from the published lists")
    func workingDaysPerYear() {
        // 2024: 262 weekdays − 19 weekday holidays + 8 make-ups; 2025: 261 − 18 + 5; 2026: 261 − 19 + 6.
        for (year, expected) in [(2024, 251), (2025, 248), (2026, 248)] {
            var day = CivilDate(year: year, month: 1, day: 1)!, n = 0
            while day.year == year {
                if Self.calendar.isWorkingDay(day) { n += 1 }
                day = day.adding(days: 1)
            }
            #expect(n == expected, "\(year)")
        }
    }

    @Test("loaded years are those with entries; others are flagged")
    func loadedYears() {
        #expect(Self.calendar.loadedYears == Set(2021...2026))
        #expect(Self.calendar.isLoaded(year: 2024))
        #expect(!Self.calendar.isLoaded(year: 2027))
        #expect(!Self.calendar.isLoaded(year: 2020))
        #expect(Self.calendar.unloadedYears(in: 2020...2028) == [2020, 2027, 2028])
        #expect(WorkingCalendar.empty.loadedYears.isEmpty)
        #expect(Self.calendar.removingYear(2026).unloadedYears(in: 2025...2026) == [2026])
    }

    @Test("N working days after D is the N-th working day strictly after D")
    func plainWeeks() {
        // 2024-03-04 is a Monday with no holiday nearby.
        #expect(Self.calendar.addingWorkingDays(1, after: d("2024-03-04")).date == d("2024-03-05"))
        #expect(Self.calendar.addingWorkingDays(4, after: d("2024-03-04")).date == d("2024-03-08"))
        #expect(Self.calendar.addingWorkingDays(5, after: d("2024-03-04")).date == d("2024-03-11"))
        // From a Saturday, Monday is the first.
        #expect(Self.calendar.addingWorkingDays(1, after: d("2024-03-09")).date == d("2024-03-11"))
        #expect(Self.calendar.addingWorkingDays(0, after: d("2024-03-09")).date == d("2024-03-09"))
        #expect(Self.calendar.addingWorkingDays(-3, after: d("2024-03-09")).date == d("2024-03-09"))
    }

    @Test("working-day deadlines across National Day 2024, 2025 and 2026")
    func nationalDay() {
        let c = Self.calendar
        // 2024: off 10-01…10-07, worked Sun 09-29 and Sat 10-12.
        #expect(c.addingWorkingDays(5, after: d("2024-09-27")).date == d("2024-10-10"))
        #expect(c.addingWorkingDays(5, after: d("2024-09-30")).date == d("2024-10-12"))
        #expect(c.addingWorkingDays(10, after: d("2024-10-12")).date == d("2024-10-25"))
        #expect(c.addingWorkingDays(1, after: d("2024-09-30")).date == d("2024-10-08"))
        // 2025: off 10-01…10-08, worked Sun 09-28 and Sat 10-11.
        #expect(c.addingWorkingDays(5, after: d("2025-09-26")).date == d("2025-10-10"))
        #expect(c.addingWorkingDays(5, after: d("2025-09-30")).date == d("2025-10-14"))
        #expect(c.addingWorkingDays(15, after: d("2025-09-30")).date == d("2025-10-28"))
        #expect(c.addingWorkingDays(1, after: d("2025-09-30")).date == d("2025-10-09"))
        // 2026: Mid-Autumn off 09-25…09-27, National Day off 10-01…10-07, worked Sun 09-20 and Sat 10-10.
        #expect(c.addingWorkingDays(5, after: d("2026-09-24")).date == d("2026-10-09"))
        #expect(c.addingWorkingDays(5, after: d("2026-09-18")).date == d("2026-09-24"))
        #expect(c.addingWorkingDays(10, after: d("2026-10-09")).date == d("2026-10-22"))
        for result in [c.addingWorkingDays(5, after: d("2024-09-27")), c.addingWorkingDays(5, after: d("2026-09-24"))] {
            #expect(!result.provisional)
        }
    }

    @Test("working-day deadlines across Spring Festival 2024, 2025 and 2026")
    func springFestival() {
        let c = Self.calendar
        // 2024: worked Sun 02-04, off 02-10…02-17, worked Sun 02-18.
        #expect(c.addingWorkingDays(5, after: d("2024-02-08")).date == d("2024-02-21"))
        #expect(c.addingWorkingDays(5, after: d("2024-02-02")).date == d("2024-02-08"))
        // 2025: worked Sun 01-26, off 01-28…02-04, worked Sat 02-08.
        #expect(c.addingWorkingDays(5, after: d("2025-01-24")).date == d("2025-02-07"))
        #expect(c.addingWorkingDays(10, after: d("2025-02-07")).date == d("2025-02-20"))
        // 2026: worked Sat 02-14, off 02-15…02-23, worked Sat 02-28.
        #expect(c.addingWorkingDays(5, after: d("2026-02-12")).date == d("2026-02-26"))
        #expect(c.addingWorkingDays(15, after: d("2026-02-12")).date == d("2026-03-11"))
        // New Year 2026: off 01-01…01-03, worked Sun 01-04.
        #expect(c.addingWorkingDays(5, after: d("2025-12-31")).date == d("2026-01-08"))
    }

    @Test("calendar-day counting ignores holidays")
    func calendarDays() {
        let c = Self.calendar
        #expect(c.adding(60, .calendar, after: d("2024-09-20")) == CountedDate(date: d("2024-11-19"), provisional: false))
        #expect(c.adding(30, .calendar, after: d("2024-11-19")).date == d("2024-12-19"))
        #expect(c.adding(15, .calendar, after: d("2027-06-01")) == CountedDate(date: d("2027-06-16"), provisional: false))
        #expect(c.adding(5, .working, after: d("2024-09-27")).date == d("2024-10-10"))
    }

    @Test("beyond the loaded years only weekends are skipped, and the date is provisional")
    func provisional() {
        let c = Self.calendar
        let inside = c.addingWorkingDays(5, after: d("2026-12-23"))
        #expect(inside == CountedDate(date: d("2026-12-30"), provisional: false))
        // 2027-01-01 is a Friday: not loaded, so it counts as a working day.
        let across = c.addingWorkingDays(5, after: d("2026-12-28"))
        #expect(across == CountedDate(date: d("2027-01-04"), provisional: true))
        let empty = WorkingCalendar.empty.addingWorkingDays(5, after: d("2024-09-27"))
        #expect(empty == CountedDate(date: d("2024-10-04"), provisional: true))
        // Loading 2027 (a made-up list) settles it.
        let loaded = c.replacingYears(with: [.init(date: d("2027-01-01"), kind: .holiday, name: "元旦")])
        #expect(loaded.addingWorkingDays(5, after: d("2026-12-28")) == CountedDate(date: d("2027-01-05"), provisional: false))
        #expect(loaded.isLoaded(year: 2026) && loaded.isLoaded(year: 2027))
    }

    @Test("replacing a year's entries leaves the other years as they were")
    func replaceYear() {
        let replaced = Self.calendar.replacingYears(with: [.init(date: d("2025-10-01"), kind: .holiday, name: "国庆节")])
        #expect(replaced.entries.filter { $0.date.year == 2025 }.count == 1)
        #expect(replaced.isWorkingDay(d("2025-10-02")))
        #expect(replaced.entries.filter { $0.date.year == 2024 } == Self.calendar.entries.filter { $0.date.year == 2024 })
        #expect(replaced.entries == replaced.entries.sorted { $0.date < $1.date })
    }

    @Test("a make-up workday outranks the weekend, a holiday outranks the weekday")
    func entryKinds() {
        #expect(Self.calendar.entry(on: d("2024-09-29"))?.kind == .workday)
        #expect(Self.calendar.entry(on: d("2024-10-01"))?.kind == .holiday)
        #expect(Self.calendar.entry(on: d("2024-10-09")) == nil)
        #expect(WorkingCalendar.DayKind.holiday.label == "放假" && WorkingCalendar.DayKind.workday.label == "调休上班")
        #expect(DayCounting.calendar.label == "自然日" && DayCounting.working.label == "工作日")
    }
}
