import Foundation
import TongguanDomain
import Vapor

/// A case as the API answers it. The phone and the resident ID are always masked (the clear
/// values only through the audited `requester/reveal`); viewers also see the name masked.
struct CaseDTO: Content {
    struct Requester: Content {
        var name: String
        var phone: String
        var residentId: String?
    }

    struct Station: Content {
        var name: String
        var batch: String
    }

    struct Due: Content {
        var route: String?
        var accept: String?
        var handle: String?
        var review: String?
        var reviewRequestBy: String?
    }

    var id: UUID
    var number: String
    var source: String
    var kind: String
    var title: String
    var content: String
    var requester: Requester
    var divisionCode: String
    var receivedOn: String
    var station: Station?
    var ownerLeaderId: UUID?
    var backlog: Bool
    var handedDownBy: String?
    var originalReceivedOn: String?
    var unitId: UUID?
    var state: String
    var outcome: String?
    var replyText: String?
    var flagged: Bool
    var satisfaction: String?
    var routedOn: String?
    var acceptedOn: String?
    var repliedOn: String?
    var closedOn: String?
    var extensionDays: Int?
    var due: Due
    var provisional: Bool
    var overdue: Bool
    var overdueSteps: [String]
    var address: String?
    var events: [CaseEventDTO]?
    var subtasks: [SubtaskDTO]?
    var version: Int

    init(
        _ c: CaseRecord, role: Role, settings: CaseSettings, today: CivilDate, events: [CaseEventRecord]? = nil, subtasks: [CaseSubtaskRecord]? = nil
    ) {
        let masked = role == .viewer
        id = c.id!
        number = c.number
        source = c.source
        kind = c.caseKind.label
        title = c.title
        content = c.content
        requester = Requester(
            name: masked ? PersonalData.name.mask(c.requesterName) : c.requesterName,
            phone: PersonalData.phone.mask(c.requesterPhone), residentId: c.requesterIDMasked)
        divisionCode = c.divisionCode
        receivedOn = c.receivedOn
        station = c.stationName.map { Station(name: $0, batch: c.stationBatch ?? "") }
        ownerLeaderId = c.ownerLeaderID
        backlog = c.backlog
        handedDownBy = c.handedDownBy
        originalReceivedOn = c.originalReceivedOn
        unitId = c.unitID
        state = c.state
        outcome = c.outcome
        replyText = c.replyText
        flagged = c.flagged
        satisfaction = c.satisfaction
        routedOn = c.routedOn
        acceptedOn = c.acceptedOn
        repliedOn = c.repliedOn
        closedOn = c.closedOn
        extensionDays = c.extensionDays
        let status = CaseDeadlines.status(c.snapshot, policy: settings.policy(c.caseSource), calendar: settings.calendar, on: today)
        due = Due(
            route: status.due.route?.description, accept: status.due.accept?.description, handle: status.due.handle?.description,
            review: status.due.review?.description, reviewRequestBy: status.due.reviewRequestBy?.description)
        provisional = status.due.provisional
        overdue = status.overdue
        overdueSteps = status.overdueSteps.map(\.rawValue)
        address = c.address
        self.events = events?.map(CaseEventDTO.init)
        self.subtasks = subtasks?.map { SubtaskDTO($0, today: today) }
        version = c.version
    }

