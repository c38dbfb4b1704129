/// A value an indicator must reach in a division by a due date (基层就诊率 65% by
/// 2022-12-31), with an optional baseline the progress is measured from.
public struct Target: Hashable, Sendable {
    public var indicator: IndicatorCode
    public var division: DivisionCode
    /// In the indicator's stored unit.
    public var value: ExactDecimal
    public var due: CivilDate
    public var baseline: Observation?

    public init(indicator: IndicatorCode, division: DivisionCode, value: ExactDecimal, due: CivilDate, baseline: Observation? = nil) {
        self.indicator = indicator
        self.division = division
        self.value = value
        self.due = due
        self.baseline = baseline
    }
}

/// One known value of an indicator, dated by the last day of its period.
public struct Observation: Hashable, Sendable, Codable {
    public var date: CivilDate
    public var value: ExactDecimal

    public init(date: CivilDate, value: ExactDecimal) {
        self.date = date
        self.value = value
    }

    /// A period's value is dated at the period's end (the month's value at its last day).
    public init(period: Period, value: ExactDecimal) {
        self.init(date: period.end, value: value)
    }
}

public enum TargetStatus: String, Sendable, Codable, CaseIterable {
    case achieved
    case onTrack = "on_track"
    case atRisk = "at_risk"
    case offTrack = "off_track"
    /// Not enough values to judge (none yet, or one without a baseline): shown as such
    /// rather than guessed.
    case unknown

    public var label: String {
        switch self {
        case .achieved: "已达成"
        case .onTrack: "按期可达"
        case .atRisk: "有风险"
        case .offTrack: "难以达成"
        case .unknown: "无法判断"
        }
    }
}

/// The judgement of one target at one moment.
public struct TargetAssessment: Hashable, Sendable {
    public let status: TargetStatus
    /// How far from the start (baseline, or first value) to the target the latest value
    /// is: 0 at the start, 1 at the target, beyond 1 past it, negative when it went back.
    /// Rounded half-up to 4 decimals; nil without values or when start equals target.
    public let progress: ExactDecimal?
    public let latest: Observation?
    /// The straight-line value at the due date (6 decimals), when a trend exists.
    public let projected: ExactDecimal?
    /// One Chinese sentence saying why the status is what it is.
    public let reason: String
}
