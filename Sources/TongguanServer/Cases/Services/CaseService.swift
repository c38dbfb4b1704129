import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The one write path of cases: registration, edits before acceptance, every workflow step,
/// subtasks, supervision and the audited reveal of a resident ID. The API, the pages, the
/// import, Open311 and the demo all come through here; every rule is the domain's
/// (`CaseDetails`, `CaseWorkflow`, `CaseSubtasks`, `CaseSupervision`).
enum CaseService {
    static func scoped(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<CaseRecord> {
        CaseRecord.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    static func find(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> CaseRecord {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let c = try await CaseRecord.find(id, on: db), scope.contains(c.divisionCode)
        else { throw Refusal.notFound }
        return c
    }

    /// The caller as the workflow sees them on this case: role, scope, and the two relations
    /// only the server knows (their unit, the leader they are).
    static func caseActor(for caller: Caller, on c: CaseRecord, db: any Database) async throws -> CaseActor {
        let unit = try await UnitService.unitID(of: caller.userID, on: db)
        var isOwner = false
        if let leaderID = c.ownerLeaderID, let leader = try await CaseLeader.find(leaderID, on: db) {
            isOwner = leader.userID == caller.userID
        }
        return CaseActor(role: caller.role, scope: caller.scope, inCaseUnit: unit != nil && unit == c.unitID, isOwnerLeader: isOwner)
    }

    // MARK: registration

    /// What registration takes besides the details: the Open311 fields, and for imports a
    /// number from the list.
    struct Extra: Sendable {
        var address: String?
        var lat: Double?
        var long: Double?
        var serviceCode: String?
        var open311Token: String?
        var number: CaseNumber?
        var note: String?
        /// The first event when it is not a plain registration (an imported case's).
        var event: CaseEvent?
        /// An imported case's state, with its unit's division.
        var snapshot: CaseSnapshot?
        var unitDivisionCode: String?
        /// An answered case's reply (the demo's).
        var replyText: String?
    }

    /// The checks that need the database: the division exists, the owner leader may own it.
    static func problems(_ d: CaseDetails, scope: DivisionScope, on db: any Database) async throws -> [FieldProblem] {
        var list = ProblemList()
        if try await Division.find(d.divisionCode.rawValue, on: db) == nil { list.add("division_code", "区划不存在") }
        if let leader = d.ownerLeaderId, try await LeaderService.ownable(leader, for: d.divisionCode, scope: scope, on: db) == nil {
            list.add("owner_leader_id", "包案领导不存在或不能包办该区划的诉求")
        }
        return list.problems
    }

    static func register(
        _ d: CaseDetails, extra: Extra = Extra(), actor: AuditActor, keys: @escaping @Sendable () throws -> KeyRing,
        on db: any Database
    ) async throws -> CaseRecord {
        try await db.audited(by: actor) { tx, audit in
            let settings = try await CaseSettings.load(on: tx)
            return try await insert(d, extra: extra, settings: settings, actorName: actor.name, keys: keys, on: tx, audit: audit)
        }
    }

    /// Registers inside a running audited write (the import and the demo write many at once).
    /// With `talliesLater` the caller adds the new case's figures to the tallies itself,
    /// before the write ends (`CaseTally.apply(.add, cases: CaseTally.cases(ids))`).
    static func insert(
        _ d: CaseDetails, extra: Extra = Extra(), settings: CaseSettings, actorName: String,
        keys: () throws -> KeyRing, talliesLater: Bool = false, on tx: any Database, audit: AuditRecorder
    ) async throws -> CaseRecord {
        let c = CaseRecord()
        if let number = extra.number {
            c.number = number.description
        } else {
            c.number = try await nextNumber(for: d.divisionCode, year: d.receivedOn.year, on: tx).description
        }
        c.source = d.source.rawValue
        c.kind = d.kind.rawValue
        c.title = d.title
        c.content = d.content
        c.requesterName = d.requesterName
        c.requesterPhone = d.requesterPhone
        if let id = d.requesterResidentId {
            let ring = try keys()
            c.requesterIDSealed = ring.seal(id)
            c.requesterIDIndex = ring.blindIndex(id)
            c.requesterIDMasked = PersonalData.residentID.mask(id)
        }
        c.divisionCode = d.divisionCode.rawValue
        c.receivedOn = d.receivedOn.description
        c.stationName = d.station?.name
        c.stationBatch = d.station?.batch
        c.ownerLeaderID = d.ownerLeaderId
        c.backlog = d.backlog != nil
        c.handedDownBy = d.backlog?.handedDownBy
        c.originalReceivedOn = d.backlog?.originalReceivedOn.description
        c.countOn = (d.backlog?.originalReceivedOn ?? d.receivedOn).description
        c.address = extra.address
        c.lat = extra.lat
        c.long = extra.long
        c.serviceCode = extra.serviceCode
        c.open311Token = extra.open311Token
        c.flagged = false
        c.openSubtasks = 0
        c.version = 1
        c.apply(extra.snapshot ?? d.registeredSnapshot)
        c.unitDivisionCode = extra.unitDivisionCode
        c.replyText = extra.replyText
        c.refreshDeadlines(policy: settings.policy(d.source), calendar: settings.calendar)
        // A case written already answered (import, demo): on time when replied by the handle due date.
        if let replied = c.repliedOn, let due = c.dueHandle { c.onTime = replied <= due }
        try await store(c, talliesLater: talliesLater, on: tx)
        var event = extra.event ?? d.registeredEvent
        if let note = extra.note { event.note = note }
        try await CaseEventRecord(caseID: c.id!, seq: 1, event: event, actor: actorName).create(on: tx)
        var diff = AuditDiff()
        diff.created("number", c.number)
        diff.created("source", c.source)
        diff.created("kind", c.kind)
        diff.created("division_code", c.divisionCode)
        diff.created("received_on", c.receivedOn)
        diff.created("requester_name", c.requesterName, personal: .name)
        diff.created("requester_phone", c.requesterPhone, personal: .phone)
        diff.created("requester_resident_id", c.requesterIDMasked)
        diff.created("owner_leader_id", c.ownerLeaderID?.uuidString)
        diff.created("backlog", c.backlog ? "true" : nil)
        audit.record("case.create", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode, changes: diff.changes)
        return c
    }

    /// The next number of the series (county, year), inside the write transaction (writers
    /// take turns, so no two cases get the same one).
    static func nextNumber(for division: DivisionCode, year: Int, on tx: any Database) async throws -> CaseNumber {
        let probe = try CaseNumber(registeredIn: division, year: year, sequence: 1)
        let counter = try await CaseCounter.find(probe.series, on: tx)
        let next = (counter?.last ?? 0) + 1
        guard CaseNumber.sequenceRange.contains(next) else { throw Refusal.conflict("本年度编号已用完") }
        if let counter {
            counter.last = next
            try await counter.save(on: tx)
        } else {
            try await CaseCounter(series: probe.series, last: next).create(on: tx)
        }
        return try CaseNumber(registeredIn: division, year: year, sequence: next)
    }

    /// A number taken from a list: the series' counter moves past it.
    static func reserve(_ number: CaseNumber, on tx: any Database) async throws {
        if let counter = try await CaseCounter.find(number.series, on: tx) {
            if counter.last < number.sequence {
                counter.last = number.sequence
                try await counter.save(on: tx)
            }
        } else {
            try await CaseCounter(series: number.series, last: number.sequence).create(on: tx)
        }
    }

    /// Every write of a case row, new or changed: the statistics' tallies (`CaseTally`) take
    /// the row's old figures away before it changes and add its new ones after, in the same
    /// transaction, so they always equal what the case rows say.
    /// A new case with `talliesLater`: its figures are the caller's to add (see `insert`).
    static func store(_ c: CaseRecord, talliesLater: Bool = false, on tx: any Database) async throws {
        if c.$id.exists {
            try await CaseTally.apply(.subtract, cases: CaseTally.one(c.id!), on: tx)
            try await c.saveVersioned(on: tx)
        } else {
            try await c.create(on: tx)
            if talliesLater { return }
        }
        try await CaseTally.apply(.add, cases: CaseTally.one(c.id!), on: tx)
    }

    // MARK: edits before acceptance

    /// A PATCH: the changed details (already validated together with the stored ones), and
    /// what to do with the resident ID (nil: keep; .some(nil): remove; .some(id): replace).
    static func update(
        _ c: CaseRecord, with d: CaseDetails, residentID: String??, actor: AuditActor,
        keys: @escaping @Sendable () throws -> KeyRing, on db: any Database
    ) async throws {
        guard c.caseState == .registered || c.caseState == .routed || c.caseState == .returned else {
            throw Refusal.unmet([
                CaseCondition.wrongState(c.caseState, allowed: [.registered, .routed, .returned], action: "修改诉求信息")
            ])
        }
        if let routed = c.routedOn.flatMap(CivilDate.init(iso:)), d.receivedOn > routed {
            throw Refusal.invalid("received_on", "登记日期不能晚于交办日期(\(routed.chinese))")
        }
        var diff = AuditDiff()
        func set(_ field: String, _ keyPath: ReferenceWritableKeyPath<CaseRecord, String>, _ value: String, personal: PersonalData? = nil) {
            diff.add(field, before: c[keyPath: keyPath], after: value, personal: personal)
            c[keyPath: keyPath] = value
        }
        func setOptional(_ field: String, _ keyPath: ReferenceWritableKeyPath<CaseRecord, String?>, _ value: String?) {
            diff.add(field, before: c[keyPath: keyPath], after: value)
            c[keyPath: keyPath] = value
        }
        if d.source != c.caseSource, c.caseState != .registered {
            throw Refusal.invalid("source", "诉求交办后不能再修改来源")
        }
        set("source", \.source, d.source.rawValue)
        set("kind", \.kind, d.kind.rawValue)
        set("title", \.title, d.title)
        set("content", \.content, d.content)
        set("requester_name", \.requesterName, d.requesterName, personal: .name)
        set("requester_phone", \.requesterPhone, d.requesterPhone, personal: .phone)
        set("division_code", \.divisionCode, d.divisionCode.rawValue)
        set("received_on", \.receivedOn, d.receivedOn.description)
        setOptional("station_name", \.stationName, d.station?.name)
        setOptional("station_batch", \.stationBatch, d.station?.batch)
        diff.add("owner_leader_id", before: c.ownerLeaderID?.uuidString, after: d.ownerLeaderId?.uuidString)
        c.ownerLeaderID = d.ownerLeaderId
        diff.add("backlog", before: String(c.backlog), after: String(d.backlog != nil))
        c.backlog = d.backlog != nil
        setOptional("handed_down_by", \.handedDownBy, d.backlog?.handedDownBy)
        setOptional("original_received_on", \.originalReceivedOn, d.backlog?.originalReceivedOn.description)
        c.countOn = (d.backlog?.originalReceivedOn ?? d.receivedOn).description
        if let change = residentID {
            if let id = change {
                let ring = try keys()
                // During a rotation the stored index may be under either key.
                if !ring.blindIndexes(id).contains(c.requesterIDIndex ?? "") {
                    diff.add("requester_resident_id", before: c.requesterIDMasked, after: PersonalData.residentID.mask(id))
                    c.requesterIDSealed = ring.seal(id)
                    c.requesterIDIndex = ring.blindIndex(id)
                    c.requesterIDMasked = PersonalData.residentID.mask(id)
                }
            } else if c.requesterIDSealed != nil {
                diff.add("requester_resident_id", before: c.requesterIDMasked, after: nil)
                c.requesterIDSealed = nil
                c.requesterIDIndex = nil
                c.requesterIDMasked = nil
            }
        }
        if c.snapshot.lastStepOn < d.receivedOn { c.lastStepOn = d.receivedOn.description }
        guard !diff.isEmpty else { return }
        let changes = diff.changes
        try await db.audited(by: actor) { tx, audit in
            let settings = try await CaseSettings.load(on: tx)
            c.refreshDeadlines(policy: settings.policy(c.caseSource), calendar: settings.calendar)
            try await store(c, on: tx)
            audit.record("case.update", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode, changes: changes)
        }
    }

    // MARK: workflow

    /// One workflow step. The case is read again inside the write, so two people acting at
    /// once take turns and the second is judged on what the first left.
    @discardableResult
    static func act(_ caseID: UUID, _ request: CaseRequest, caller: Caller, actor: AuditActor, on db: any Database) async throws -> CaseRecord {
        try await db.audited(by: actor) { tx, audit in
            guard let c = try await CaseRecord.find(caseID, on: tx), caller.scope.contains(c.divisionCode) else { throw Refusal.notFound }
            let settings = try await CaseSettings.load(on: tx)
            try await apply(request, to: c, caller: caller, settings: settings, actorName: actor.name, today: CaseClock.today(), on: tx, audit: audit)
            return c
        }
    }

    /// A step inside a running write (the demo and the import replay many).
    static func apply(
        _ request: CaseRequest, to c: CaseRecord, caller: Caller, settings: CaseSettings, actorName: String, today: CivilDate,
        on tx: any Database, audit: AuditRecorder
    ) async throws {
        let who = try await caseActor(for: caller, on: c, db: tx)
        var unit: CaseUnit? = nil
        if case .route(let unitID?) = request.action {
            unit = try await UnitService.routable(unitID, for: DivisionCode(c.divisionCode)!, scope: caller.scope, on: tx)
            if unit == nil { throw Refusal.invalid("unit_id", "承办单位不存在、已停用或不能承办该区划的诉求") }
        }
        let policy = settings.policy(c.caseSource)
        let before = c.snapshot
        let transition = try CaseWorkflow.apply(request, to: before, today: today, actor: who, calendar: settings.calendar, policy: policy)
        let dueBefore = CaseDeadlines.compute(before, policy: policy, calendar: settings.calendar)
        c.apply(transition.snapshot)
        switch request.action {
        case .route: c.unitDivisionCode = unit?.divisionCode
        case .return: c.unitDivisionCode = nil
        case .reply:
            c.replyText = transition.event.text
            let due = before.state == .inProgress ? dueBefore.handle : dueBefore.review
            c.onTime = due.map { request.date <= $0 }
        case .reopen:
            c.replyText = nil
            c.onTime = nil
        default: break
        }
        c.refreshDeadlines(policy: policy, calendar: settings.calendar)
        try await store(c, on: tx)
        try await record(transition.event, on: c, actorName: actorName, tx: tx)
        var diff = AuditDiff()
        diff.add("state", before: before.state.rawValue, after: c.state)
        diff.add("unit_id", before: before.unitId?.uuidString, after: c.unitID?.uuidString)
        diff.add("outcome", before: before.outcome?.rawValue, after: c.outcome)
        diff.add("satisfaction", before: before.satisfaction?.rawValue, after: c.satisfaction)
        diff.add("extension_days", before: before.extensionDays.map(String.init), after: c.extensionDays.map(String.init))
        diff.add("date", before: nil, after: request.date.description)
        diff.add("due_handle", before: dueBefore.handle?.description, after: c.dueHandle)
        audit.record(
            "case.\(request.action.name.rawValue)", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode,
            changes: diff.changes)
    }

    static func record(_ event: CaseEvent, on c: CaseRecord, actorName: String, tx: any Database) async throws {
        let last = try await CaseEventRecord.query(on: tx).filter(\.$caseID == c.id!).max(\.$seq) ?? 0
        try await CaseEventRecord(caseID: c.id!, seq: last + 1, event: event, actor: actorName).create(on: tx)
    }

    // MARK: reading

    static func events(of c: CaseRecord, on db: any Database) async throws -> [CaseEventRecord] {
        try await CaseEventRecord.query(on: db).filter(\.$caseID == c.id!).sort(\.$seq).all()
    }
}
