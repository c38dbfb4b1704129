import Foundation
import Testing

@testable import TongguanDomain

/// The refusal a change throws, or nil (with an issue recorded) when it did not throw.
func refusal<T>(_ body: () throws(Refusal) -> T) -> Refusal? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// The condition codes of a `preconditionUnmet` refusal, in order.
func unmet<T>(_ body: () throws(Refusal) -> T) -> [String] {
    guard let refusal = refusal(body) else { return ["(no refusal)"] }
    #expect(refusal.kind == .preconditionUnmet)
    #expect(refusal.message.hasPrefix("条件未满足"))
    return refusal.conditions.map(\.code)
}

@Suite("Household changes")
struct HouseholdChangesTests {
    let today = Fixture.date("2024-06-15")
    let head = Fixture.member(.head, born: "1970-01-01")
    let spouse = Fixture.member(.spouse, born: "1972-05-05")
    let child = Fixture.member(.child, born: "2000-09-09", school: .college)
    var family: HouseholdSnapshot { Fixture.household([head, spouse, child]) }
    var gone: Departure { Departure(reason: .death, date: Fixture.date("2024-01-01")) }

    // MARK: Opening

    @Test("a new household needs a village and exactly one present head")
    func opening() throws {
        let opened = try HouseholdSnapshot.opening(code: Fixture.code(1), divisionCode: Fixture.village, members: [head, spouse])
        #expect(opened.members == [head, spouse])
        #expect(opened.status == .active)
        #expect(opened.head == head)
        #expect(opened.ruleViolations.isEmpty)
        #expect(
            unmet { () throws(Refusal) in try HouseholdSnapshot.opening(code: Fixture.code(1), divisionCode: Fixture.village, members: []) } == [
                "no_head"
            ])
        #expect(
            unmet { () throws(Refusal) in try HouseholdSnapshot.opening(code: Fixture.code(1), divisionCode: Fixture.village, members: [spouse]) }
                == ["no_head"])
        let second = Fixture.member(.head, born: "1980-01-01")
        #expect(
            unmet { () throws(Refusal) in
                try HouseholdSnapshot.opening(code: Fixture.code(1), divisionCode: Fixture.village, members: [head, second])
            } == ["several_heads"])
    }

    @Test("opening lists every unmet condition at once")
    func openingAll() {
        var left = spouse
        left.departure = gone
        let codes = unmet { () throws(Refusal) in
            try HouseholdSnapshot.opening(code: Fixture.code(1), divisionCode: DivisionCode("141124")!, members: [left, left])
        }
        #expect(codes == ["not_a_village", "member_not_present", "no_head", "member_exists"])
    }

    // MARK: Adding

    @Test("a present member joins; a head only where there is none")
    func adding() throws {
        let grandchild = Fixture.member(.grandchild, born: "2020-02-02")
        let added = try family.adding(grandchild)
        #expect(added.members.last == grandchild)
        #expect(added.presentMembers.count == 4)
        #expect(unmet { () throws(Refusal) in try family.adding(Fixture.member(.head, born: "1990-01-01")) } == ["head_exists"])
        var orphaned = Fixture.household([head])
        orphaned.members[0].departure = gone
        #expect(try orphaned.adding(Fixture.member(.head, born: "1990-01-01")).head != nil)
    }

    @Test("adding refuses a closed household, a member already there and a member who left")
    func addingRefused() {
        let closed = Fixture.household([], closure: HouseholdClosure(reason: .other, date: today))
        #expect(unmet { () throws(Refusal) in try closed.adding(Fixture.member(.head, born: "1990-01-01")) } == ["household_closed"])
        #expect(unmet { () throws(Refusal) in try family.adding(spouse) } == ["member_exists"])
        let left = Fixture.member(.other, born: "1990-01-01", departure: gone)
        #expect(unmet { () throws(Refusal) in try family.adding(left) } == ["member_not_present"])
    }

    // MARK: Updating

    @Test("a present member's facts change; leaving and the head's relation do not go through updates")
    func updating() throws {
        var older = child
        older.schoolStage = .none
        older.workStatus = .migrant
        older.relation = .other
        let updated = try family.updating(older)
        #expect(updated.member(child.id) == older)
        #expect(updated.membersChanged(since: family) == [older])

        var leaving = child
        leaving.departure = gone
        #expect(unmet { () throws(Refusal) in try family.updating(leaving) } == ["departure_via_leave"])
        var demoted = head
        demoted.relation = .spouse
        #expect(unmet { () throws(Refusal) in try family.updating(demoted) } == ["head_relation_change"])
        var promoted = spouse
        promoted.relation = .head
        #expect(unmet { () throws(Refusal) in try family.updating(promoted) } == ["head_exists"])
        #expect(refusal { () throws(Refusal) in try family.updating(Fixture.member(.child, born: "2001-01-01")) } == .notFound)
    }

    @Test("updating refuses members who left and closed households; a headless household may name one")
    func updatingRefused() throws {
        let after = try family.leaving(child.id, gone, today: today)
        var changed = try #require(after.member(child.id))
        changed.schoolStage = .none
        #expect(unmet { () throws(Refusal) in try after.updating(changed) } == ["member_not_present"])
        var headless = Fixture.household([spouse, child])
        var promoted = spouse
        promoted.relation = .head
        headless = try headless.updating(promoted)
        #expect(headless.head == promoted)
        let closed = Fixture.household(
            [Fixture.member(.head, born: "1950-01-01", departure: gone)], closure: HouseholdClosure(reason: .allDeceased, date: today))
        var ghost = closed.members[0]
        ghost.disability = true
        #expect(unmet { () throws(Refusal) in try closed.updating(ghost) } == ["household_closed", "member_not_present"])
    }

    // MARK: Leaving

    @Test("a member leaves with a reason and date; the record stays")
    func leaving() throws {
        let departure = Departure(reason: .marriage, date: today)
        let after = try family.leaving(child.id, departure, today: today)
        #expect(after.members.count == 3)
        #expect(after.member(child.id)?.departure == departure)
        #expect(after.member(child.id)?.status == .left)
        #expect(after.presentMembers.map(\.id) == [head.id, spouse.id])
        #expect(after.membersChanged(since: family).map(\.id) == [child.id])
        #expect(after.ruleViolations.isEmpty)
    }

    @Test("the head leaving others behind names a new head among them")
    func headLeaves() throws {
        #expect(unmet { () throws(Refusal) in try family.leaving(head.id, gone, today: today) } == ["new_head_required"])
        for invalid in [head.id, UUID()] {
            #expect(unmet { () throws(Refusal) in try family.leaving(head.id, gone, newHead: invalid, today: today) } == ["new_head_invalid"])
        }
        let withoutChild = try family.leaving(child.id, gone, today: today)
        #expect(unmet { () throws(Refusal) in try withoutChild.leaving(head.id, gone, newHead: child.id, today: today) } == ["new_head_invalid"])
        let after = try family.leaving(head.id, gone, newHead: spouse.id, today: today)
        #expect(after.head?.id == spouse.id)
        #expect(after.member(head.id)?.departure == gone)
        #expect(after.member(head.id)?.relation == .head)  // the record keeps what they were
        #expect(after.member(child.id)?.relation == .child)  // left for staff to review
        #expect(Set(after.membersChanged(since: family).map(\.id)) == [head.id, spouse.id])
        #expect(after.ruleViolations.isEmpty)
    }

    @Test("a new head is named only when the head leaves; the last member may leave")
    func lastMember() throws {
        #expect(unmet { () throws(Refusal) in try family.leaving(child.id, gone, newHead: spouse.id, today: today) } == ["new_head_unexpected"])
        let alone = Fixture.household([head])
        let empty = try alone.leaving(head.id, gone, today: today)
        #expect(empty.presentMembers.isEmpty)
        #expect(empty.status == .active)
        #expect(empty.ruleViolations.isEmpty)
        #expect(unmet { () throws(Refusal) in try alone.leaving(head.id, gone, newHead: head.id, today: today) } == ["new_head_unexpected"])
    }

    @Test("leave dates: not after today, not before birth; the boundaries are allowed")
    func leaveDates() throws {
        let tomorrow = Departure(reason: .movedOut, date: today.adding(days: 1))
        #expect(unmet { () throws(Refusal) in try family.leaving(child.id, tomorrow, today: today) } == ["date_in_future"])
        let beforeBirth = Departure(reason: .other, date: child.birthDate.adding(days: -1))
        #expect(unmet { () throws(Refusal) in try family.leaving(child.id, beforeBirth, today: today) } == ["date_before_birth"])
        #expect(try family.leaving(child.id, Departure(reason: .death, date: child.birthDate), today: today).member(child.id)?.status == .left)
        #expect(try family.leaving(child.id, Departure(reason: .death, date: today), today: today).member(child.id)?.status == .left)
    }

    @Test("leaving refuses a member who already left, an unknown member and a closed household")
    func leavingRefused() throws {
        let after = try family.leaving(child.id, gone, today: today)
        #expect(unmet { () throws(Refusal) in try after.leaving(child.id, gone, today: today) } == ["member_not_present"])
        #expect(refusal { () throws(Refusal) in try family.leaving(UUID(), gone, today: today) } == .notFound)
        let closed = Fixture.household(
            [Fixture.member(.head, born: "1950-01-01", departure: gone)], closure: HouseholdClosure(reason: .allDeceased, date: today))
        #expect(
            unmet { () throws(Refusal) in try closed.leaving(closed.members[0].id, gone, today: today) } == [
                "household_closed", "member_not_present",
            ])
    }

    // MARK: Changing head

    @Test("changing head: the new head becomes 户主, the former takes the given relation")
    func changingHead() throws {
        let after = try family.changingHead(to: spouse.id, formerHeadRelation: .spouse)
        #expect(after.head?.id == spouse.id)
        #expect(after.member(head.id)?.relation == .spouse)
        #expect(after.ruleViolations.isEmpty)
        #expect(unmet { () throws(Refusal) in try family.changingHead(to: spouse.id, formerHeadRelation: nil) } == ["former_head_relation_required"])
        #expect(unmet { () throws(Refusal) in try family.changingHead(to: spouse.id, formerHeadRelation: .head) } == ["former_head_relation_invalid"])
        #expect(unmet { () throws(Refusal) in try family.changingHead(to: head.id, formerHeadRelation: .spouse) } == ["new_head_invalid"])
        let childLeft = try family.leaving(child.id, gone, today: today)
        #expect(unmet { () throws(Refusal) in try childLeft.changingHead(to: child.id, formerHeadRelation: .parent) } == ["new_head_invalid"])
        #expect(refusal { () throws(Refusal) in try family.changingHead(to: UUID(), formerHeadRelation: .spouse) } == .notFound)
    }

    @Test("handing over: the new head becomes 户主, the others' relations are restated, those not named keep theirs")
    func handingOver() throws {
        let grandchild = Fixture.member(.grandchild, born: "2020-02-02")
        let home = Fixture.household([head, spouse, child, grandchild])
        let after = try home.handingOver(to: spouse.id, relations: [head.id: .spouse, child.id: .child], today: today)
        #expect(after.head?.id == spouse.id)
        #expect(after.member(head.id)?.relation == .spouse && after.member(head.id)?.isPresent == true)
        #expect(after.member(child.id)?.relation == .child)
        #expect(after.member(grandchild.id)?.relation == .grandchild)
        #expect(after.ruleViolations.isEmpty)
        #expect(Set(after.membersChanged(since: home).map(\.id)) == [head.id, spouse.id])
        // The son takes over from his father: his mother becomes 父母, his child stays 子女... as restated.
        let son = try home.handingOver(to: child.id, relations: [head.id: .parent, spouse.id: .parent, grandchild.id: .child], today: today)
        #expect(son.head?.id == child.id && son.member(spouse.id)?.relation == .parent && son.member(grandchild.id)?.relation == .child)
    }

    @Test("handing over while the former head leaves (死亡、迁出、婚嫁) in the same step")
    func handingOverWhileTheHeadLeaves() throws {
        let died = Departure(reason: .death, date: Fixture.date("2024-06-01"))
        let after = try family.handingOver(to: spouse.id, relations: [child.id: .child], formerHeadDeparture: died, today: today)
        #expect(after.head?.id == spouse.id)
        #expect(after.member(head.id)?.status == .left && after.member(head.id)?.departure == died)
        #expect(after.member(head.id)?.relation == .head)
        #expect(after.presentHeads.map(\.id) == [spouse.id])
        #expect(after.ruleViolations.isEmpty)
    }

    @Test("handing over lists every unmet condition at once")
    func handingOverRefused() throws {
        let stranger = UUID()
        let three = unmet { () throws(Refusal) in
            try family.handingOver(to: head.id, relations: [stranger: .other, child.id: .head], today: today)
        }
        #expect(three.first == "new_head_invalid" && Set(three) == ["new_head_invalid", "relation_member_invalid", "relation_head_invalid"])
        #expect(
            unmet { () throws(Refusal) in try family.handingOver(to: stranger, relations: [:], today: today) } == [
                "new_head_invalid", "former_head_relation_required",
            ])
        #expect(
            unmet { () throws(Refusal) in try family.handingOver(to: spouse.id, relations: [:], today: today) } == ["former_head_relation_required"])
        #expect(
            Set(unmet { () throws(Refusal) in try family.handingOver(to: spouse.id, relations: [head.id: .head, spouse.id: .spouse], today: today) })
                == ["former_head_relation_invalid", "relation_member_invalid"])
        let future = Departure(reason: .movedOut, date: Fixture.date("2024-07-01"))
        #expect(
            unmet { () throws(Refusal) in
                try family.handingOver(to: spouse.id, relations: [head.id: .spouse], formerHeadDeparture: future, today: today)
            } == ["leaver_relation", "date_in_future"])
        let early = Departure(reason: .marriage, date: Fixture.date("1960-01-01"))
        #expect(
            unmet { () throws(Refusal) in try family.handingOver(to: spouse.id, relations: [:], formerHeadDeparture: early, today: today) } == [
                "date_before_birth"
            ])
        let headless = Fixture.household([spouse, child])
        #expect(
            unmet { () throws(Refusal) in try headless.handingOver(to: spouse.id, relations: [:], formerHeadDeparture: gone, today: today) } == [
                "former_head_absent"
            ])
        let left = try family.leaving(child.id, gone, today: today)
        #expect(
            unmet { () throws(Refusal) in try left.handingOver(to: child.id, relations: [head.id: .parent], today: today) } == ["new_head_invalid"])
        #expect(
            unmet { () throws(Refusal) in try left.handingOver(to: spouse.id, relations: [head.id: .spouse, child.id: .child], today: today) } == [
                "relation_member_invalid"
            ])
        let closed = Fixture.household(
            [Fixture.member(.head, born: "1950-01-01", departure: gone)], closure: HouseholdClosure(reason: .allDeceased, date: today))
        #expect(
            unmet { () throws(Refusal) in try closed.handingOver(to: closed.members[0].id, relations: [:], today: today) } == [
                "household_closed", "new_head_invalid",
            ])
    }

    @Test("a household without a head gets one without naming a former head's relation")
    func headlessGetsHead() throws {
        let headless = Fixture.household([spouse, child])
        #expect(headless.ruleViolations == [.noHead])
        let fixed = try headless.changingHead(to: spouse.id, formerHeadRelation: nil)
        #expect(fixed.head?.id == spouse.id)
        #expect(fixed.ruleViolations.isEmpty)
    }

    // MARK: Closing and relocating

    @Test("a household closes only when no member is present, on a day not after today")
    func closing() throws {
        let closure = HouseholdClosure(reason: .allDeceased, date: today)
        #expect(unmet { () throws(Refusal) in try family.closing(closure, today: today) } == ["members_present"])
        let empty = try Fixture.household([head]).leaving(head.id, gone, today: today)
        let closed = try empty.closing(closure, today: today)
        #expect(closed.status == .closed)
        #expect(closed.closure == closure)
        #expect(closed.members.count == 1)  // nothing is deleted
        #expect(closed.ruleViolations.isEmpty)
        #expect(unmet { () throws(Refusal) in try closed.closing(closure, today: today) } == ["household_closed"])
        let tomorrow = HouseholdClosure(reason: .merged, date: today.adding(days: 1))
        #expect(unmet { () throws(Refusal) in try empty.closing(tomorrow, today: today) } == ["date_in_future"])
        #expect(unmet { () throws(Refusal) in try family.closing(tomorrow, today: today) } == ["members_present", "date_in_future"])
    }

    @Test("a household moves village and keeps its code")
    func relocating() throws {
        let moved = try family.relocating(to: Fixture.otherVillage)
        #expect(moved.divisionCode == Fixture.otherVillage)
        #expect(moved.code == family.code)
        #expect(moved.code.village == Fixture.village)
        #expect(unmet { () throws(Refusal) in try family.relocating(to: DivisionCode("141124100")!) } == ["not_a_village"])
        let closed = Fixture.household([], closure: HouseholdClosure(reason: .movedOut, date: today))
        #expect(unmet { () throws(Refusal) in try closed.relocating(to: DivisionCode("141124")!) } == ["household_closed", "not_a_village"])
    }

    // MARK: Rule violations of stored data

    @Test("ruleViolations reports what old or imported data may hold")
    func violations() {
        #expect(family.ruleViolations.isEmpty)
        #expect(Fixture.household([]).ruleViolations.isEmpty)
        #expect(Fixture.household([spouse]).ruleViolations == [.noHead])
        #expect(Fixture.household([head, Fixture.member(.head, born: "1971-01-01")]).ruleViolations == [.severalHeads])
        let closedWithMembers = Fixture.household([head], closure: HouseholdClosure(reason: .other, date: today))
        #expect(closedWithMembers.ruleViolations == [.membersPresent])
        var county = family
        county.divisionCode = DivisionCode("141124")!
        #expect(county.ruleViolations == [.notAVillage])
    }

    @Test("every condition has a distinct code and a Chinese message without personal data")
    func conditionMessages() {
        let all = HouseholdCondition.allCases
        #expect(Set(all.map(\.rawValue)).count == all.count)
        #expect(Set(all.map(\.message)).count == all.count)
        for c in all {
            #expect(c.unmet == UnmetCondition(code: c.rawValue, message: c.message))
            #expect(c.message.unicodeScalars.contains { $0.value >= 0x4E00 })
            #expect(!c.message.contains { $0.isASCII && $0.isNumber } || c == .notAVillage)
        }
    }

    @Test("an ID already present elsewhere is a conflict naming that household's code")
    func residentElsewhere() {
        let code = Fixture.code(77)
        let refused = Refusal.residentElsewhere(code)
        #expect(refused.kind == .conflict)
        #expect(refused.message.contains(code.rawValue))
        #expect(refused.message.contains("转移"))
    }
}
