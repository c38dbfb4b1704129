/// The figures the monitoring rules use that a province or county may set for itself. The
/// defaults are the national practice; a division's own value overrides its ancestors'.
public struct MonitoringSettings: Hashable, Sendable {
    /// `near_line`: per-capita income below line × this factor (default 1.5).
    public var nearLineFactor: Permille
    /// `income_drop`: per-capita income fell by at least this fraction (default 0.30).
    public var incomeDropFraction: Permille
    /// `large_expense`: out-of-pocket medical + education above this fraction of net income (default 0.50).
    public var largeExpenseFraction: Permille
    /// Days a public notice runs before the next step (default 5).
    public var noticePeriodDays: Int
    /// Calendar months a household is monitored before its risk may be eliminated (default 6).
    public var minimumMonitoringMonths: Int

    public init(
        nearLineFactor: Permille = Permille(1500), incomeDropFraction: Permille = Permille(300),
        largeExpenseFraction: Permille = Permille(500), noticePeriodDays: Int = 5, minimumMonitoringMonths: Int = 6
    ) {
        self.nearLineFactor = nearLineFactor
        self.incomeDropFraction = incomeDropFraction
        self.largeExpenseFraction = largeExpenseFraction
        self.noticePeriodDays = noticePeriodDays
        self.minimumMonitoringMonths = minimumMonitoringMonths
    }

    public static let defaults = MonitoringSettings()

    /// Stable JSON names of the settings, for field problems and the settings table.
    public enum Field: String, CaseIterable, Sendable {
        case nearLineFactor = "near_line_factor"
        case incomeDropFraction = "income_drop_fraction"
        case largeExpenseFraction = "large_expense_fraction"
        case noticePeriodDays = "notice_period_days"
        case minimumMonitoringMonths = "minimum_monitoring_months"

        public var label: String {
            switch self {
            case .nearLineFactor: "临界倍数"
            case .incomeDropFraction: "收入骤减比例"
            case .largeExpenseFraction: "大额支出比例"
            case .noticePeriodDays: "公示天数"
            case .minimumMonitoringMonths: "最短监测月数"
            }
        }
    }
}

/// One division's own settings: a field left nil is inherited from the nearest ancestor
/// that sets it, or from the defaults. A county may thus change only its notice period.
public struct MonitoringSettingsOverride: Hashable, Sendable {
    public var division: DivisionCode
    public var nearLineFactor: MonitoringSettings.Permille?
    public var incomeDropFraction: MonitoringSettings.Permille?
    public var largeExpenseFraction: MonitoringSettings.Permille?
    public var noticePeriodDays: Int?
    public var minimumMonitoringMonths: Int?

    public init(
        division: DivisionCode, nearLineFactor: MonitoringSettings.Permille? = nil,
        incomeDropFraction: MonitoringSettings.Permille? = nil, largeExpenseFraction: MonitoringSettings.Permille? = nil,
        noticePeriodDays: Int? = nil, minimumMonitoringMonths: Int? = nil
    ) {
        self.division = division
        self.nearLineFactor = nearLineFactor
        self.incomeDropFraction = incomeDropFraction
        self.largeExpenseFraction = largeExpenseFraction
        self.noticePeriodDays = noticePeriodDays
        self.minimumMonitoringMonths = minimumMonitoringMonths
    }

    /// Every value outside its sensible range, by JSON field name. A factor below 1 would
    /// make `near_line` empty; a fraction of 0 or 1 would make its rule fire always or never.
    public var problems: [FieldProblem] {
        var list = ProblemList()
        let field = MonitoringSettings.Field.self
        if let v = nearLineFactor, !(1000...10_000).contains(v.value) {
            list.add(field.nearLineFactor.rawValue, "\(field.nearLineFactor.label)应在1到10之间")
        }
        for (value, f) in [(incomeDropFraction, field.incomeDropFraction), (largeExpenseFraction, field.largeExpenseFraction)] {
            if let v = value, !(1...999).contains(v.value) { list.add(f.rawValue, "\(f.label)应大于0且小于1(如0.3)") }
        }
        if let v = noticePeriodDays, !(1...60).contains(v) { list.add(field.noticePeriodDays.rawValue, "公示天数应在1到60天之间") }
        if let v = minimumMonitoringMonths, !(1...60).contains(v) {
            list.add(field.minimumMonitoringMonths.rawValue, "最短监测月数应在1到60个月之间")
        }
        return list.problems
    }

    /// Throws every problem at once, for the settings form and API.
    public func validated() throws(Refusal) -> Self {
        let found = problems
        if !found.isEmpty { throw Refusal.invalid(found) }
        return self
    }
}

extension MonitoringSettings {
    /// The settings in force for `division`: the defaults, overlaid by each enclosing
    /// division's override from the widest to the most specific, field by field.
    public static func resolve(
        for division: DivisionCode, overrides: [MonitoringSettingsOverride],
        defaults: MonitoringSettings = .defaults
    ) -> MonitoringSettings {
        let applicable =
            overrides
            .filter { $0.division.contains(division) }
            .sorted { $0.division.significantPrefix.count < $1.division.significantPrefix.count }
        var result = defaults
        for o in applicable {
            if let v = o.nearLineFactor { result.nearLineFactor = v }
            if let v = o.incomeDropFraction { result.incomeDropFraction = v }
            if let v = o.largeExpenseFraction { result.largeExpenseFraction = v }
            if let v = o.noticePeriodDays { result.noticePeriodDays = v }
            if let v = o.minimumMonitoringMonths { result.minimumMonitoringMonths = v }
        }
        return result
    }
}
