/// The calendar arithmetic of one unit of a period.
extension Period.Part {
    var kind: Period.Kind {
        switch self {
        case .day: .day
        case .month: .month
        case .quarter: .quarter
        case .half: .halfYear
        case .year: .year
        }
    }

    var year: Int {
        switch self {
        case .day(let d): d.year
        case .month(let y, _), .quarter(let y, _), .half(let y, _): y
        case .year(let y): y
        }
    }

    /// First and last month of the unit (a day's own month).
    var monthSpan: (first: Int, last: Int) {
        switch self {
        case .day(let d): (d.month, d.month)
        case .month(_, let m): (m, m)
        case .quarter(_, let q): (q * 3 - 2, q * 3)
        case .half(_, let h): (h * 6 - 5, h * 6)
        case .year: (1, 12)
        }
    }

    /// Months per unit; nil for a day.
    var monthLength: Int? {
        switch self {
        case .day: nil
        case .month: 1
        case .quarter: 3
        case .half: 6
        case .year: 12
        }
    }

    var start: CivilDate {
        if case .day(let d) = self { return d }
        return CivilDate(year: year, month: monthSpan.first, day: 1)!
    }

    var end: CivilDate {
        if case .day(let d) = self { return d }
        let m = monthSpan.last
        return CivilDate(year: year, month: m, day: CivilDate.daysIn(month: m, year: year))!
    }

    var text: String {
        switch self {
        case .day(let d): d.description
        case .month(let y, let m): padded(y, 4) + "-" + padded(m, 2)
        case .quarter(let y, let q): padded(y, 4) + "-Q\(q)"
        case .half(let y, let h): padded(y, 4) + "-H\(h)"
        case .year(let y): padded(y, 4)
        }
    }

    /// The unit `months` calendar months later (earlier when negative), keeping its kind;
    /// nil for a day, for a shift that is not a whole number of units, or past the calendar.
    func shifted(months: Int) -> Period.Part? {
        guard let length = monthLength, months % length == 0 else { return nil }
        let total = year * 12 + (monthSpan.first - 1) + months
        let y = total / 12, m = total % 12 + 1
        guard Period.years.contains(y), total >= 0 else { return nil }
        switch self {
        case .day: return nil
        case .month: return .month(year: y, month: m)
        case .quarter: return .quarter(year: y, quarter: (m + 2) / 3)
        case .half: return .half(year: y, half: m <= 6 ? 1 : 2)
        case .year: return .year(y)
        }
    }

    /// The same unit a year earlier; 29 February becomes 28 February.
    var yearEarlier: Period.Part? {
        if case .day(let d) = self {
            guard Period.years.contains(d.year - 1) else { return nil }
            return .day(CivilDate(year: d.year - 1, month: d.month, day: min(d.day, CivilDate.daysIn(month: d.month, year: d.year - 1)))!)
        }
        return shifted(months: -12)
    }

    /// The unit just before this one (the day, month, quarter, half-year or year before).
    var previous: Period.Part? {
        if case .day(let d) = self {
            let p = d.adding(days: -1)
            return Period.years.contains(p.year) ? .day(p) : nil
        }
        return shifted(months: -(monthLength ?? 1))
    }
}

extension Period {
    /// The period of the same length just before this one: the previous day, month,
    /// quarter, half-year or year; a range moves back by its own span. A whole-month range
    /// moves by its number of months and keeps the form of its ends when they can (`2021-Q1..2021-Q2`
    /// → `2020-Q3..2020-Q4`), otherwise it is written in months (`2021-01..2021-05` →
    /// `2020-08..2020-12`); any other range moves by its number of days and is written in
    /// days. Nil only at the edge of the calendar.
    public var previous: Period? {
        guard let last else { return first.previous.map { Period($0) } }
        if isWholeMonths {
            let count = months.count
            if let a = first.shifted(months: -count), let b = last.shifted(months: -count) { return Period(a, b) }
            guard let a = Period.Part.month(year: start.year, month: start.month).shifted(months: -count),
                let b = Period.Part.month(year: end.year, month: end.month).shifted(months: -count)
            else { return nil }
            return Period(a, b)
        }
        let a = start.adding(days: -dayCount), b = end.adding(days: -dayCount)
        guard Period.years.contains(a.year) else { return nil }
        return Period(.day(a), .day(b))
    }

    /// The same period one year earlier (同比): each end moves back a year, keeping its form.
    public var sameLastYear: Period? {
        guard let a = first.yearEarlier else { return nil }
        guard let last else { return Period(a) }
        guard let b = last.yearEarlier else { return nil }
        return Period(a, b)
    }
}
