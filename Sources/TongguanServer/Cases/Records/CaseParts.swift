import Fluent
import Foundation
import TongguanDomain

/// One step of a case's history (the timeline): the domain's `CaseEvent` as JSON, with who
/// recorded it and when. It carries no requester identity.
final class CaseEventRecord: Model, @unchecked Sendable {
    static let schema = "case_events"

    @ID(key: .id)
    var id: UUID?

    @Field(key: "case_id")
    var caseID: UUID

    /// Order within the case.
    @Field(key: "seq")
    var seq: Int

    @Field(key: "kind")
    var kind: String

    /// The day the step happened (`YYYY-MM-DD`).
    @Field(key: "on")
    var on: String

    @Field(key: "actor")
    var actor: String

    /// When it was recorded (`StoredInstant`).
    @Field(key: "recorded_at")
    var recordedAt: String

    @Field(key: "event")
    var event: String

    init() {}

    init(caseID: UUID, seq: Int, event: CaseEvent, actor: String) {
        self.caseID = caseID
        self.seq = seq
        self.kind = event.kind.rawValue
        self.on = event.on.description
        self.actor = actor
        self.recordedAt = StoredInstant.string(Date())
        self.event = (try? String(decoding: JSONEncoder().encode(event), as: UTF8.self)) ?? "{}"
    }

    var decoded: CaseEvent? { try? JSONDecoder().decode(CaseEvent.self, from: Data(event.utf8)) }
}

/// 任务分解: part of a case given to a unit and a person with its own deadline.
final class CaseSubtaskRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "case_subtasks"

    @ID(key: .id)
    var id: UUID?

    @Field(key: "version")
    var version: Int

    @Field(key: "case_id")
    var caseID: UUID

    @Field(key: "unit_id")
    var unitID: UUID

    @Field(key: "person")
    var person: String

    @Field(key: "description")
    var description: String

    @Field(key: "deadline")
    var deadline: String

    @Field(key: "state")
    var state: String

    @Field(key: "created_on")
    var createdOn: String

    @OptionalField(key: "done_on")
    var doneOn: String?

    @OptionalField(key: "done_note")
    var doneNote: String?

    init() {}

    init(caseID: UUID, subtask: CaseSubtask, createdOn: CivilDate) {
        self.caseID = caseID
        self.unitID = subtask.unitId
        self.person = subtask.person
        self.description = subtask.description
        self.deadline = subtask.deadline.description
        self.state = subtask.state.rawValue
        self.createdOn = createdOn.description
        self.version = 1
    }

    var domain: CaseSubtask {
        CaseSubtask(
            unitId: unitID, person: person, description: description, deadline: CivilDate(iso: deadline)!,
            state: CaseSubtask.State(rawValue: state) ?? .open, doneOn: doneOn.flatMap(CivilDate.init(iso:)), doneNote: doneNote)
    }
}

/// One official day of the working calendar (`date,kind,name` of holidays-cn.csv).
final class CalendarDay: Model, @unchecked Sendable {
    static let schema = "case_calendar_days"

    @ID(custom: "date", generatedBy: .user)
    var id: String?

    @Field(key: "year")
    var year: Int

    @Field(key: "kind")
    var kind: String

    @Field(key: "name")
    var name: String

    init() {}

    init(_ entry: WorkingCalendar.Entry) {
        id = entry.date.description
        year = entry.date.year
        kind = entry.kind.rawValue
        name = entry.name
    }

    var entry: WorkingCalendar.Entry? {
        guard let date = id.flatMap(CivilDate.init(iso:)), let kind = WorkingCalendar.DayKind(rawValue: kind) else { return nil }
        return WorkingCalendar.Entry(date: date, kind: kind, name: name)
    }
}

/// The deadline policy of one source, as JSON (`DeadlinePolicy`'s own coding).
final class CasePolicyRecord: Model, @unchecked Sendable {
    static let schema = "case_policies"

    @ID(custom: "source", generatedBy: .user)
    var id: String?

    @Field(key: "policy")
    var policy: String

    init() {}

    init(_ p: DeadlinePolicy) {
        id = p.source.rawValue
        policy = (try? String(decoding: JSONEncoder().encode(p), as: UTF8.self)) ?? "{}"
    }

    var decoded: DeadlinePolicy? { try? JSONDecoder().decode(DeadlinePolicy.self, from: Data(policy.utf8)) }
}

/// The last sequence handed out per numbering series (`141124-2021`).
final class CaseCounter: Model, @unchecked Sendable {
    static let schema = "case_counters"

    @ID(custom: "series", generatedBy: .user)
    var id: String?

    @Field(key: "last")
    var last: Int

    init() {}

    init(series: String, last: Int) {
        id = series
        self.last = last
    }
}
