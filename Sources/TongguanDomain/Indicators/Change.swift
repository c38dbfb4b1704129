/// A change between two values of one indicator, phrased as reports phrase it:
/// `增长14.7%` / `下降3.2%` / `持平` for quantities, and for rates in % the difference in
/// percentage points, `提高3.2个百分点` / `降低0.5个百分点` / `持平` (a rate going from 60% to
/// 66% did not "grow 10%").
public struct Change: Hashable, Sendable {
    /// What the current value is compared with.
    public enum Basis: String, Sendable, Codable, CaseIterable {
        /// The previous period of the same length (环比).
        case previous
        /// The same period a year earlier (同比).
        case lastYear = "last_year"

        public var label: String { self == .previous ? "环比" : "同比" }

        /// The period to compare `period` with.
        public func basePeriod(of period: Period) -> Period? {
            self == .previous ? period.previous : period.sameLastYear
        }
    }

    public enum Trend: String, Sendable, Codable {
        case up, down, flat
    }

    public enum Problem: Error, Equatable, Sendable {
        /// A percentage of nothing (or of a negative base) means nothing.
        case noBase
        case outOfRange

        public var message: String {
            switch self {
            case .noBase: "比较期数值为0或负数,无法计算增减幅度"
            case .outOfRange: "数值超出可精确计算的范围"
            }
        }
    }

    /// Rounded, never negative: the size of the change in % or percentage points.
    public let size: ExactDecimal
    public let decimals: Int
    public let trend: Trend
    /// True when `size` is in percentage points rather than per cent.
    public let inPoints: Bool

    /// The relative change `(to − from) ÷ from`, in % rounded half-up to `decimals`; flat
    /// when it rounds to zero. `from` must be positive.
    public static func percent(from: ExactDecimal, to: ExactDecimal, decimals: Int = 1) throws(Problem) -> Change {
        guard from.signum > 0 else { throw .noBase }
        do {
            let ratio = try to.minus(from).times(.hundred).divided(by: from, scale: decimals)
            return Change(rounded: ratio, decimals: decimals, inPoints: false)
        } catch { throw .outOfRange }
    }

    /// The difference of two percentages, in percentage points rounded half-up.
    public static func points(from: ExactDecimal, to: ExactDecimal, decimals: Int = 1) throws(Problem) -> Change {
        do {
            return Change(rounded: try to.minus(from).rounded(decimals: decimals), decimals: decimals, inPoints: true)
        } catch { throw .outOfRange }
    }

    init(rounded: ExactDecimal, decimals: Int, inPoints: Bool) {
        size = rounded.magnitude
        self.decimals = decimals
        self.inPoints = inPoints
        trend = rounded.isZero ? .flat : (rounded.isNegative ? .down : .up)
    }

    /// `增长14.7%`, `下降3.2%`, `提高3.2个百分点`, `降低0.5个百分点` or `持平`.
    public var phrase: String {
        let number = size.text(decimals: decimals)
        switch (trend, inPoints) {
        case (.flat, _): return "持平"
        case (.up, false): return "增长" + number + "%"
        case (.down, false): return "下降" + number + "%"
        case (.up, true): return "提高" + number + "个百分点"
        case (.down, true): return "降低" + number + "个百分点"
        }
    }

    /// Whether the change is for the better under `direction` (nil when flat).
    public func isImprovement(_ direction: Direction) -> Bool? {
        switch trend {
        case .flat: nil
        case .up: direction == .higherIsBetter
        case .down: direction == .lowerIsBetter
        }
    }
}

extension Indicator {
    /// The change from `base` to `current` (stored values): in percentage points for an
    /// indicator shown in %, otherwise in per cent.
    public func change(from base: ExactDecimal, to current: ExactDecimal, decimals: Int = 1) throws(Change.Problem) -> Change {
        guard unitFamily == .percent else { return try Change.percent(from: base, to: current, decimals: decimals) }
        guard let a = try? base.shifted(byPowerOfTen: -displayScale),
            let b = try? current.shifted(byPowerOfTen: -displayScale)
        else { throw .outOfRange }
        return try Change.points(from: a, to: b, decimals: decimals)
    }
}
