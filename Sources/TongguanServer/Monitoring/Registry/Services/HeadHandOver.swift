import Fluent
import Foundation
import TongguanDomain

/// 户主变更: the head hands over to another present member (after a death, a move, a
/// marriage, or simply by the family's choice), through the registry's one write path.
extension RegistryService {
    /// What the API and the household page send: the new head, the others' relations to the
    /// new head (by member; those not named keep theirs, the former head staying must be
    /// named), and, when the former head leaves in the same step, the departure.
    struct HeadHandOver: Sendable {
        var newHead: UUID
        var relations: [UUID: TongguanDomain.Relation]
        var formerHeadDeparture: Departure?
    }

    /// Checks the hand-over with the household rules (`HouseholdSnapshot.handingOver`), writes
    /// the members it changes and the household's new version in one transaction, and records
    /// `household.head_change` (member IDs, relations, the departure; no name, no resident ID).
    /// `household.version` must be the version the caller read (If-Match, or the form's): a
    /// change saved in between is refused as stale before anything is written.
    static func handOver(
        _ household: Household, _ change: HeadHandOver, actor: AuditActor, on db: any Database,
        today: CivilDate = RegistryFinder.today()
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            try await household.saveVersioned(on: tx)
            let members = try await RegistryFinder.members(of: household, on: tx)
            let before = RegistryFinder.snapshot(household, members)
            let after = try before.handingOver(
                to: change.newHead, relations: change.relations, formerHeadDeparture: change.formerHeadDeparture, today: today)
            let changed = after.membersChanged(since: before)
            try await write(changed, rows: members, on: tx)
            if change.formerHeadDeparture != nil { try await MonitoringSpans.refresh([household.id!], on: tx) }
            var diff = AuditDiff()
            for head in before.presentHeads { diff.created("former_head_id", head.id.uuidString) }
            diff.created("new_head_id", change.newHead.uuidString)
            for member in changed {
                guard let old = before.member(member.id) else { continue }
                diff.add("relation.\(member.id.uuidString)", before: old.relation.rawValue, after: member.relation.rawValue)
            }
            if let departure = change.formerHeadDeparture {
                diff.created("former_head_leave_reason", departure.reason.rawValue)
                diff.created("former_head_left_on", departure.date.description)
            }
            audit.record(
                "household.head_change", entityType: "household", entityID: household.code, divisionCode: household.divisionCode,
                changes: diff.changes)
        }
    }
}
