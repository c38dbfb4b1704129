/// How a time limit counts its days: every calendar day (信访工作条例's 15/60/30 days) or
/// only working days (12345's 5 working days).
public enum DayCounting: String, Sendable, Codable, CaseIterable {
    case calendar, working

    public var label: String {
        switch self {
        case .calendar: "自然日"
        case .working: "工作日"
        }
    }
}

/// A date reached by counting days, with whether the count crossed a year whose official
/// holiday arrangement is not loaded (then only weekends were skipped, and the date may
/// move once the State Council publishes that year's list).
public struct CountedDate: Hashable, Sendable {
    public let date: CivilDate
    public let provisional: Bool

    public init(date: CivilDate, provisional: Bool) {
        self.date = date
        self.provisional = provisional
    }
}

/// The official working-day calendar: Monday to Friday, except the State Council's holidays,
/// plus the weekend days worked in exchange (调休上班). It changes every year, so it is data
/// an administrator loads (see `HolidayCSV`), never a table in code.
public struct WorkingCalendar: Sendable, Equatable {
    public enum DayKind: String, Sendable, Codable, CaseIterable {
        /// A day off (放假), whether it falls on a weekday or inside a weekend.
        case holiday
        /// A weekend day worked in exchange (调休上班).
        case workday

        public var label: String {
            switch self {
            case .holiday: "放假"
            case .workday: "调休上班"
            }
        }
    }

    /// One line of the official arrangement.
    public struct Entry: Hashable, Sendable, Codable {
        public let date: CivilDate
        public let kind: DayKind
        /// The festival, e.g. 国庆节; shown beside the date.
        public let name: String

        public init(date: CivilDate, kind: DayKind, name: String) {
            self.date = date
            self.kind = kind
            self.name = name
        }
    }

    /// Every entry, in date order.
    public let entries: [Entry]
    private let byDay: [Int: Entry]
    /// The years that have at least one entry. A year without any is not loaded: the
    /// arrangement for it has not been published or not been entered yet.
    public let loadedYears: Set<Int>

    /// Builds the calendar from entries that `problems(in:)` accepts; should a date still
    /// appear twice, the later entry wins.
    public init(entries: [Entry]) {
        var byDay: [Int: Entry] = [:]
        for entry in entries { byDay[entry.date.dayNumber] = entry }
        self.byDay = byDay
        self.entries = byDay.values.sorted { $0.date < $1.date }
        self.loadedYears = Set(byDay.values.map(\.date.year))
    }

    public static let empty = WorkingCalendar(entries: [])

    public func isLoaded(year: Int) -> Bool { loadedYears.contains(year) }

    /// The years of `range` with no entry, for the calendar page's warning.
    public func unloadedYears(in range: ClosedRange<Int>) -> [Int] { range.filter { !isLoaded(year: $0) } }

    public func entry(on date: CivilDate) -> Entry? { byDay[date.dayNumber] }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        switch byDay[date.dayNumber]?.kind {
        case .holiday: false
        case .workday: true
        case nil: date.isoWeekday <= 5
        }
    }

    /// The `n`-th working day strictly after `date` (`date` itself for n ≤ 0). Provisional
    /// when any day counted lies in a year that is not loaded.
    public func addingWorkingDays(_ n: Int, after date: CivilDate) -> CountedDate {
        var day = date.dayNumber
        var remaining = n
        var provisional = false
        var checkedYear: Int? = nil
        while remaining > 0 {
            day += 1
            let current = CivilDate(dayNumber: day)
            if current.year != checkedYear {
                checkedYear = current.year
                if !isLoaded(year: current.year) { provisional = true }
            }
            if isWorkingDay(current) { remaining -= 1 }
        }
        return CountedDate(date: CivilDate(dayNumber: day), provisional: provisional)
    }

    /// `n` days after `date`, counted as `counting` says: calendar days are plain
    /// arithmetic (never provisional), working days follow the loaded arrangement.
    public func adding(_ n: Int, _ counting: DayCounting, after date: CivilDate) -> CountedDate {
        switch counting {
        case .calendar: CountedDate(date: date.adding(days: max(n, 0)), provisional: false)
        case .working: addingWorkingDays(n, after: date)
        }
    }

    /// The calendar with every year that `replacement` mentions replaced by its entries,
    /// other years kept: uploading the 2027 list leaves 2021–2026 as they were.
    public func replacingYears(with replacement: [Entry]) -> WorkingCalendar {
        let years = Set(replacement.map(\.date.year))
        return WorkingCalendar(entries: entries.filter { !years.contains($0.date.year) } + replacement)
    }

    /// The calendar without one year's entries (that year becomes unloaded).
    public func removingYear(_ year: Int) -> WorkingCalendar {
        WorkingCalendar(entries: entries.filter { $0.date.year != year })
    }
}
