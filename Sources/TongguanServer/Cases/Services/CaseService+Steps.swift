import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The case write path's side steps: subtasks, supervision (督办) and the audited reveals of
/// the requester's personal data. Each goes through `store`, like every other case write.
extension CaseService {
    // MARK: subtasks

    static func subtasks(of c: CaseRecord, on db: any Database) async throws -> [CaseSubtaskRecord] {
        try await CaseSubtaskRecord.query(on: db).filter(\.$caseID == c.id!).sort(\.$deadline).sort(\.$createdOn).all()
    }

    static func findSubtask(_ raw: String?, of c: CaseRecord, on db: any Database) async throws -> CaseSubtaskRecord {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let s = try await CaseSubtaskRecord.find(id, on: db), s.caseID == c.id
        else { throw Refusal.notFound }
        return s
    }

    @discardableResult
    static func addSubtask(
        _ caseID: UUID, _ input: CaseSubtaskInput, caller: Caller, actor: AuditActor, on db: any Database
    ) async throws
        -> CaseSubtaskRecord
    {
        try await db.audited(by: actor) { tx, audit in
            guard let c = try await CaseRecord.find(caseID, on: tx), caller.scope.contains(c.divisionCode) else { throw Refusal.notFound }
            let settings = try await CaseSettings.load(on: tx)
            let who = try await caseActor(for: caller, on: c, db: tx)
            let (subtask, transition) = try CaseSubtasks.add(
                input, to: c.snapshot, today: CaseClock.today(), actor: who, calendar: settings.calendar, policy: settings.policy(c.caseSource))
            guard let unit = try await CaseUnit.find(subtask.unitId, on: tx), unit.active,
                caller.scope.contains(unit.divisionCode)
                    || DivisionCode(unit.divisionCode).map({ $0.contains(DivisionCode(c.divisionCode)!) }) == true
            else { throw Refusal.invalid("unit_id", "责任单位不存在或已停用") }
            let record = CaseSubtaskRecord(caseID: c.id!, subtask: subtask, createdOn: transition.event.on)
            try await record.create(on: tx)
            c.apply(transition.snapshot)
            try await store(c, on: tx)
            try await CaseService.record(transition.event, on: c, actorName: actor.name, tx: tx)
            audit.record(
                "case.subtask_add", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode,
                changes: [
                    AuditChange(field: "subtask", before: nil, after: record.id!.uuidString),
                    AuditChange(field: "unit_id", before: nil, after: subtask.unitId.uuidString),
                    AuditChange(field: "deadline", before: nil, after: record.deadline),
                ])
            return record
        }
    }

    @discardableResult
    static func completeSubtask(
        _ caseID: UUID, subtaskID: UUID, note: String?, date: CivilDate, caller: Caller, actor: AuditActor, on db: any Database
    ) async throws -> CaseSubtaskRecord {
        try await db.audited(by: actor) { tx, audit in
            guard let c = try await CaseRecord.find(caseID, on: tx), caller.scope.contains(c.divisionCode),
                let record = try await CaseSubtaskRecord.find(subtaskID, on: tx), record.caseID == c.id
            else { throw Refusal.notFound }
            let who = try await caseActor(for: caller, on: c, db: tx)
            let inUnit = try await UnitService.unitID(of: caller.userID, on: tx) == record.unitID
            let (done, transition) = try CaseSubtasks.complete(
                record.domain, note: note, of: c.snapshot, on: date, today: CaseClock.today(), actor: who, inSubtaskUnit: inUnit)
            record.state = done.state.rawValue
            record.doneOn = done.doneOn?.description
            record.doneNote = done.doneNote
            try await record.saveVersioned(on: tx)
            c.apply(transition.snapshot)
            try await store(c, on: tx)
            try await CaseService.record(transition.event, on: c, actorName: actor.name, tx: tx)
            audit.record(
                "case.subtask_done", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode,
                changes: [
                    AuditChange(field: "subtask", before: nil, after: record.id!.uuidString),
                    AuditChange(field: "state", before: "open", after: "done"),
                    AuditChange(field: "date", before: nil, after: date.description),
                ])
            return record
        }
    }

