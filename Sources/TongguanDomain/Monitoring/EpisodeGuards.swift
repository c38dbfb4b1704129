/// The facts a step's conditions are checked against, gathered by the server for the
/// episode's household on the step's date.
public struct EpisodeContext: Sendable {
    public var today: CivilDate
    public var settings: MonitoringSettings
    /// The household's latest income assessment, if any.
    public var latestAssessment: IncomeAssessment?
    /// The line in force for the household's division and the latest assessment's year
    /// (nil when no line is set for that year).
    public var lineFen: Int64?
    /// The household's warnings (only open ones count).
    public var warnings: [EarlyWarning]
    /// The episode's assistance measures.
    public var measures: [AssistanceMeasure]
    /// The household's members from today's registry.
    public var members: [AssessedMember]

    public init(
        today: CivilDate, settings: MonitoringSettings = .defaults, latestAssessment: IncomeAssessment? = nil,
        lineFen: Int64? = nil, warnings: [EarlyWarning] = [], measures: [AssistanceMeasure] = [],
        members: [AssessedMember] = []
    ) {
        self.today = today
        self.settings = settings
        self.latestAssessment = latestAssessment
        self.lineFen = lineFen
        self.warnings = warnings
        self.measures = measures
        self.members = members
    }
}

/// The codes of the conditions a step may find unmet; clients switch on them.
public enum EpisodeCondition: String, CaseIterable, Sendable {
    case wrongState = "wrong_state"
    case openEpisode = "open_episode"
    case consent
    case noticePeriod = "notice_period"
    case incomeBelowLine = "income_below_line"
    case monitored6Months = "monitored_6_months"
    case measureApplied = "measure_applied"
    case incomeAboveLine = "income_above_line"
    case basicNeedsSecured = "basic_needs_secured"
    case labourCapacity = "labour_capacity"

    func unmet(_ message: String) -> UnmetCondition { UnmetCondition(code: rawValue, message: message) }
}

/// Each condition as a function returning nil when it holds, so a step collects every
/// unmet one before refusing.
enum EpisodeGuards {
    /// `notice_period`: the step after a notice comes at least the notice period later
    /// (a notice on the 1st with 5 days allows the next step from the 6th).
    static func noticePeriod(noticeOn: CivilDate, stepOn: CivilDate, days: Int) -> UnmetCondition? {
        let earliest = noticeOn.adding(days: days)
        guard stepOn < earliest else { return nil }
        return EpisodeCondition.noticePeriod.unmet(
            "公示期不少于\(days)天:公示自\(noticeOn.chinese)开始,\(earliest.chinese)起方可进行下一步")
    }

    static func consent(_ given: Bool) -> UnmetCondition? {
        given ? nil : EpisodeCondition.consent.unmet("农户未签署承诺授权书,入户核实不能进入下一步")
    }

    /// `income_below_line` for approval: categories other than sudden hardship need the
    /// latest per-capita income below the line of its year.
    static func incomeBelowLine(_ category: MonitoringCategory, _ context: EpisodeContext) -> UnmetCondition? {
        guard category.needsIncomeBelowLine else { return nil }
        let code = EpisodeCondition.incomeBelowLine
        guard let a = context.latestAssessment else { return code.unmet("尚无收入评估,不能按\(category.label)纳入") }
        guard let line = context.lineFen else { return code.unmet("\(a.assessedOn.year)年没有适用的监测收入线,无法判断收入") }
        guard a.perCapitaFen >= line else { return nil }
        return code.unmet("最新评估(\(a.assessedOn.chinese))人均纯收入\(Fen.yuanText(a.perCapitaFen))元,不低于监测收入线\(Fen.yuanText(line))元;收入高于监测线的只能按突发严重困难户纳入")
    }

    /// Every risk-elimination condition that does not hold on `stepOn`.
    static func elimination(_ episode: MonitoringEpisode, stepOn: CivilDate, _ context: EpisodeContext) -> [UnmetCondition] {
        var unmet: [UnmetCondition] = []
        let months = context.settings.minimumMonitoringMonths
        if let identified = episode.identifiedOn {
            let earliest = identified.adding(months: months)
            if stepOn < earliest {
                unmet.append(
                    EpisodeCondition.monitored6Months.unmet(
                        "纳入监测不满\(months)个月:\(identified.chinese)纳入,\(earliest.chinese)起方可消除风险"))
            }
        } else {
            unmet.append(EpisodeCondition.monitored6Months.unmet("尚未纳入监测,不能消除风险"))
        }
        if !context.measures.contains(where: { $0.hasStarted(by: stepOn) }) {
            unmet.append(EpisodeCondition.measureApplied.unmet("尚未落实帮扶措施:至少需有1项已开始的帮扶措施"))
        }
        let income = EpisodeCondition.incomeAboveLine
        if let a = context.latestAssessment {
            if let line = context.lineFen {
                if a.perCapitaFen < line {
                    unmet.append(
                        income.unmet(
                            "最新评估(\(a.assessedOn.chinese))人均纯收入\(Fen.yuanText(a.perCapitaFen))元,低于\(a.assessedOn.year)年监测收入线\(Fen.yuanText(line))元"))
                }
            } else {
                unmet.append(income.unmet("\(a.assessedOn.year)年没有适用的监测收入线,无法判断收入是否稳定在监测线以上"))
            }
        } else {
            unmet.append(income.unmet("尚无收入评估,无法判断收入是否稳定在监测线以上"))
        }
        if context.warnings.contains(where: { $0.isOpen && $0.rule == .basicNeeds }) {
            unmet.append(EpisodeCondition.basicNeedsSecured.unmet("有未解除的“\(EarlyWarningRule.basicNeeds.definition.name)”预警,须先解决并解除"))
        }
        if !context.members.present(on: stepOn).contains(where: \.hasLabourCapacity) {
            unmet.append(EpisodeCondition.labourCapacity.unmet("家庭无有劳动能力的在册成员,不能消除风险,应继续监测并落实兜底保障"))
        }
        return unmet
    }
}
