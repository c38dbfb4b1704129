import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The one write path of the registry: households and members are created and changed only
/// here (API, pages, import updates and the demo), each change checked by the domain's
/// household rules and recorded in the audit trail in the same transaction. Resident IDs
/// are sealed before they are stored and appear in audit values only masked.
enum RegistryService {
    // MARK: households

    static func createHousehold(
        _ fields: RegistryForms.HouseholdFields, head: RegistryForms.MemberFields, ring: KeyRing,
        actor: AuditActor, on db: any Database, today: CivilDate = RegistryFinder.today()
    ) async throws -> Household {
        var head = head
        head.relation = .head
        let village = fields.divisionCode
        let head_ = head
        return try await db.audited(by: actor) { tx, audit in
            if let holder = try await RegistryFinder.presentHolder(of: head_.resident, ring: ring, on: tx) {
                throw Refusal.residentElsewhere(HouseholdCode(holder.householdCode)!)
            }
            var allocator = HouseholdCodeAllocator(highestUsed: [village: try await RegistryFinder.highestSequence(in: village, on: tx)])
            let code: HouseholdCode
            do { code = try allocator.next(in: village) } catch let problem as HouseholdCode.Problem { throw Refusal.conflict(problem.message) }
            let memberID = UUID()
            _ = try HouseholdSnapshot.opening(code: code, divisionCode: village, members: [head_.snapshot(id: memberID)])
            let household = Household(code: code, divisionCode: village, address: fields.address, phone: fields.phone)
            try await household.create(on: tx)
            let member = Member()
            member.id = memberID
            member.householdID = household.id!
            member.apply(head_)
            seal(member, head_.resident, ring: ring)
            member.status = MemberStatus.present.rawValue
            member.version = 1
            try await member.create(on: tx)
            var diff = AuditDiff()
            diff.created("division_code", village.rawValue)
            diff.created("address", fields.address, personal: .address)
            diff.created("phone", fields.phone, personal: .phone)
            diff.created("head.member_id", memberID.uuidString)
            diff.created("head.name", head_.name, personal: .name)
            diff.created("head.resident_id", head_.resident.id, personal: .residentID)
            audit.record("household.create", entityType: "household", entityID: code.rawValue, divisionCode: village.rawValue, changes: diff.changes)
            return household
        }
    }

    /// Address, phone and (a move) the village; the code never changes.
    struct HouseholdChange: Sendable {
        var divisionCode: DivisionCode?
        var address: String??
        var phone: String??
    }

    static func updateHousehold(_ household: Household, _ change: HouseholdChange, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let members = try await RegistryFinder.members(of: household, on: tx)
            var snapshot = RegistryFinder.snapshot(household, members)
            if !snapshot.isActive { throw HouseholdConditionRefusal.closed }
            var diff = AuditDiff()
            let before = household.divisionCode
            if let village = change.divisionCode, village.rawValue != household.divisionCode {
                snapshot = try snapshot.relocating(to: village)
                diff.add("division_code", before: household.divisionCode, after: village.rawValue)
                household.divisionCode = village.rawValue
            }
            if let address = change.address, address != household.address {
                diff.add("address", before: household.address, after: address, personal: .address)
                household.address = address
            }
            if let phone = change.phone, phone != household.phone {
                diff.add("phone", before: household.phone, after: phone, personal: .phone)
                household.phone = phone
            }
            guard !diff.isEmpty else { return }
            try await household.saveVersioned(on: tx)
            try await MonitoringSpans.refresh([household.id!], on: tx)
            audit.record(
                "household.update", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
            if before != household.divisionCode {
                audit.record("household.moved_out", entityType: "household", entityID: household.code, divisionCode: before, changes: diff.changes)
            }
        }
    }

