import Foundation

/// One monitoring episode of one household: from a candidate through identification and
/// assistance to risk elimination (or not being included). A household may have several
/// over the years, but only one that is not closed.
public struct MonitoringEpisode: Hashable, Sendable {
    public var state: EpisodeState
    public var channel: MonitoringChannel
    public var openedOn: CivilDate
    public var warningIDs: [UUID]
    /// The date of the latest step; in a notice state it is the day the notice started.
    public var lastStepOn: CivilDate
    public var category: MonitoringCategory?
    public var riskTypes: [MonitoringRiskType]
    /// Set by `approve`; monitoring months count from it.
    public var identifiedOn: CivilDate?
    /// Set by `reject` and `eliminate`.
    public var closedOn: CivilDate?
    public var notIncludedReason: String?

    /// An episode as stored, read back without checks.
    public init(
        state: EpisodeState, channel: MonitoringChannel, openedOn: CivilDate, warningIDs: [UUID] = [],
        lastStepOn: CivilDate, category: MonitoringCategory? = nil, riskTypes: [MonitoringRiskType] = [],
        identifiedOn: CivilDate? = nil, closedOn: CivilDate? = nil, notIncludedReason: String? = nil
    ) {
        self.state = state
        self.channel = channel
        self.openedOn = openedOn
        self.warningIDs = warningIDs
        self.lastStepOn = lastStepOn
        self.category = category
        self.riskTypes = riskTypes
        self.identifiedOn = identifiedOn
        self.closedOn = closedOn
        self.notIncludedReason = notIncludedReason
    }

    public static let maximumNoteLength = 1000

    /// Starts an episode. Refused while the household has an episode that is not closed.
    public static func open(
        channel: MonitoringChannel, on date: CivilDate, warningIDs: [UUID] = [], note: String = "",
        by actor: MonitoringActor, existing: [MonitoringEpisode], today: CivilDate
    ) throws(Refusal) -> EpisodeTransition {
        if let refusal = EpisodeStepKind.open.permits(actor) { throw refusal }
        if let running = existing.first(where: { !$0.state.isClosed }) {
            throw Refusal.unmet([
                EpisodeCondition.openEpisode.unmet(
                    "该户已有进行中的监测(当前状态:\(running.state.label)),不能重复发起")
            ])
        }
        var problems: [FieldProblem] = []
        let text = checkedNote(note, into: &problems)
        if date > today { problems.append(FieldProblem(field: "date", message: "日期不能晚于今天")) }
        // Episodes of one household follow each other: the household's state on any day is
        // that of one episode, which the as-of-date reports rely on.
        if let ended = existing.compactMap(\.closedOn).max(), date < ended {
            problems.append(FieldProblem(field: "date", message: "日期不能早于该户上一次监测结束的日期(\(ended.chinese))"))
        }
        if channel == .departmentWarning && warningIDs.isEmpty {
            problems.append(FieldProblem(field: "warning_ids", message: "部门筛查预警须关联至少一条预警"))
        }
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        var ids: [UUID] = []
        for id in warningIDs where !ids.contains(id) { ids.append(id) }
        let episode = MonitoringEpisode(state: .candidate, channel: channel, openedOn: date, warningIDs: ids, lastStepOn: date)
        let record = EpisodeStepRecord(step: .open(channel: channel, warningIDs: ids), date: date, note: text, from: nil, to: .candidate)
        return EpisodeTransition(episode: episode, record: record, effects: [])
    }

