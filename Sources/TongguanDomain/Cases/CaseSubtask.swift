import Foundation

/// 任务分解: part of a case given to a unit and a person with its own deadline. A case
/// cannot be replied while one is open (`CaseSnapshot.openSubtasks`).
public struct CaseSubtask: Hashable, Sendable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case open, done

        public var label: String { self == .open ? "办理中" : "已完成" }
    }

    public var unitId: UUID
    /// The responsible person's name (personal data: never in messages or events).
    public var person: String
    public var description: String
    public var deadline: CivilDate
    public var state: State
    public var doneOn: CivilDate?
    /// What was done, required when completing.
    public var doneNote: String?

    public init(
        unitId: UUID, person: String, description: String, deadline: CivilDate, state: State = .open,
        doneOn: CivilDate? = nil, doneNote: String? = nil
    ) {
        self.unitId = unitId
        self.person = person
        self.description = description
        self.deadline = deadline
        self.state = state
        self.doneOn = doneOn
        self.doneNote = doneNote
    }

    /// Open past its deadline on `today`.
    public func isOverdue(on today: CivilDate) -> Bool { state == .open && today > deadline }
}

/// The body of `POST /api/v1/cases/{id}/subtasks`, as sent.
public struct CaseSubtaskInput: Hashable, Sendable, Codable {
    public var unitId: String?
    public var person: String?
    public var description: String?
    public var deadline: String?
    public var date: String?

    public init(unitId: String? = nil, person: String? = nil, description: String? = nil, deadline: String? = nil, date: String? = nil) {
        self.unitId = unitId
        self.person = person
        self.description = description
        self.deadline = deadline
        self.date = date
    }

    enum CodingKeys: String, CodingKey {
        case unitId = "unit_id"
        case person, description, deadline, date
    }
}

public enum CaseSubtasks {
    public static let maxPersonLength = 50
    public static let maxDescriptionLength = 2000

    /// Breaks off a subtask. Fields are checked first (`.invalid`, every problem; the
    /// deadline may not precede the day it is set nor fall after the case's handle due
    /// date); then the case must be being handled and the actor its handler or dispatcher.
    public static func add(
        _ input: CaseSubtaskInput, to c: CaseSnapshot, today: CivilDate, actor: CaseActor,
        calendar: WorkingCalendar, policy: DeadlinePolicy
    ) throws(Refusal) -> (subtask: CaseSubtask, transition: CaseWorkflow.Transition) {
        var list = ProblemList()
        var date = today
        if let raw = input.date.map(TextPolicy.trimmed), !raw.isEmpty {
            if let parsed = CivilDate(iso: raw) { date = parsed } else { list.add("date", "日期应为 YYYY-MM-DD 格式的真实日期") }
        }
        let unitId = input.unitId.flatMap { UUID(uuidString: TextPolicy.trimmed($0)) }
        if unitId == nil { list.add("unit_id", input.unitId.map(TextPolicy.trimmed)?.isEmpty ?? true ? "请选择责任单位" : "责任单位编号格式不正确") }
        let person = CaseDetails.checkedText(input.person, "person", "责任人", max: maxPersonLength, multiLine: false, required: true, into: &list)
        let description = CaseDetails.checkedText(
            input.description, "description", "任务内容", max: maxDescriptionLength, multiLine: true,
            required: true, into: &list)
        var deadline: CivilDate? = nil
        if let raw = input.deadline.map(TextPolicy.trimmed), !raw.isEmpty {
            deadline = CivilDate(iso: raw)
            if let d = deadline {
                let due = CaseDeadlines.compute(c, policy: policy, calendar: calendar)
                let caseDue = c.state == .underReview || c.state == .underReReview ? due.review : due.handle
                if d < date { list.add("deadline", "完成期限不能早于分解日期") }
                if let caseDue, d > caseDue { list.add("deadline", "完成期限不能晚于诉求的办理期限(\(caseDue.chinese))") }
            } else {
                list.add("deadline", "日期应为 YYYY-MM-DD 格式的真实日期")
            }
        } else {
            list.add("deadline", "请填写完成期限")
        }
        if !list.isEmpty { throw Refusal.invalid(list.problems) }

        var unmet: [UnmetCondition] = []
        if !c.state.isHandling {
            unmet.append(CaseCondition.wrongState(c.state, allowed: CaseState.allCases.filter(\.isHandling), action: "分解任务"))
        }
        if !(actor.isHandler || actor.isDispatcher(for: c.divisionCode)) { unmet.append(CaseCondition.role("承办单位或县级及以上的管理员")) }
        if date > today { unmet.append(CaseCondition.dateInFuture(today)) }
        if date < c.lastStepOn { unmet.append(CaseCondition.dateBeforePreviousStep(c.lastStepOn)) }
        guard unmet.isEmpty, let unitId, let deadline else { throw Refusal.unmet(unmet) }

        var next = c
        next.openSubtasks += 1
        let subtask = CaseSubtask(unitId: unitId, person: person, description: description, deadline: deadline)
        let event = CaseEvent(kind: .subtaskAdded, on: date, from: c.state, to: c.state, unitId: unitId, handleDue: nil)
        return (subtask, CaseWorkflow.Transition(snapshot: next, event: event))
    }

    /// Marks a subtask done with a note on what was done. Done by a user of the subtask's
    /// unit (`inSubtaskUnit`, told by the server) with an editing role, or by the case's
    /// handler.
    public static func complete(
        _ subtask: CaseSubtask, note: String?, of c: CaseSnapshot, on date: CivilDate, today: CivilDate,
        actor: CaseActor, inSubtaskUnit: Bool
    ) throws(Refusal) -> (subtask: CaseSubtask, transition: CaseWorkflow.Transition) {
        var list = ProblemList()
        let note = CaseWorkflow.cleaned(note, field: "note", max: CaseWorkflow.maxNoteLength, into: &list)
        if !list.isEmpty { throw Refusal.invalid(list.problems) }
        var unmet: [UnmetCondition] = []
        if subtask.state != .open { unmet.append(CaseCondition.subtaskNotOpen) }
        if !c.state.isOpen { unmet.append(CaseCondition.wrongState(c.state, allowed: CaseState.allCases.filter(\.isOpen), action: "完成任务")) }
        if !((inSubtaskUnit && actor.role.canEditRecords) || actor.isHandler) { unmet.append(CaseCondition.role("责任单位或承办单位的经办人、管理员")) }
        if note == nil { unmet.append(CaseCondition.doneNoteRequired) }
        if date > today { unmet.append(CaseCondition.dateInFuture(today)) }
        if date < c.receivedOn { unmet.append(CaseCondition.dateBeforeReceived(c.receivedOn)) }
        guard unmet.isEmpty else { throw Refusal.unmet(unmet) }

        var done = subtask
        done.state = .done
        done.doneOn = date
        done.doneNote = note
        var next = c
        next.openSubtasks = max(0, c.openSubtasks - 1)
        let event = CaseEvent(kind: .subtaskDone, on: date, from: c.state, to: c.state, note: note, unitId: subtask.unitId)
        return (done, CaseWorkflow.Transition(snapshot: next, event: event))
    }
}