    static func close(
        _ household: Household, _ closure: HouseholdClosure, actor: AuditActor, on db: any Database, today: CivilDate = RegistryFinder.today()
    )
        async throws
    {
        try await db.audited(by: actor) { tx, audit in
            let members = try await RegistryFinder.members(of: household, on: tx)
            _ = try RegistryFinder.snapshot(household, members).closing(closure, today: today)
            household.status = HouseholdStatus.closed.rawValue
            household.closeReason = closure.reason.rawValue
            household.closedOn = closure.date.description
            try await household.saveVersioned(on: tx)
            var diff = AuditDiff()
            diff.add("status", before: HouseholdStatus.active.rawValue, after: HouseholdStatus.closed.rawValue)
            diff.created("close_reason", closure.reason.rawValue)
            diff.created("closed_on", closure.date.description)
            audit.record(
                "household.close", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
        }
    }

    // MARK: members

    static func addMember(
        _ household: Household, _ fields: RegistryForms.MemberFields, ring: KeyRing, actor: AuditActor, on db: any Database
    ) async throws -> Member {
        try await db.audited(by: actor) { tx, audit in
            let members = try await RegistryFinder.members(of: household, on: tx)
            let id = UUID()
            _ = try RegistryFinder.snapshot(household, members).adding(fields.snapshot(id: id))
            if let holder = try await RegistryFinder.presentHolder(of: fields.resident, ring: ring, on: tx) {
                throw Refusal.residentElsewhere(HouseholdCode(holder.householdCode)!)
            }
            let member = Member()
            member.id = id
            member.householdID = household.id!
            member.apply(fields)
            seal(member, fields.resident, ring: ring)
            member.status = MemberStatus.present.rawValue
            member.version = 1
            try await member.create(on: tx)
            try await household.saveVersioned(on: tx)
            try await MonitoringSpans.refresh([household.id!], on: tx)
            var diff = AuditDiff()
            diff.created("member_id", id.uuidString)
            diff.created("name", fields.name, personal: .name)
            diff.created("resident_id", fields.resident.id, personal: .residentID)
            diff.created("relation", fields.relation.rawValue)
            audit.record("member.add", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
            return member
        }
    }

    /// A present member's facts corrected or brought up to date; `resident` is nil when the
    /// ID is unchanged (it is then never decrypted).
    static func updateMember(
        _ member: Member, in household: Household, _ fields: RegistryForms.MemberFields, residentChanged: Bool,
        ring: KeyRing, actor: AuditActor, on db: any Database
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            let members = try await RegistryFinder.members(of: household, on: tx)
            _ = try RegistryFinder.snapshot(household, members).updating(fields.snapshot(id: member.id!))
            var diff = AuditDiff()
            diff.created("member_id", member.id!.uuidString)
            let changes = memberChanges(member, fields)
            if residentChanged {
                if let holder = try await RegistryFinder.presentHolder(of: fields.resident, ring: ring, on: tx), holder.memberID != member.id {
                    throw Refusal.residentElsewhere(HouseholdCode(holder.householdCode)!)
                }
                diff.add("resident_id", before: "(已更正)", after: fields.resident.masked)
            }
            guard !changes.isEmpty || residentChanged else { return }
            for c in changes { diff.add(c.field, before: c.before, after: c.after, personal: c.field == "name" ? .name : nil) }
            member.apply(fields)
            if residentChanged { seal(member, fields.resident, ring: ring) }
            try await member.saveVersioned(on: tx)
            try await household.saveVersioned(on: tx)
            try await MonitoringSpans.refresh([household.id!], on: tx)
            audit.record(
                "member.update", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
        }
    }

    /// Field by field what `fields` changes in the stored member (the ID aside).
    static func memberChanges(_ m: Member, _ f: RegistryForms.MemberFields) -> [AuditChange] {
        let pairs: [(String, String, String)] = [
            ("name", m.name, f.name), ("relation", m.relation, f.relation.rawValue),
            ("birth_date", m.birthDate, f.resident.birthDate.description), ("sex", m.sex, f.resident.sex.rawValue),
            ("labour_capacity", m.labourCapacity, f.labourCapacity.rawValue),
            ("disability", String(m.disability), String(f.disability)), ("chronic_illness", String(m.chronicIllness), String(f.chronicIllness)),
            ("school_stage", m.schoolStage, f.schoolStage.rawValue), ("work_status", m.workStatus, f.workStatus.rawValue),
            ("basic_medical_insurance", String(m.basicMedicalInsurance), String(f.basicMedicalInsurance)),
        ]
        return pairs.filter { $0.1 != $0.2 }.map { AuditChange(field: $0.0, before: $0.1, after: $0.2) }
    }

    static func leave(
        _ member: Member, in household: Household, _ departure: Departure, newHead: UUID?, actor: AuditActor, on db: any Database,
        today: CivilDate = RegistryFinder.today()
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            let members = try await RegistryFinder.members(of: household, on: tx)
            let before = RegistryFinder.snapshot(household, members)
            let after = try before.leaving(member.id!, departure, newHead: newHead, today: today)
            try await write(after.membersChanged(since: before), rows: members, on: tx)
            try await household.saveVersioned(on: tx)
            try await MonitoringSpans.refresh([household.id!], on: tx)
            var diff = AuditDiff()
            diff.created("member_id", member.id!.uuidString)
            diff.created("name", member.name, personal: .name)
            diff.created("leave_reason", departure.reason.rawValue)
            diff.created("left_on", departure.date.description)
            if let newHead { diff.created("new_head_id", newHead.uuidString) }
            audit.record(
                "member.leave", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
        }
    }

    static func transfer(
        _ member: Member, from source: Household, to target: Household, relation: TongguanDomain.Relation, newSourceHead: UUID?,
        actor: AuditActor, on db: any Database
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            let sourceRows = try await RegistryFinder.members(of: source, on: tx)
            let targetRows = try await RegistryFinder.members(of: target, on: tx)
            let sourceBefore = RegistryFinder.snapshot(source, sourceRows)
            let (sourceAfter, targetAfter) = try MemberTransfer.apply(
                member: member.id!, from: sourceBefore, to: RegistryFinder.snapshot(target, targetRows),
                relation: relation, newSourceHead: newSourceHead)
            try await write(sourceAfter.membersChanged(since: sourceBefore).filter { $0.id != member.id }, rows: sourceRows, on: tx)
            guard let moved = targetAfter.member(member.id!) else { throw Refusal.notFound }
            member.householdID = target.id!
            member.apply(moved)
            try await member.saveVersioned(on: tx)
            try await source.saveVersioned(on: tx)
            try await target.saveVersioned(on: tx)
            try await MonitoringSpans.refresh([source.id!, target.id!], on: tx)
            var diff = AuditDiff()
            diff.created("member_id", member.id!.uuidString)
            diff.created("name", member.name, personal: .name)
            diff.add("household_code", before: source.code, after: target.code)
            diff.created("relation", relation.rawValue)
            if let newSourceHead { diff.created("new_head_id", newSourceHead.uuidString) }
            audit.record("member.transfer", entityType: "household", entityID: source.code, divisionCode: source.divisionCode, changes: diff.changes)
            audit.record(
                "member.transfer_in", entityType: "household", entityID: target.code, divisionCode: target.divisionCode, changes: diff.changes)
        }
    }

    /// Writes the members a rule changed (relation after a new head, departure).
    static func write(_ changed: [MemberSnapshot], rows: [Member], on tx: any Database) async throws {
        for snapshot in changed {
            guard let row = rows.first(where: { $0.id == snapshot.id }) else { continue }
            row.apply(snapshot)
            try await row.saveVersioned(on: tx)
        }
    }

    // MARK: protection

    static func seal(_ member: Member, _ resident: ResidentIdentity, ring: KeyRing) {
        let id = resident.id
        member.residentIDSealed = ring.seal(id)
        member.residentIDIndex = ring.blindIndex(id)
    }

    /// The clear ID for someone allowed to see it, with the reason in the audit trail (the
    /// event names the member and the reason, never the ID).
    static func reveal(
        _ member: Member, in household: Household, reason: String, ring: KeyRing, actor: AuditActor, on db: any Database
    )
        async throws -> String
    {
        let clear: String
        do { clear = try ring.open(member.residentIDSealed) } catch {
            throw Refusal.conflict(error.message)
        }
        try await db.audited(by: actor) { tx, audit in
            var diff = AuditDiff()
            diff.created("reason", reason)
            diff.created("household_code", household.code)
            audit.record(
                "member.reveal", entityType: "member", entityID: member.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes)
        }
        return clear
    }
}

/// Refusals the service raises itself, with the domain's messages.
enum HouseholdConditionRefusal {
    static var closed: Refusal { .unmet([HouseholdCondition.householdClosed.unmet]) }
}
