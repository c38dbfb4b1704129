/// A date range (either end open) cut into the whole calendar months it covers and the
/// days left over at its edges. A figure kept per month answers the whole months; the
/// edge days are counted from the day-level rows, so together they are exactly the range.
public struct MonthSplit: Sendable, Equatable {
    /// A closed day range; nil ends are open.
    public struct Days: Sendable, Equatable {
        public var from: CivilDate?
        public var to: CivilDate?
        public init(from: CivilDate?, to: CivilDate?) { self.from = from; self.to = to }
    }

    /// The first and last whole month (`YYYY-MM`), each nil when open; nil when the range
    /// holds no whole month.
    public var months: (first: String?, last: String?)?
    /// The days outside those months: none, one or two ranges (the whole range when it
    /// holds no whole month).
    public var edges: [Days]

    public static func == (a: Self, b: Self) -> Bool {
        a.edges == b.edges && a.months?.first == b.months?.first && a.months?.last == b.months?.last
            && (a.months == nil) == (b.months == nil)
    }

    public init(from: CivilDate?, to: CivilDate?) {
        // The first day of the first whole month, and the last day of the last one.
        let start = from.map { $0.day == 1 ? $0 : $0.firstOfMonth.adding(months: 1) }
        let end = to.map { $0.day == CivilDate.daysIn(month: $0.month, year: $0.year) ? $0 : $0.firstOfMonth.adding(days: -1) }
        if let from, let to, to < from {
            months = nil
            edges = []
            return
        }
        if let start, let end, end < start {
            months = nil
            edges = [Days(from: from, to: to)]
            return
        }
        months = (start.map(Self.month), end.map(Self.month))
        var edges: [Days] = []
        if let from, let start, from < start { edges.append(Days(from: from, to: start.adding(days: -1))) }
        if let to, let end, end < to { edges.append(Days(from: end.adding(days: 1), to: to)) }
        self.edges = edges
    }

    /// `YYYY-MM`, the first seven characters of the day's ISO form.
    public static func month(_ d: CivilDate) -> String { String(d.description.prefix(7)) }
}
