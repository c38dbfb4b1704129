/// 督办: a reminder (催办) or the public, strongest form (挂牌督办).
public enum SupervisionLevel: String, Sendable, Codable, CaseIterable {
    case reminder
    case flagged

    public var label: String {
        switch self {
        case .reminder: "催办"
        case .flagged: "挂牌督办"
        }
    }
}

/// 督办: a supervisor chases a case. A reminder (催办) may come from any supervisor of the
/// case's division or from its owner leader; flagged supervision (挂牌督办) is public and
/// the strongest form, so only supervisors (role `admin`/`supervisor` covering the case)
/// may flag, with a written opinion, once. A closed case is no longer supervised.
public enum CaseSupervision {
    public static func apply(
        level: SupervisionLevel?, note: String?, to c: CaseSnapshot, on date: CivilDate, today: CivilDate,
        actor: CaseActor
    ) throws(Refusal) -> CaseWorkflow.Transition {
        var fields = ProblemList()
        let note = CaseWorkflow.cleaned(note, field: "note", max: CaseWorkflow.maxNoteLength, into: &fields)
        if !fields.isEmpty { throw Refusal.invalid(fields.problems) }

        var unmet: [UnmetCondition] = []
        if !c.state.isOpen {
            unmet.append(CaseCondition.wrongState(c.state, allowed: CaseState.allCases.filter(\.isOpen), action: "督办"))
        }
        let supervisor = actor.isSupervisor(for: c.divisionCode)
        switch level {
        case .reminder:
            if !supervisor && !actor.isOwnerLeader { unmet.append(CaseCondition.role("督办人、管理员或包案领导")) }
        case .flagged:
            if !supervisor { unmet.append(CaseCondition.role("督办人或管理员")) }
            if note == nil { unmet.append(CaseCondition.flaggedNoteRequired) }
            if c.flagged { unmet.append(CaseCondition.flaggedAlready) }
        case nil:
            if !supervisor && !actor.isOwnerLeader { unmet.append(CaseCondition.role("督办人、管理员或包案领导")) }
            unmet.append(CaseCondition.levelRequired)
        }
        if date > today { unmet.append(CaseCondition.dateInFuture(today)) }
        if date < c.receivedOn { unmet.append(CaseCondition.dateBeforeReceived(c.receivedOn)) }
        guard unmet.isEmpty else { throw Refusal.unmet(unmet) }

        var next = c
        if level == .flagged { next.flagged = true }
        let event = CaseEvent(kind: .supervise, on: date, from: c.state, to: c.state, note: note, level: level)
        return CaseWorkflow.Transition(snapshot: next, event: event)
    }
}