    static let dueSchema = JSONSchema.object(
        [
            ("route", .date), ("accept", .date), ("handle", .date), ("review", .date),
            ("review_request_by", .date),
        ], required: [])

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("number", .string(description: "编号,如 141124-2021-000137")),
            ("source", .string(values: CaseSource.allCases.map(\.rawValue))),
            ("kind", .string(description: "类别(中文)", values: CaseKind.allCases.map(\.label))), ("title", .string()), ("content", .string()),
            (
                "requester",
                .object(
                    [("name", .string()), ("phone", .string()), ("resident_id", .nullable(.string(description: "已遮蔽,如 141124********1234")))],
                    required: ["name", "phone"])
            ),
            ("division_code", .divisionCode), ("received_on", .date),
            ("station", .nullable(.object([("name", .string()), ("batch", .string())], required: ["name", "batch"]))),
            ("owner_leader_id", .nullable(.uuid)), ("backlog", .boolean), ("handed_down_by", .nullable(.string())),
            ("original_received_on", .nullable(.date)), ("unit_id", .nullable(.uuid)),
            ("state", .string(values: CaseState.allCases.map(\.rawValue))),
            ("outcome", .nullable(.string(values: CaseOutcome.allCases.map(\.rawValue)))), ("reply_text", .nullable(.string())),
            ("flagged", .boolean), ("satisfaction", .nullable(.string(values: Satisfaction.allCases.map(\.rawValue)))),
            ("routed_on", .nullable(.date)), ("accepted_on", .nullable(.date)), ("replied_on", .nullable(.date)),
            ("closed_on", .nullable(.date)), ("extension_days", .nullable(.integer())),
            ("due", .ref("CaseDue")), ("provisional", .boolean), ("overdue", .boolean),
            ("overdue_steps", .array(.string(values: CaseDeadlines.Step.allCases.map(\.rawValue)))),
            ("address", .nullable(.string())),
            ("events", .array(.ref("CaseEvent"))), ("subtasks", .array(.ref("CaseSubtask"))), ("version", .integer()),
        ],
        required: [
            "id", "number", "source", "kind", "title", "content", "requester", "division_code", "received_on", "backlog", "state",
            "flagged", "due", "provisional", "overdue", "overdue_steps", "version",
        ])

    static let inputFields: [(String, JSONSchema)] = [
        ("source", .string(values: CaseSource.allCases.map(\.rawValue))),
        ("kind", .string(description: "类别的中文名,如 投诉、申诉求决")), ("title", .string()), ("content", .string()),
        (
            "requester",
            .object(
                [
                    ("name", .string()), ("phone", .string(description: "手机或带区号固定电话")),
                    ("resident_id", .nullable(.string(description: "身份证号(可选,加密保存)"))),
                ], required: [])
        ),
        ("division_code", .divisionCode), ("received_on", .date),
        ("station", .nullable(.object([("name", .string()), ("batch", .string(description: "接待批次"))], required: []))),
        ("owner_leader_id", .nullable(.uuid)), ("backlog", .boolean), ("handed_down_by", .nullable(.string(description: "如 中央联席办"))),
        ("original_received_on", .nullable(.date)),
    ]

    static let createSchema = JSONSchema.object(
        inputFields, required: ["source", "kind", "title", "content", "requester", "division_code", "received_on"])
    static let updateSchema = JSONSchema.object(inputFields, required: [])
}

/// A row of the case list (no requester data).
struct CaseListItemDTO: Content {
    var id: UUID
    var number: String
    var source: String
    var kind: String
    var title: String
    var divisionCode: String
    var receivedOn: String
    var state: String
    var outcome: String?
    var unitId: UUID?
    var ownerLeaderId: UUID?
    var backlog: Bool
    var flagged: Bool
    /// The due date of the step it waits on now.
    var dueOn: String?
    var overdue: Bool
    var version: Int

    init(_ c: CaseRecord, today: CivilDate) {
        id = c.id!; number = c.number; source = c.source; kind = c.caseKind.label; title = c.title
        divisionCode = c.divisionCode; receivedOn = c.receivedOn; state = c.state; outcome = c.outcome
        unitId = c.unitID; ownerLeaderId = c.ownerLeaderID; backlog = c.backlog; flagged = c.flagged
        dueOn = c.pendingDue; overdue = c.pendingDue.map { $0 < today.description } ?? false; version = c.version
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("number", .string()), ("source", .string(values: CaseSource.allCases.map(\.rawValue))),
            ("kind", .string()), ("title", .string()), ("division_code", .divisionCode), ("received_on", .date),
            ("state", .string(values: CaseState.allCases.map(\.rawValue))), ("outcome", .nullable(.string())),
            ("unit_id", .nullable(.uuid)), ("owner_leader_id", .nullable(.uuid)), ("backlog", .boolean), ("flagged", .boolean),
            ("due_on", .nullable(.date)), ("overdue", .boolean), ("version", .integer()),
        ], required: ["id", "number", "source", "kind", "title", "division_code", "received_on", "state", "backlog", "flagged", "overdue", "version"])
}

