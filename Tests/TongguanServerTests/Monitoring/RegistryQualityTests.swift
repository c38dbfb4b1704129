import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The data-quality checks over the API and the page, and the demo households.
@Suite struct RegistryQualityTests {
    typealias F = RegistryFixture

    func items(_ answer: [String: Any], _ check: String) -> [[String: Any]] {
        let checks = answer["checks"] as? [[String: Any]] ?? []
        return checks.first { $0["check"] as? String == check }?["items"] as? [[String: Any]] ?? []
    }

    func count(_ answer: [String: Any], _ check: String) -> Int? {
        let checks = answer["checks"] as? [[String: Any]] ?? []
        return checks.first { $0["check"] as? String == check }?["count"] as? Int
    }

    @Test func eachCheckFindsItsHouseholdAndNoOther() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let clean = try await F.household(t, token: admin, headID: F.id(1, born: 1970), members: [F.member(F.id(2, born: 1995), name: "成年子女")])
            let olderChild = try await F.household(
                t, token: admin, headID: F.id(3, born: 1980), members: [F.member(F.id(4, born: 1960), name: "年长子女")])
            let schoolAge = try await F.household(
                t, token: admin, headID: F.id(5, born: 1985), members: [F.member(F.residentID("141124", "20150601", 6), name: "学龄儿童")])
            let old = try await F.household(t, token: admin, headID: F.residentID("141124", "19100101", 7))
            let empty = try await F.household(t, token: admin, headID: F.id(8, born: 1950))
            let emptyHead = (empty["members"] as! [[String: Any]])[0]["id"] as! String
            let left = try await t.request(
                .POST, "/api/v1/members/\(emptyHead)/leave", token: admin, json: ["reason": "death", "date": "2024-01-01"])
            #expect(left.status == .ok, "\(left.text)")
            // No head: only old or imported data can hold it (the rules refuse it), so it is written directly.
            let headless = try await F.household(
                t, token: admin, headID: F.id(9, born: 1960), members: [F.member(F.id(10, born: 1990), name: "无户主成员")])
            let headlessHead = (headless["members"] as! [[String: Any]]).first { $0["relation"] as? String == "head" }!["id"] as! String
            try await t.sql.raw("UPDATE members SET relation = 'other' WHERE id = \(bind: UUID(uuidString: headlessHead)!)").run()

            let res = try await t.request(.GET, "/api/v1/households/quality", token: admin)
            #expect(res.status == .ok)
            let answer = try res.json()
            let code = { (h: [String: Any]) in h["household_code"] as! String }
            #expect(items(answer, "child_older_than_head").map { $0["household_code"] as? String } == [code(olderChild)])
            #expect(items(answer, "school_stage_mismatch").map { $0["household_code"] as? String } == [code(schoolAge)])
            #expect(items(answer, "over_110").map { $0["household_code"] as? String } == [code(old)])
            #expect(items(answer, "empty_household").map { $0["household_code"] as? String } == [code(empty)])
            #expect(items(answer, "no_head").map { $0["household_code"] as? String } == [code(headless)])
            #expect(items(answer, "child_older_than_head").first?["member_id"] as? String != nil)
            for check in ["child_older_than_head", "school_stage_mismatch", "over_110", "empty_household", "no_head"] {
                #expect(count(answer, check) == 1, "\(check)")
            }
            #expect(!res.text.contains(code(clean)))
            // In another county nothing is found; the page links each finding to its household.
            let elsewhere = try await t.request(.GET, "/api/v1/households/quality?division=141123", token: admin).json()
            #expect(count(elsewhere, "over_110") == 0)
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/monitoring/quality")
            #expect(page.status == .ok && page.body.string.contains("href=\"/monitoring/households/\(code(old))\""))
            #expect(page.body.string.contains("id=\"check-over_110\" data-count=\"1\""))
        }
    }

    @Test func demoHouseholdsLoadOnceWithValidIDs() async throws {
        try await TestApp.with { t in
            let demo = DemoContext(
                app: t.app, actor: AuditActor(name: "demo", requestID: "demo", clientAddress: "local"), scope: DivisionScope(DivisionCode("141100")!))
            _ = try await DivisionsModule().loadDemo(demo)
            let line = try #require(try await MonitoringModule().loadDemo(demo))
            #expect(line.contains("已载入演示农户 300 户"), "\(line)")
            #expect(try await Household.query(on: t.db).count() == 300)
            let villages = Set(try await Household.query(on: t.db).all().map(\.divisionCode))
            #expect(villages == Set(RegistryPart.demoVillages))
            let again = try #require(try await MonitoringModule().loadDemo(demo))
            #expect(again.contains("未再载入"))
            #expect(try await Household.query(on: t.db).count() == 300)
            let admin = try await t.adminToken()
            let quality = try await t.request(.GET, "/api/v1/households/quality", token: admin).json()
            #expect((count(quality, "school_stage_mismatch") ?? 0) > 0)
            #expect(count(quality, "no_head") == 0 && count(quality, "child_older_than_head") == 0)
        }
    }
}
