import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 监测's share of the scope matrix: in each place a household with a head and three
/// members (one to change, one to leave, one to move), an empty household to close, a
/// household whose head hands over to the child (at the version it was made at), and in
/// 临县 a household to move members into. Households live in villages: the "city" target is
/// a village of 离石区, also outside 临县.
extension ScopeMatrixTests {
    static let villageOf: [Place: String] = [
        .sameCounty: RegistryFixture.linVillage, .otherCounty: RegistryFixture.xingVillage, .city: RegistryFixture.lishiVillage,
    ]
    static let addressOf: [Place: String] = [.sameCounty: "141124", .otherCounty: "141123", .city: "141102"]
    static let placeNumber: [Place: Int] = [.sameCounty: 0, .otherCounty: 1, .city: 2]

    /// A resident ID no fixture uses, from the fixture's fresh-name counter.
    static func freshResidentID(_ f: Fixture, _ place: Place) -> String {
        let n = Int(f.freshName().filter(\.isNumber)) ?? 0
        return RegistryFixture.id(5000 + n, address: addressOf[place]!)
    }

    static func registrySheet(_ f: Fixture, _ place: Place) -> String {
        let id = freshResidentID(f, place)
        return MemberSheet.header.joined(separator: ",") + "\n"
            + "导入户主,\(id),\(id),\(villageOf[place]!),户主,有,否,否,无,务农,是,,\n"
    }

