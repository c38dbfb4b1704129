import Foundation
import Testing

@testable import TongguanDomain

@Suite("MemberTransfer")
struct MemberTransferTests {
    let today = Fixture.date("2024-06-15")
    let head = Fixture.member(.head, born: "1970-01-01")
    let spouse = Fixture.member(.spouse, born: "1972-05-05")
    let child = Fixture.member(.child, born: "1998-09-09")
    let otherHead = Fixture.member(.head, born: "1997-03-03")
    var source: HouseholdSnapshot { Fixture.household([head, spouse, child], sequence: 1) }
    var target: HouseholdSnapshot { Fixture.household([otherHead], sequence: 2) }
    var newHousehold: HouseholdSnapshot { Fixture.household([], sequence: 3) }

    @Test("the same member record moves, with its relation to the new head")
    func moves() throws {
        let (from, to) = try MemberTransfer.apply(member: child.id, from: source, to: target, relation: .spouse)
        #expect(from.member(child.id) == nil)
        #expect(from.members.map(\.id) == [head.id, spouse.id])
        var moved = child
        moved.relation = .spouse
        #expect(to.members == [otherHead, moved])
        #expect(from.ruleViolations.isEmpty && to.ruleViolations.isEmpty)
    }

    @Test("分户: a member moves to a household just opened and heads it")
    func split() throws {
        let (from, to) = try MemberTransfer.apply(member: child.id, from: source, to: newHousehold, relation: .head)
        #expect(to.head?.id == child.id)
        #expect(from.presentMembers.count == 2)
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: child.id, from: source, to: newHousehold, relation: .child) } == [
                "target_needs_head"
            ])
    }

    @Test("the source's head moving out names a new head among those who stay")
    func headMoves() throws {
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: head.id, from: source, to: newHousehold, relation: .head) } == [
                "new_head_required"
            ])
        #expect(
            unmet { () throws(Refusal) in
                try MemberTransfer.apply(member: head.id, from: source, to: newHousehold, relation: .head, newSourceHead: head.id)
            } == ["new_head_invalid"])
        let (from, to) = try MemberTransfer.apply(member: head.id, from: source, to: newHousehold, relation: .head, newSourceHead: spouse.id)
        #expect(from.head?.id == spouse.id)
        #expect(to.head?.id == head.id)
        #expect(
            unmet { () throws(Refusal) in
                try MemberTransfer.apply(member: child.id, from: source, to: target, relation: .spouse, newSourceHead: spouse.id)
            } == ["new_head_unexpected"])
    }

    @Test("并户: the last member moves, the source is empty and can be closed")
    func merge() throws {
        let alone = Fixture.household([otherHead], sequence: 4)
        let (from, to) = try MemberTransfer.apply(member: otherHead.id, from: alone, to: source, relation: .child)
        #expect(from.members.isEmpty)
        #expect(to.presentMembers.count == 4)
        #expect(try from.closing(HouseholdClosure(reason: .merged, date: today), today: today).status == .closed)
    }

    @Test("a second head in the target is refused")
    func secondHead() {
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: child.id, from: source, to: target, relation: .head) } == ["head_exists"])
    }

    @Test("refused: same household, closed households, a member who left, one already in the target, unknown")
    func refused() throws {
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: child.id, from: source, to: source, relation: .child) } == [
                "same_household", "member_exists",
            ])
        let closed = Fixture.household([], sequence: 5, closure: HouseholdClosure(reason: .other, date: today))
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: child.id, from: source, to: closed, relation: .head) } == ["target_closed"]
        )
        let gone = Departure(reason: .movedOut, date: today)
        let left = try source.leaving(child.id, gone, today: today)
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: child.id, from: left, to: target, relation: .child) } == [
                "member_not_present"
            ])
        let closedSource = try Fixture.household([head], sequence: 6).leaving(head.id, gone, today: today)
            .closing(HouseholdClosure(reason: .movedOut, date: today), today: today)
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: head.id, from: closedSource, to: target, relation: .parent) } == [
                "household_closed", "member_not_present",
            ])
        var already = target
        already.members.append(child)
        #expect(
            unmet { () throws(Refusal) in try MemberTransfer.apply(member: child.id, from: source, to: already, relation: .spouse) } == [
                "member_exists"
            ])
        #expect(refusal { () throws(Refusal) in try MemberTransfer.apply(member: UUID(), from: source, to: target, relation: .child) } == .notFound)
    }
}
