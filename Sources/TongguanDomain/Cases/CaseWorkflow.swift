import Foundation

/// The case workflow: one function from (snapshot, request, actor) to the next snapshot and
/// the event to record, or a refusal naming everything that stands in the way.
///
/// registered → routed → accepted | returned → in_progress → replied → closed;
/// closed → (follow_up) → reopen → in_progress after an unsatisfied follow-up;
/// petitions: replied | closed → under_review → replied → … → under_re_review → replied.
/// Who may do what is documented on `CaseActor`.
public enum CaseWorkflow {
    public struct Transition: Hashable, Sendable {
        public let snapshot: CaseSnapshot
        public let event: CaseEvent
    }

    public static let maxReasonLength = 500
    public static let maxReplyLength = 5000
    public static let maxNoteLength = 1000

    /// Applies one step. Throws `.invalid` for text that breaks `TextPolicy` or a length
    /// limit, otherwise `.preconditionUnmet` listing every unmet condition (state, role,
    /// unit, missing inputs, limits, dates).
    public static func apply(
        _ request: CaseRequest, to c: CaseSnapshot, today: CivilDate, actor: CaseActor,
        calendar: WorkingCalendar, policy: DeadlinePolicy
    ) throws(Refusal) -> Transition {
        var fields = ProblemList()
        let note = cleaned(request.note, field: "note", max: maxNoteLength, into: &fields)
        var action = request.action
        switch action {
        case .return(let reason): action = .return(reason: cleaned(reason, field: "reason", max: maxReasonLength, into: &fields))
        case .reopen(let reason): action = .reopen(reason: cleaned(reason, field: "reason", max: maxReasonLength, into: &fields))
        case .extend(let days, let reason):
            action = .extend(days: days, reason: cleaned(reason, field: "reason", max: maxReasonLength, into: &fields))
        case .reply(let outcome, let text):
            action = .reply(outcome: outcome, text: cleaned(text, field: "text", max: maxReplyLength, into: &fields))
        default: break
        }
        if !fields.isEmpty { throw Refusal.invalid(fields.problems) }

        var unmet: [UnmetCondition] = []
        let date = request.date
        if date > today { unmet.append(CaseCondition.dateInFuture(today)) }
        if date < c.lastStepOn { unmet.append(CaseCondition.dateBeforePreviousStep(c.lastStepOn)) }
        let step = Step(snapshot: c, actor: actor, calendar: calendar, policy: policy, date: date)
        let transition = step.run(action, note: note, unmet: &unmet)
        guard unmet.isEmpty else { throw Refusal.unmet(unmet) }
        return transition
    }

    /// The same, for callers holding the parts.
    public static func apply(
        _ action: CaseAction, to c: CaseSnapshot, on date: CivilDate, today: CivilDate, note: String? = nil,
        actor: CaseActor, calendar: WorkingCalendar, policy: DeadlinePolicy
    ) throws(Refusal) -> Transition {
        try apply(CaseRequest(action, date: date, note: note), to: c, today: today, actor: actor, calendar: calendar, policy: policy)
    }

    /// The actions the actor could take today with complete inputs: the buttons a case page
    /// shows. An action left out would be refused whatever was typed.
    public static func available(
        to c: CaseSnapshot, today: CivilDate, actor: CaseActor, calendar: WorkingCalendar,
        policy: DeadlinePolicy
    ) -> [CaseAction.Name] {
        let date = max(today, c.lastStepOn)
        let samples: [CaseAction] = [
            .route(unitId: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))), .accept, .return(reason: "-"), .start,
            .extend(days: 1, reason: "-"), .reply(outcome: .resolved, text: "-"), .close, .followUp(satisfaction: .satisfied),
            .reopen(reason: "-"), .review, .reReview,
        ]
        return samples.compactMap { action in
            (try? apply(action, to: c, on: date, today: date, actor: actor, calendar: calendar, policy: policy)) != nil ? action.name : nil
        }
    }

    /// Trimmed and checked text, nil when blank; a problem is added for bad characters or length.
    static func cleaned(_ raw: String?, field: String, max: Int, into list: inout ProblemList) -> String? {
        guard let raw else { return nil }
        do {
            let text = try TextPolicy.multiLine(raw)
            if text.count > max { list.add(field, "不能超过\(max)个字符") }
            return text.isEmpty ? nil : text
        } catch {
            list.add(field, error.message)
            return nil
        }
    }
}
