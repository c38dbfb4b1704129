/// Whether a larger value is better (投资额, 就诊率) or a smaller one (PM2.5): ranking,
/// target status and the colour of a change all follow it.
public enum Direction: String, Sendable, Codable, CaseIterable {
    case higherIsBetter = "higher_is_better"
    case lowerIsBetter = "lower_is_better"

    public var label: String {
        switch self {
        case .higherIsBetter: "越高越好"
        case .lowerIsBetter: "越低越好"
        }
    }

    /// True when `a` is strictly better than `b`.
    public func isBetter(_ a: ExactDecimal, than b: ExactDecimal) -> Bool {
        self == .higherIsBetter ? a > b : a < b
    }

    /// True when `value` reaches `target` (equal counts as reached).
    public func reaches(_ value: ExactDecimal, _ target: ExactDecimal) -> Bool {
        self == .higherIsBetter ? value >= target : value <= target
    }
}

/// How entered values of shorter periods make a longer one (months into a year). `none`
/// means only a value entered for exactly the period asked counts: no silent roll-up.
public enum RollUp: String, Sendable, Codable, CaseIterable {
    case none, sum, average, last

    public var label: String {
        switch self {
        case .none: "不汇总"
        case .sum: "求和"
        case .average: "平均"
        case .last: "取期末值"
        }
    }
}
