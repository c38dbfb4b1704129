import Foundation
import Testing

@testable import TongguanDomain

@Suite("HouseholdQuality")
struct HouseholdQualityTests {
    let today = Fixture.date("2024-06-15")

    func checks(_ household: HouseholdSnapshot) -> [QualityCheck] {
        HouseholdQuality.findings(household, today: today).map(\.check)
    }

    @Test("a consistent household has no finding")
    func clean() {
        let household = Fixture.household([
            Fixture.member(.head, born: "1970-01-01"),
            Fixture.member(.child, born: "2010-01-01", school: .compulsory),
            Fixture.member(.grandchild, born: "2022-01-01"),
        ])
        #expect(HouseholdQuality.findings(household, today: today).isEmpty)
    }

    @Test("no_head: present members without a present head; several_heads")
    func heads() {
        let spouse = Fixture.member(.spouse, born: "1970-01-01")
        let formerHead = Fixture.member(.head, born: "1960-01-01", departure: Departure(reason: .death, date: today))
        let household = Fixture.household([formerHead, spouse])
        #expect(HouseholdQuality.findings(household, today: today) == [QualityFinding(check: .noHead, householdCode: household.code)])
        let two = Fixture.household([Fixture.member(.head, born: "1970-01-01"), Fixture.member(.head, born: "1971-01-01")])
        #expect(checks(two) == [.severalHeads])
    }

    @Test("empty_household: an active household with nobody present; closed households are not checked")
    func empty() {
        let gone = Departure(reason: .death, date: today)
        let empty = Fixture.household([Fixture.member(.head, born: "1930-01-01", departure: gone)])
        #expect(HouseholdQuality.findings(empty, today: today) == [QualityFinding(check: .emptyHousehold, householdCode: empty.code)])
        #expect(checks(Fixture.household([])) == [.emptyHousehold])
        var closed = empty
        closed.closure = HouseholdClosure(reason: .allDeceased, date: today)
        #expect(checks(closed).isEmpty)
        // Stored data that breaks the rules is still not a quality finding once closed.
        let closedWithMember = Fixture.household(
            [Fixture.member(.spouse, born: "1900-01-01")], closure: HouseholdClosure(reason: .other, date: today))
        #expect(checks(closedWithMember).isEmpty)
    }

    @Test(
        "child_older_than_head: a present 子女 born before the head; the same day is not older",
        arguments: [("1969-12-31", true), ("1970-01-01", false), ("1970-01-02", false), ("1950-06-01", true)])
    func childOlder(_ born: String, _ flagged: Bool) {
        let child = Fixture.member(.child, born: born, school: .none)
        let household = Fixture.household([Fixture.member(.head, born: "1970-01-01"), child])
        let expected = flagged ? [QualityFinding(check: .childOlderThanHead, householdCode: household.code, memberID: child.id)] : []
        #expect(HouseholdQuality.findings(household, today: today) == expected)
    }

    @Test("child_older_than_head looks at 子女 only, present only")
    func childOnly() {
        let head = Fixture.member(.head, born: "1970-01-01")
        for relation in Relation.allCases where relation != .child && relation != .head {
            #expect(checks(Fixture.household([head, Fixture.member(relation, born: "1940-01-01")])).isEmpty)
        }
        let leftChild = Fixture.member(.child, born: "1940-01-01", departure: Departure(reason: .death, date: today))
        #expect(checks(Fixture.household([head, leftChild])).isEmpty)
        // Without a head there is nothing to compare with (no_head is reported instead).
        #expect(checks(Fixture.household([Fixture.member(.child, born: "1940-01-01")])) == [.noHead])
        // With several heads, only a child older than all of them is flagged.
        let heads = [head, Fixture.member(.head, born: "1960-01-01")]
        #expect(checks(Fixture.household(heads + [Fixture.member(.child, born: "1965-01-01")])) == [.severalHeads])
        #expect(checks(Fixture.household(heads + [Fixture.member(.child, born: "1959-01-01")])) == [.severalHeads, .childOlderThanHead])
    }

    @Test(
        "over_110: older than 110 whole years on today's date",
        arguments: [
            ("1913-06-14", true), ("1913-06-15", true),  // 111
            ("1913-06-16", false), ("1914-06-15", false),  // 110
            ("1900-01-01", true), ("1950-01-01", false),
        ])
    func over110(_ born: String, _ flagged: Bool) {
        let member = Fixture.member(.parent, born: born)
        let household = Fixture.household([Fixture.member(.head, born: "1950-01-01"), member])
        let expected = flagged ? [QualityFinding(check: .over110, householdCode: household.code, memberID: member.id)] : []
        #expect(HouseholdQuality.findings(household, today: today) == expected)
    }

    @Test(
        "school_stage_mismatch: aged 6 to 15 on today's date and recorded as not at school",
        arguments: [
            ("2018-06-16", false),  // 5 until tomorrow
            ("2018-06-15", true),  // 6 today
            ("2012-01-01", true),
            ("2008-06-16", true),  // 15 until tomorrow
            ("2008-06-15", false),  // 16 today
        ])
    func schoolStage(_ born: String, _ flagged: Bool) {
        let head = Fixture.member(.head, born: "1980-01-01")
        let child = Fixture.member(.child, born: born, school: .none)
        let household = Fixture.household([head, child])
        let expected = flagged ? [QualityFinding(check: .schoolStageMismatch, householdCode: household.code, memberID: child.id)] : []
        #expect(HouseholdQuality.findings(household, today: today) == expected)
        for stage in SchoolStage.allCases where stage != .none {
            var atSchool = child
            atSchool.schoolStage = stage
            #expect(HouseholdQuality.findings(Fixture.household([head, atSchool]), today: today).isEmpty)
        }
    }

    @Test("one member can have several findings; households in a sequence are all checked")
    func many() {
        let head = Fixture.member(.head, born: "1990-01-01")
        let odd = Fixture.member(.child, born: "1900-01-01")
        let a = Fixture.household([head, odd], sequence: 1)
        let b = Fixture.household([], sequence: 2)
        let findings = HouseholdQuality.findings([a, b].lazy, today: today)
        #expect(
            findings == [
                QualityFinding(check: .childOlderThanHead, householdCode: a.code, memberID: odd.id),
                QualityFinding(check: .over110, householdCode: a.code, memberID: odd.id),
                QualityFinding(check: .emptyHousehold, householdCode: b.code),
            ])
    }

    @Test("check codes, labels and messages; findings encode in snake_case")
    func vocabulary() throws {
        #expect(
            QualityCheck.allCases.map(\.rawValue) == [
                "no_head", "several_heads", "child_older_than_head", "over_110",
                "empty_household", "school_stage_mismatch",
            ])
        #expect(Set(QualityCheck.allCases.map(\.label)).count == QualityCheck.allCases.count)
        #expect(Set(QualityCheck.allCases.map(\.message)).count == QualityCheck.allCases.count)
        let finding = QualityFinding(
            check: .over110, householdCode: Fixture.code(9), memberID: UUID(uuidString: "00000000-0000-0000-0000-000000000001"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(finding), as: UTF8.self)
        #expect(json == #"{"check":"over_110","household_code":"\#(Fixture.code(9).rawValue)","member_id":"00000000-0000-0000-0000-000000000001"}"#)
        #expect(try JSONDecoder().decode(QualityFinding.self, from: Data(json.utf8)) == finding)
    }
}
