import Foundation

/// Moving a person to another household (分户, 并户, marriage within the registry): the
/// same member record changes household, so a resident ID never has two present rows. The
/// server writes both households and one audit event naming both codes.
public enum MemberTransfer {
    /// `relation` is the member's relation to the target's head (户主 when they head it).
    /// When the member heads the source and others remain there, `newSourceHead` names the
    /// source's new head. The target may be a household just opened with no members: the
    /// transferred member then heads it.
    public static func apply(
        member memberID: UUID, from source: HouseholdSnapshot, to target: HouseholdSnapshot,
        relation: Relation, newSourceHead: UUID? = nil
    )
        throws(Refusal) -> (source: HouseholdSnapshot, target: HouseholdSnapshot)
    {
        guard let member = source.member(memberID) else { throw Refusal.notFound }
        var unmet: [HouseholdCondition] = []
        if source.code == target.code { unmet.append(.sameHousehold) }
        if !source.isActive { unmet.append(.householdClosed) }
        if !target.isActive { unmet.append(.targetClosed) }
        if !member.isPresent { unmet.append(.memberNotPresent) }
        if target.member(memberID) != nil { unmet.append(.memberExists) }
        unmet += source.successionProblems(removing: member, newHead: newSourceHead)
        let targetHasHead = !target.presentHeads.isEmpty
        if relation == .head && targetHasHead { unmet.append(.headExists) }
        if relation != .head && !targetHasHead { unmet.append(.targetNeedsHead) }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }

        var from = source
        from.members.removeAll { $0.id == memberID }
        if let newSourceHead, let i = from.members.firstIndex(where: { $0.id == newSourceHead }) {
            from.members[i].relation = .head
        }
        var to = target
        var moved = member
        moved.relation = relation
        to.members.append(moved)
        return (from, to)
    }
}
