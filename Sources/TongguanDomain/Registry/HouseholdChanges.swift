import Foundation

/// The changes a household allows, as pure functions from one snapshot to the next. Each
/// either returns the household as it will be (the server writes the members that differ:
/// `membersChanged(since:)`) or throws a `Refusal` listing every unmet condition.
///
/// Rules, all aimed at "exactly one present head" and "nothing is ever deleted":
/// - A closed household accepts no change.
/// - A head is added only where there is none; a present head cannot stop being head by an
///   edit: the head hands over (`handingOver`: the others' relations restated, the former
///   head staying or leaving in the same step), or a new head is named while the old one
///   leaves (`leaving`).
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
        guard member(newHead) != nil else { throw Refusal.notFound }
        let formerHeads = presentHeads.filter { $0.id != newHead }
        var relations: [UUID: Relation] = [:]
        if let formerHeadRelation { for head in formerHeads { relations[head.id] = formerHeadRelation } }
        // No one leaves here, so no date is checked against today.
        return try handingOver(to: newHead, relations: relations, today: CivilDate(year: 2200, month: 12, day: 31)!)
    }

    /// The head hands over (户主变更): `newHead`, another present member, becomes 户主, and
    /// the relations of the others are restated relative to the new head (`relations`, by
    /// member; those not named keep theirs). The former head either stays, and then must be
    /// given a relation in `relations`, or leaves in the same step (`formerHeadDeparture`:
    /// death, moving out, marriage), and then is given none. Every unmet condition is
    /// listed at once; a household without a present head gets one without a former head.
    public func handingOver(
        to newHead: UUID, relations: [UUID: Relation], formerHeadDeparture: Departure? = nil, today: CivilDate
    ) throws(Refusal) -> HouseholdSnapshot {
        var unmet: [HouseholdCondition] = []
        if !isActive { unmet.append(.householdClosed) }
        let candidate = member(newHead)
        if candidate == nil || !candidate!.isPresent || candidate!.relation == .head { unmet.append(.newHeadInvalid) }
        let formerHeads = presentHeads.filter { $0.id != newHead }
        let formerIDs = Set(formerHeads.map(\.id))
        for (id, relation) in relations.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            guard id != newHead, let m = member(id), m.isPresent else {
                unmet.append(.relationMemberInvalid)
                continue
            }
            if formerIDs.contains(id) {
                if formerHeadDeparture != nil { unmet.append(.leaverRelation) } else if relation == .head { unmet.append(.formerHeadRelationInvalid) }
            } else if relation == .head {
                unmet.append(.relationHeadInvalid)
            }
        }
        if let departure = formerHeadDeparture {
            if formerHeads.isEmpty { unmet.append(.formerHeadAbsent) }
            if departure.date > today { unmet.append(.dateInFuture) }
            if formerHeads.contains(where: { departure.date < $0.birthDate }) { unmet.append(.dateBeforeBirth) }
        } else if formerHeads.contains(where: { relations[$0.id] == nil }) {
            unmet.append(.formerHeadRelationRequired)
        }
        guard unmet.isEmpty else { throw HouseholdCondition.refusal(unmet) }
        var next = self
        for (i, m) in next.members.enumerated() {
            if formerIDs.contains(m.id), let departure = formerHeadDeparture {
                next.members[i].departure = departure
            } else if let relation = relations[m.id] {
                next.members[i].relation = relation
            }
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