struct CaseEventDTO: Content {
    var seq: Int
    var kind: String
    var label: String
    var on: String
    var actor: String
    var recordedAt: String
    var summary: String
    var from: String?
    var to: String?
    var note: String?
    var reason: String?
    var text: String?
    var unitId: UUID?
    var days: Int?
    var outcome: String?
    var satisfaction: String?
    var level: String?
    var handleDue: String?

    init(_ r: CaseEventRecord) {
        seq = r.seq; kind = r.kind; on = r.on; actor = r.actor; recordedAt = r.recordedAt
        let e = r.decoded
        label = e?.kind.label ?? r.kind
        summary = e?.summary ?? r.kind
        from = e?.from?.rawValue; to = e?.to.rawValue; note = e?.note; reason = e?.reason; text = e?.text
        unitId = e?.unitId; days = e?.days; outcome = e?.outcome?.rawValue; satisfaction = e?.satisfaction?.rawValue
        level = e?.level?.rawValue; handleDue = e?.handleDue?.description
    }

    static let schema = JSONSchema.object(
        [
            ("seq", .integer()), ("kind", .string(values: CaseEvent.Kind.allCases.map(\.rawValue))), ("label", .string()), ("on", .date),
            ("actor", .string()), ("recorded_at", .dateTime), ("summary", .string()), ("from", .nullable(.string())),
            ("to", .nullable(.string())), ("note", .nullable(.string())), ("reason", .nullable(.string())), ("text", .nullable(.string())),
            ("unit_id", .nullable(.uuid)), ("days", .nullable(.integer())), ("outcome", .nullable(.string())),
            ("satisfaction", .nullable(.string())), ("level", .nullable(.string())), ("handle_due", .nullable(.date)),
        ], required: ["seq", "kind", "label", "on", "actor", "recorded_at", "summary"])
}

struct SubtaskDTO: Content {
    var id: UUID
    var caseId: UUID
    var unitId: UUID
    var person: String
    var description: String
    var deadline: String
    var state: String
    var createdOn: String
    var doneOn: String?
    var doneNote: String?
    var overdue: Bool
    var version: Int

    init(_ s: CaseSubtaskRecord, today: CivilDate) {
        id = s.id!; caseId = s.caseID; unitId = s.unitID; person = s.person; description = s.description; deadline = s.deadline
        state = s.state; createdOn = s.createdOn; doneOn = s.doneOn; doneNote = s.doneNote
        overdue = s.state == CaseSubtask.State.open.rawValue && today.description > s.deadline; version = s.version
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("case_id", .uuid), ("unit_id", .uuid), ("person", .string()), ("description", .string()),
            ("deadline", .date), ("state", .string(values: ["open", "done"])), ("created_on", .date), ("done_on", .nullable(.date)),
            ("done_note", .nullable(.string())), ("overdue", .boolean), ("version", .integer()),
        ], required: ["id", "case_id", "unit_id", "person", "description", "deadline", "state", "created_on", "overdue", "version"])
}

struct UnitDTO: Content {
    var id: UUID
    var name: String
    var divisionCode: String
    var active: Bool
    var memberIds: [UUID]?
    var version: Int

    init(_ u: CaseUnit, members: [UUID]? = nil) {
        id = u.id!; name = u.name; divisionCode = u.divisionCode; active = u.active; memberIds = members; version = u.version
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("name", .string()), ("division_code", .divisionCode), ("active", .boolean),
            ("member_ids", .array(.uuid)), ("version", .integer()),
        ], required: ["id", "name", "division_code", "active", "version"])
}

struct LeaderDTO: Content {
    var id: UUID
    var name: String
    var title: String
    var divisionCode: String
    var userId: UUID?
    var version: Int

    init(_ l: CaseLeader) {
        id = l.id!; name = l.name; title = l.title; divisionCode = l.divisionCode; userId = l.userID; version = l.version
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("name", .string()), ("title", .string(description: "职务")), ("division_code", .divisionCode),
            ("user_id", .nullable(.uuid)), ("version", .integer()),
        ], required: ["id", "name", "title", "division_code", "version"])
}