    /// Takes one step. Checked in this order, each refusal complete in itself: the actor's
    /// role and level (`forbidden`), the current state (`wrong_state`, naming the steps
    /// allowed), the step's input (`invalid`, every field), then the step's conditions
    /// (`preconditionUnmet`, every unmet one by code).
    public func apply(
        _ step: EpisodeStep, on date: CivilDate, note: String = "", by actor: MonitoringActor,
        context: EpisodeContext
    ) throws(Refusal) -> EpisodeTransition {
        let kind = step.kind
        if let refusal = kind.permits(actor) { throw refusal }
        guard kind.from.contains(state) else { throw wrongState(kind) }

        var problems: [FieldProblem] = []
        let text = Self.checkedNote(note, into: &problems)
        if date > context.today { problems.append(FieldProblem(field: "date", message: "日期不能晚于今天")) }
        if date < lastStepOn {
            problems.append(FieldProblem(field: "date", message: "日期不能早于上一步骤的日期(\(lastStepOn.chinese))"))
        }
        var recorded = step
        switch step {
        case .approve(let category, let types):
            var unique: [MonitoringRiskType] = []
            for t in types where !unique.contains(t) { unique.append(t) }
            if unique.isEmpty { problems.append(FieldProblem(field: "risk_types", message: "请至少选择一种风险类型")) }
            recorded = .approve(category: category, riskTypes: unique)
        case .reject(let raw):
            do {
                let reason = try TextPolicy.multiLine(raw)
                if reason.isEmpty {
                    problems.append(FieldProblem(field: "reason", message: "请填写不予纳入的原因"))
                } else if reason.count > Self.maximumNoteLength {
                    problems.append(FieldProblem(field: "reason", message: "不能超过\(Self.maximumNoteLength)个字符"))
                }
                recorded = .reject(reason: reason)
            } catch {
                problems.append(FieldProblem(field: "reason", message: error.message))
            }
        default: break
        }
        if !problems.isEmpty { throw Refusal.invalid(problems) }

        var unmet: [UnmetCondition] = []
        if state.isNotice, let c = EpisodeGuards.noticePeriod(noticeOn: lastStepOn, stepOn: date, days: context.settings.noticePeriodDays) {
            unmet.append(c)
        }
        switch recorded {
        case .visit(let consent): if let c = EpisodeGuards.consent(consent) { unmet.append(c) }
        case .approve(let category, _): if let c = EpisodeGuards.incomeBelowLine(category, context) { unmet.append(c) }
        default: break
        }
        if kind.checksEliminationConditions { unmet += EpisodeGuards.elimination(self, stepOn: date, context) }
        if !unmet.isEmpty { throw Refusal.unmet(unmet) }

        var next = self
        next.state = kind.to
        next.lastStepOn = date
        var effects: [EpisodeEffect] = []
        switch recorded {
        case .notice, .eliminationNotice:
            effects.append(.noticeStarted(nextStepFrom: date.adding(days: context.settings.noticePeriodDays)))
        case .approve(let category, let types):
            next.category = category
            next.riskTypes = types
            next.identifiedOn = date
            effects.append(.identified(category: category, riskTypes: types, on: date))
        case .reject(let reason):
            next.closedOn = date
            next.notIncludedReason = reason
            effects.append(.notIncluded(reason: reason))
        case .eliminate:
            next.closedOn = date
            effects.append(.riskEliminated(on: date))
        default: break
        }
        let record = EpisodeStepRecord(step: recorded, date: date, note: text, from: state, to: next.state)
        return EpisodeTransition(episode: next, record: record, effects: effects)
    }

    /// The steps allowed now, for the page's buttons.
    public var allowedSteps: [EpisodeStepKind] { state.allowedSteps }

    /// Measures may be recorded while the episode runs.
    public var acceptsMeasures: Bool { !state.isClosed }

    private func wrongState(_ kind: EpisodeStepKind) -> Refusal {
        let allowed = state.allowedSteps.map { "「\($0.label)」" }.joined(separator: "、")
        let tail = allowed.isEmpty ? "本次监测已结束,不能再办理步骤" : "当前只能办理:\(allowed)"
        let message =
            kind == .open
            ? "「发起监测」会建立新的监测记录,不能在已有的监测记录上办理"
            : "当前状态为「\(state.label)」,不能办理「\(kind.label)」;\(tail)"
        return Refusal.unmet([EpisodeCondition.wrongState.unmet(message)])
    }

    private static func checkedNote(_ raw: String, into problems: inout [FieldProblem]) -> String {
        do {
            let note = try TextPolicy.multiLine(raw)
            if note.count > maximumNoteLength { problems.append(FieldProblem(field: "note", message: "说明不能超过\(maximumNoteLength)个字符")) }
            return note
        } catch {
            problems.append(FieldProblem(field: "note", message: error.message))
            return raw
        }
    }
}