    // MARK: supervision

    static func supervise(
        _ caseID: UUID, level: SupervisionLevel?, note: String?, date: CivilDate, caller: Caller, actor: AuditActor, on db: any Database
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            guard let c = try await CaseRecord.find(caseID, on: tx), caller.scope.contains(c.divisionCode) else { throw Refusal.notFound }
            let who = try await caseActor(for: caller, on: c, db: tx)
            let transition = try CaseSupervision.apply(level: level, note: note, to: c.snapshot, on: date, today: CaseClock.today(), actor: who)
            let wasFlagged = c.flagged
            c.apply(transition.snapshot)
            try await store(c, on: tx)
            try await CaseService.record(transition.event, on: c, actorName: actor.name, tx: tx)
            var diff = AuditDiff()
            diff.add("level", before: nil, after: level?.rawValue)
            diff.add("flagged", before: String(wasFlagged), after: String(c.flagged))
            diff.add("date", before: nil, after: date.description)
            audit.record("case.supervise", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode, changes: diff.changes)
        }
    }

    // MARK: personal data

    /// The clear resident ID, to an admin or supervisor, with a reason that the audit trail
    /// keeps (the ID itself never enters it).
    static func reveal(
        _ c: CaseRecord, reason: String, caller: Caller, actor: AuditActor, keys: KeyRing, on db: any Database
    ) async throws -> String {
        guard caller.role.canSupervise else { throw Refusal.forbidden("只有管理员和督办人可以查看完整身份证号") }
        guard let sealed = c.requesterIDSealed else { throw Refusal.conflict("该诉求未登记身份证号") }
        let clear: String
        do { clear = try keys.open(sealed) } catch { throw Refusal.conflict(error.message) }
        try await db.audited(by: actor) { tx, audit in
            audit.record(
                "case.reveal", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode,
                changes: [AuditChange(field: "reason", before: nil, after: reason)])
        }
        return clear
    }

    /// The requester's clear contact details.
    struct RevealedRequester: Sendable {
        var name: String
        var phone: String
        var residentID: String?
    }

    /// Admins, supervisors and the users of the unit handling the case.
    static func mayRevealRequester(caller: Caller, who: CaseActor) -> Bool { caller.role.canSupervise || who.inCaseUnit }

    /// The requester's clear phone and resident ID (with the name), to an admin, a supervisor
    /// or the handling unit's users, with a reason the audit trail keeps (never the values).
    static func revealRequester(
        _ c: CaseRecord, reason: String, caller: Caller, actor: AuditActor, keys: () throws -> KeyRing, on db: any Database
    ) async throws -> RevealedRequester {
        let who = try await caseActor(for: caller, on: c, db: db)
        guard mayRevealRequester(caller: caller, who: who) else {
            throw Refusal.forbidden("只有管理员、督办人和承办单位的人员可以查看诉求人的联系方式")
        }
        var id: String? = nil
        if let sealed = c.requesterIDSealed {
            let ring = try keys()
            do { id = try ring.open(sealed) } catch { throw Refusal.conflict(error.message) }
        }
        let fields = ["requester_name", "requester_phone"] + (id == nil ? [] : ["requester_resident_id"])
        try await db.audited(by: actor) { tx, audit in
            audit.record(
                "case.reveal", entityType: "case", entityID: c.id!.uuidString, divisionCode: c.divisionCode,
                changes: [
                    AuditChange(field: "reason", before: nil, after: reason),
                    AuditChange(field: "revealed", before: nil, after: fields.joined(separator: ",")),
                ])
        }
        return RevealedRequester(name: c.requesterName, phone: c.requesterPhone, residentID: id)
    }
}