    static let monitoring = Part(
        cases: [
            Case(
                method: .GET, path: "/api/v1/households", make: { _, place in ("/api/v1/households?division=\(addressOf[place]!)", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/households",
                make: { f, place in
                    ("/api/v1/households", ["division_code": villageOf[place]!, "head": RegistryFixture.head(freshResidentID(f, place))])
                },
                expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/households/:code", make: { f, place in ("/api/v1/households/\(f.id("household", place))", nil) },
                expected: readable),
            Case(
                method: .PATCH, path: "/api/v1/households/:code",
                make: { f, place in ("/api/v1/households/\(f.id("household", place))", ["address": "新住址"]) }, expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/households/:code/members",
                make: { f, place in
                    (
                        "/api/v1/households/\(f.id("household", place))/members",
                        RegistryFixture.member(freshResidentID(f, place), name: "新成员", relation: "other") as [String: any Sendable]
                    )
                },
                expected: editorsOnly(success: .created)),
            Case(
                method: .GET, path: "/api/v1/members/:id", make: { f, place in ("/api/v1/members/\(f.id("member", place))", nil) },
                expected: readable),
            Case(
                method: .PATCH, path: "/api/v1/members/:id",
                make: { f, place in ("/api/v1/members/\(f.id("member", place))", ["labour_capacity": "weak"]) }, expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/members/:id/reveal",
                make: { f, place in ("/api/v1/members/\(f.id("member", place))/reveal", ["reason": "核对身份"]) },
                expected: { role, place in !role.canRevealResidentIDs ? .forbidden : (place == .sameCounty ? .ok : .notFound) }),
            Case(
                method: .POST, path: "/api/v1/members/lookup",
                make: { f, place in ("/api/v1/members/lookup", ["resident_id": f.id("member-resident", place)]) }, expected: readable),
            Case(
                method: .POST, path: "/api/v1/members/:id/leave",
                make: { f, place in ("/api/v1/members/\(f.id("leaver", place))/leave", ["reason": "moved_out", "date": "2024-05-01"]) },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/members/:id/transfer",
                make: { f, place in
                    (
                        "/api/v1/members/\(f.id("mover", place))/transfer",
                        ["to_household_code": f.id("transferTarget", .sameCounty), "relation": "other"]
                    )
                },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/households/:code/close",
                make: { f, place in ("/api/v1/households/\(f.id("empty", place))/close", ["reason": "moved_out", "date": "2024-05-02"]) },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/households/:code/head",
                make: { f, place in
                    (
                        "/api/v1/households/\(f.id("handOver", place))/head",
                        [
                            "member_id": f.id("heir", place), "relations": [f.id("formerHead", place): "parent"] as [String: any Sendable],
                            "version": Int(f.id("handOverVersion", place)) ?? 0,
                        ]
                    )
                },
                expected: editorsOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/households/import",
                make: { f, place in ("/api/v1/households/import", ["__raw": registrySheet(f, place)]) },
                expected: editorsOnly(success: .ok, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/households/quality",
                make: { _, place in ("/api/v1/households/quality?division=\(addressOf[place]!)", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .GET, path: "/api/v1/households/export",
                make: { _, place in ("/api/v1/households/export?division=\(addressOf[place]!)", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/households/export",
                make: { _, place in ("/api/v1/households/export?division=\(addressOf[place]!)", ["reason": "迁移数据"]) },
                expected: { role, _ in role == .admin ? .ok : .forbidden }),
        ],
        setUp: { t, fixture in
            try await RegistryFixture.addVillages(t)
            let ring = try t.app.registryKeys
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            let today = RegistryFinder.today()
            func fields(_ n: Int, _ place: Place, _ relation: TongguanDomain.Relation) throws -> RegistryForms.MemberFields {
                try RegistryForms.member(
                    .init(
                        name: "成员\(n)", residentID: RegistryFixture.id(n, address: addressOf[place]!), relation: relation.rawValue,
                        labourCapacity: "full", disability: false, chronicIllness: false, schoolStage: "none", workStatus: "farming",
                        basicMedicalInsurance: true), today: today)
            }
            for place in Place.allCases {
                let base = 100 + placeNumber[place]! * 20
                let village = try RegistryForms.household(divisionCode: villageOf[place]!, address: nil, phone: nil)
                let household = try await RegistryService.createHousehold(
                    village, head: try fields(base, place, .head), ring: ring, actor: actor, on: t.db)
                fixture.ids["household", default: [:]][place] = household.code
                for (kind, offset) in [("member", 1), ("leaver", 2), ("mover", 3)] {
                    let member = try await RegistryService.addMember(
                        household, try fields(base + offset, place, .child), ring: ring, actor: actor, on: t.db)
                    fixture.ids[kind, default: [:]][place] = member.id!.uuidString
                }
                fixture.ids["member-resident", default: [:]][place] = RegistryFixture.id(base + 1, address: addressOf[place]!)
                let empty = try await RegistryService.createHousehold(
                    village, head: try fields(base + 4, place, .head), ring: ring, actor: actor, on: t.db)
                let head = try await RegistryFinder.members(of: empty, on: t.db)[0]
                try await RegistryService.leave(
                    head, in: empty, Departure(reason: .movedOut, date: CivilDate(iso: "2024-04-01")!), newHead: nil, actor: actor, on: t.db)
                fixture.ids["empty", default: [:]][place] = empty.code
                let handOver = try await RegistryService.createHousehold(
                    village, head: try fields(base + 5, place, .head), ring: ring, actor: actor, on: t.db)
                let heir = try await RegistryService.addMember(handOver, try fields(base + 6, place, .child), ring: ring, actor: actor, on: t.db)
                fixture.ids["handOver", default: [:]][place] = handOver.code
                fixture.ids["heir", default: [:]][place] = heir.id!.uuidString
                fixture.ids["formerHead", default: [:]][place] = try await RegistryFinder.members(of: handOver, on: t.db).first {
                    $0.relation == "head"
                }!.id!.uuidString
                fixture.ids["handOverVersion", default: [:]][place] = String(handOver.version)
            }
            let target = try await RegistryService.createHousehold(
                try RegistryForms.household(divisionCode: RegistryFixture.linVillage2, address: nil, phone: nil),
                head: try fields(190, .sameCounty, .head), ring: ring, actor: actor, on: t.db)
            fixture.ids["transferTarget", default: [:]][.sameCounty] = target.code
        })
}
