/// A reporting period: a day, month, quarter, half-year, year, or a range between two of
/// them. Written the same way everywhere (API, CLI, import sheets, briefing templates):
///
/// | form | example | covers |
/// |---|---|---|
/// | year | `2021` | 2021-01-01 … 2021-12-31 |
/// | half-year | `2021-H1`, `2021-H2` | Jan–Jun, Jul–Dec |
/// | quarter | `2021-Q2` | 2021-04-01 … 2021-06-30 |
/// | month | `2021-05` | 2021-05-01 … 2021-05-31 |
/// | day | `2021-05-20` | that day |
/// | range | `2021-01..2021-05` | from the start of the first to the end of the second |
///
/// A range joins any two of the single forms (`2021-01-05..2021-Q2` is allowed) and covers
/// the start of its first part through the end of its second (`2021-01..2021-01-20` is
/// 1 to 20 January). The first part may not begin after the second begins, and the two
/// parts must differ. On input `q`/`h` may be lower case and months and days may drop their
/// leading zero (`2021-5`); `description` is always the canonical form above, so the text
/// is also the key a value is stored under.
public struct Period: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case day, month, quarter, halfYear = "half_year", year, range
    }

    /// One calendar unit: a single period, or one end of a range.
    enum Part: Hashable, Sendable {
        case day(CivilDate)
        case month(year: Int, month: Int)
        case quarter(year: Int, quarter: Int)
        case half(year: Int, half: Int)
        case year(Int)
    }

    let first: Part
    /// The second end, for ranges only.
    let last: Part?

    init(_ first: Part, _ last: Part? = nil) {
        self.first = first
        self.last = last == first ? nil : last
    }

    public static let years = 1900...2200

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case unrecognized(String)
        case yearOutOfRange(String)
        case badMonth(String)
        case badQuarter(String)
        case badHalf(String)
        case noSuchDay(String)
        case reversed(String)
        case sameBounds(String)

        public var message: String {
            switch self {
            case .empty: "期间不能为空"
            case .unrecognized(let s): "期间「\(s)」格式不正确,应写作 2021、2021-H1、2021-Q2、2021-05、2021-05-20 或 2021-01..2021-05"
            case .yearOutOfRange(let s): "期间「\(s)」的年份应在\(Period.years.lowerBound)—\(Period.years.upperBound)之间"
            case .badMonth(let s): "期间「\(s)」的月份应为01—12"
            case .badQuarter(let s): "期间「\(s)」的季度应为Q1—Q4"
            case .badHalf(let s): "期间「\(s)」的半年应为H1(上半年)或H2(下半年)"
            case .noSuchDay(let s): "期间「\(s)」不是存在的日期"
            case .reversed(let s): "期间「\(s)」的起点晚于终点,应先写较早的期间"
            case .sameBounds(let s): "期间「\(s)」的起止相同,请直接写作单个期间"
            }
        }
    }

    // MARK: Making periods

    public static func day(_ date: CivilDate) -> Period { Period(.day(date)) }

    public static func month(year: Int, month: Int) -> Period? {
        guard years.contains(year), (1...12).contains(month) else { return nil }
        return Period(.month(year: year, month: month))
    }

    public static func quarter(year: Int, quarter: Int) -> Period? {
        guard years.contains(year), (1...4).contains(quarter) else { return nil }
        return Period(.quarter(year: year, quarter: quarter))
    }

    public static func halfYear(year: Int, half: Int) -> Period? {
        guard years.contains(year), (1...2).contains(half) else { return nil }
        return Period(.half(year: year, half: half))
    }

    public static func year(_ year: Int) -> Period? {
        guard years.contains(year) else { return nil }
        return Period(.year(year))
    }

    /// The range from the start of `from` to the end of `to` (both single periods).
    public static func range(from: Period, to: Period) throws(Problem) -> Period {
        let text = from.description + ".." + to.description
        guard from.last == nil, to.last == nil else { throw .unrecognized(text) }
        return try checkedRange(from.first, to.first, text: text)
    }

    static func checkedRange(_ a: Part, _ b: Part, text: String) throws(Problem) -> Period {
        guard a != b else { throw .sameBounds(text) }
        guard a.start <= b.start else { throw .reversed(text) }
        return Period(a, b)
    }

    /// The single period of `kind` that contains `date` (nil for `.range`).
    public static func unit(_ kind: Kind, containing date: CivilDate) -> Period? {
        switch kind {
        case .day: .day(date)
        case .month: .month(year: date.year, month: date.month)
        case .quarter: .quarter(year: date.year, quarter: (date.month + 2) / 3)
        case .halfYear: .halfYear(year: date.year, half: date.month <= 6 ? 1 : 2)
        case .year: .year(date.year)
        case .range: nil
        }
    }

    // MARK: What a period covers

    public var kind: Kind { last == nil ? first.kind : .range }
    /// First day, inclusive.
    public var start: CivilDate { first.start }
    /// Last day, inclusive.
    public var end: CivilDate { (last ?? first).end }
    public var dayCount: Int { end.dayNumber - start.dayNumber + 1 }
    public var isRange: Bool { last != nil }

    /// For a range, its two ends as single periods.
    public var bounds: (from: Period, to: Period)? {
        guard let last else { return nil }
        return (Period(first), Period(last))
    }

    public func contains(_ date: CivilDate) -> Bool { start <= date && date <= end }
    public func contains(_ other: Period) -> Bool { start <= other.start && other.end <= end }
    public func overlaps(_ other: Period) -> Bool { start <= other.end && other.start <= end }
    /// Same days, whatever the form (`2021-Q1` and `2021-01..2021-03`).
    public func coversSameDays(as other: Period) -> Bool { start == other.start && end == other.end }

    /// Begins on the first of a month and ends on the last day of one.
    public var isWholeMonths: Bool {
        start.day == 1 && end.day == CivilDate.daysIn(month: end.month, year: end.year)
    }

    /// Every month the period touches, in order (a day gives its own month).
    public var months: [Period] {
        var result: [Period] = []
        var y = start.year, m = start.month
        while (y, m) <= (end.year, end.month) {
            result.append(Period(.month(year: y, month: m)))
            m += 1
            if m > 12 { m = 1; y += 1 }
        }
        return result
    }

    /// The period cut exactly into consecutive periods of `kind` (days, months, quarters,
    /// half-years or years), or nil when its ends do not fall on that kind's boundaries
    /// (`2021-01..2021-05` has 5 months but no exact quarters).
    public func parts(_ kind: Kind) -> [Period]? {
        guard kind != .range, let firstUnit = Period.unit(kind, containing: start),
            let lastUnit = Period.unit(kind, containing: end),
            firstUnit.start == start, lastUnit.end == end
        else { return nil }
        var result: [Period] = [firstUnit]
        var date = firstUnit.end.adding(days: 1)
        while date <= end, let next = Period.unit(kind, containing: date) {
            result.append(next)
            date = next.end.adding(days: 1)
        }
        return result
    }

    public static func < (a: Period, b: Period) -> Bool { (a.start, a.end) < (b.start, b.end) }

    public var description: String {
        guard let last else { return first.text }
        return first.text + ".." + last.text
    }
}

extension Period: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Period(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
