import Foundation

/// The changes a household allows, as pure functions from one snapshot to the next. Each
/// either returns the household as it will be (the server writes the members that differ:
/// `membersChanged(since:)`) or throws a `Refusal` listing every unmet condition.
///
/// Rules, all aimed at "exactly one present head" and "nothing is ever deleted":
/// - A closed household accepts no change.
/// - A head is added only where there is none; a present head cannot stop being head by an
///   edit: a new head is named (`changingHead`), or named while the old one leaves.
/// - When the head leaves (or is transferred out) and others remain, a new head from among
///   them is named at the same time; the new head's relation becomes 户主 and the others'
///   relations stay as recorded, for staff to review.
/// - The last present member may leave; the household is then empty (a quality finding)
///   until it is closed, which needs no present member left.
/// - Leave and close dates are not after today, and a member does not leave before birth.
extension HouseholdSnapshot {
    /// A new household: a village, at least one member, all present, exactly one head.
    public static func opening(
        code: HouseholdCode, divisionCode: DivisionCode,
        members: [MemberSnapshot]
    ) throws(Refusal) -> HouseholdSnapshot {
        var unmet: [HouseholdCondition] = []
        if divisionCode.level != .village { unmet.append(.notAVillage) }
        if members.contains(where: { !$0.isPresent }) { unmet.append(.memberNotPresent) }
        let heads = members.filter { $0.relation == .head }.count
        if heads == 0 { unmet.append(.noHead) }
        if heads > 1 { unmet.append(.severalHeads) }
        if Set(members.map(\.id)).count != members.count { unmet.append(.memberExists) }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        return HouseholdSnapshot(code: code, divisionCode: divisionCode, members: members)
    }

    /// A new present member; a head only where the household has none.
    public func adding(_ member: MemberSnapshot) throws(Refusal) -> HouseholdSnapshot {
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        if self.member(member.id) != nil { unmet.append(.memberExists) }
        if !member.isPresent { unmet.append(.memberNotPresent) }
        if member.relation == .head && !presentHeads.isEmpty { unmet.append(.headExists) }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        next.members.append(member)
        return next
    }

    /// A present member's facts corrected or brought up to date (relation, birth date after
    /// an ID correction, labour capacity, schooling, work, insurance). Leaving goes through
    /// `leaving`, and the head's relation through `changingHead`.
    public func updating(_ member: MemberSnapshot) throws(Refusal) -> HouseholdSnapshot {
        guard let index = members.firstIndex(where: { $0.id == member.id }) else { throw Refusal.notFound }
        let current = members[index]
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        if !current.isPresent { unmet.append(.memberNotPresent) }
        if member.departure != current.departure { unmet.append(.departureViaLeave) }
        if current.relation == .head && member.relation != .head { unmet.append(.headRelationChange) }
        if current.relation != .head && member.relation == .head && !presentHeads.isEmpty { unmet.append(.headExists) }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        next.members[index] = member
        return next
    }

    /// A member leaves (death, moving out, marriage, other). When the head leaves and
    /// others remain, `newHead` names who takes over.
    public func leaving(
        _ memberID: UUID, _ departure: Departure, newHead: UUID? = nil,
        today: CivilDate
    ) throws(Refusal) -> HouseholdSnapshot {
        guard let index = members.firstIndex(where: { $0.id == memberID }) else { throw Refusal.notFound }
        let leaver = members[index]
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        if !leaver.isPresent { unmet.append(.memberNotPresent) }
        if departure.date > today { unmet.append(.dateInFuture) }
        if departure.date < leaver.birthDate { unmet.append(.dateBeforeBirth) }
        unmet += successionProblems(removing: leaver, newHead: newHead)
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        next.members[index].departure = departure
        next.promote(newHead)
        return next
    }

    /// Another present member becomes head. The former head, if there is one present,
    /// takes `formerHeadRelation` (to the new head); a household without a head (a data
    /// problem) gets one without it.
    public func changingHead(to newHead: UUID, formerHeadRelation: Relation?) throws(Refusal) -> HouseholdSnapshot {
        guard let candidate = member(newHead) else { throw Refusal.notFound }
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        if !candidate.isPresent || candidate.relation == .head { unmet.append(.newHeadInvalid) }
        let formerHeads = presentHeads.filter { $0.id != newHead }
        if !formerHeads.isEmpty {
            if formerHeadRelation == nil { unmet.append(.formerHeadRelationRequired) }
            if formerHeadRelation == .head { unmet.append(.formerHeadRelationInvalid) }
        }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        for (i, m) in next.members.enumerated() where m.isPresentHead {
            next.members[i].relation = formerHeadRelation ?? .other
        }
        next.promote(newHead)
        return next
    }

    /// Closes the household; every member must have left or been transferred first.
    public func closing(_ closure: HouseholdClosure, today: CivilDate) throws(Refusal) -> HouseholdSnapshot {
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        if !presentMembers.isEmpty { unmet.append(.membersPresent) }
        if closure.date > today { unmet.append(.dateInFuture) }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        next.closure = closure
        return next
    }

    /// The household moves to another village and keeps its code.
    public func relocating(to village: DivisionCode) throws(Refusal) -> HouseholdSnapshot {
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        if village.level != .village { unmet.append(.notAVillage) }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        next.divisionCode = village
        return next
    }

    /// Members that are new or differ from `earlier` (the rows the server writes).
    public func membersChanged(since earlier: HouseholdSnapshot) -> [MemberSnapshot] {
        let before = Dictionary(earlier.members.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return members.filter { before[$0.id] != $0 }
    }

    /// What naming (or not naming) `newHead` breaks when `leaver` stops being present here.
    func successionProblems(removing leaver: MemberSnapshot, newHead: UUID?) -> [HouseholdCondition] {
        let remaining = presentMembers.filter { $0.id != leaver.id }
        guard leaver.isPresentHead, !remaining.isEmpty else {
            return newHead == nil ? [] : [.newHeadUnexpected]
        }
        guard let newHead else { return [.newHeadRequired] }
        return remaining.contains(where: { $0.id == newHead }) ? [] : [.newHeadInvalid]
    }

    private mutating func promote(_ id: UUID?) {
        guard let id, let i = members.firstIndex(where: { $0.id == id }) else { return }
        members[i].relation = .head
    }
}
