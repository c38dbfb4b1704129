import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The edit forms of a household (address, phone) and a member (everything but the ID),
/// with the version they were read at, and the reveal history on the household page.
@Suite struct RegistryEditPagesTests {
    typealias F = RegistryFixture

    static func version(_ html: String) throws -> String {
        let start = try #require(html.range(of: "name=\"version\" value=\""))
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test func householdEditSavesChecksFieldsAndRefusesAStaleForm() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let code = try await F.household(t, token: admin, headID: F.id(20))["household_code"] as! String
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/monitoring/households/\(code)")
            #expect(page.body.string.contains("/monitoring/households/\(code)/edit"))
            let form = try await web.get("/monitoring/households/\(code)/edit")
            #expect(form.status == .ok && form.body.string.contains("临泉镇一号") && form.body.string.contains("13912345678"))
            let read = try Self.version(form.body.string)

            let bad = try await web.post("/monitoring/households/\(code)/edit", form: ["address": "新址", "phone": "123", "version": read])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-field=\"phone\">") && bad.body.string.contains("field-error"))

            let saved = try await web.post(
                "/monitoring/households/\(code)/edit", form: ["address": "临泉镇二号", "phone": "0358-4567890", "version": read])
            #expect(saved.status == .seeOther)
            let api = try await t.request(.GET, "/api/v1/households/\(code)", token: admin).json()
            #expect(api["address"] as? String == "临泉镇二号" && api["phone"] as? String == "0358-4567890")

            // The same form again (read before the save) is stale: refused, nothing overwritten.
            let stale = try await web.post(
                "/monitoring/households/\(code)/edit", form: ["address": "临泉镇三号", "phone": "", "version": read])
            #expect(stale.status == .conflict && stale.body.string.contains("stale-notice"))
            #expect(try await t.request(.GET, "/api/v1/households/\(code)", token: admin).json()["address"] as? String == "临泉镇二号")

            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = WebClient(t)
            try await viewer.signIn("lin.viewer", password: TestApp.password)
            #expect(try await viewer.get("/monitoring/households/\(code)/edit").status == .forbidden)
            try await t.createUser("xing.operator", role: .operator, division: "141123")
            let other = WebClient(t)
            try await other.signIn("xing.operator", password: TestApp.password)
            #expect(try await other.get("/monitoring/households/\(code)/edit").status == .notFound)
        }
    }

    @Test func memberEditKeepsTheIDAndNeverEchoesIt() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let ids = [F.id(30), F.id(31)]
            let household = try await F.household(t, token: admin, headID: ids[0], members: [F.member(ids[1], name: "王二小")])
            let code = household["household_code"] as! String
            let memberID = (household["members"] as! [[String: Any]])[1]["id"] as! String
            let web = WebClient(t)
            try await web.signIn()
            #expect(try await web.get("/monitoring/households/\(code)").body.string.contains("/monitoring/members/\(memberID)/edit"))
            let form = try await web.get("/monitoring/members/\(memberID)/edit")
            let html = form.body.string
            #expect(form.status == .ok && html.contains("王二小") && html.contains(PersonalData.residentID.mask(ids[1])))
            #expect(!html.contains(ids[1]) && !html.contains(ids[0]) && html.contains("resident-id-note"))
            #expect(!html.contains("name=\"resident_id\""))
            let read = try Self.version(html)
            let fields = [
                "name": "王小二", "relation": "child", "labour_capacity": "weak", "work_status": "local", "school_stage": "none",
                "chronic_illness": "on", "basic_medical_insurance": "on", "version": read,
            ]
            let saved = try await web.post("/monitoring/members/\(memberID)/edit", form: fields)
            #expect(saved.status == .seeOther)
            let member = try await t.request(.GET, "/api/v1/members/\(memberID)", token: admin).json()
            #expect(member["name"] as? String == "王小二" && member["labour_capacity"] as? String == "weak")
            #expect(member["chronic_illness"] as? Bool == true && member["disability"] as? Bool == false)
            #expect(member["resident_id"] as? String == PersonalData.residentID.mask(ids[1]))
            // The ID is unchanged: lookup still finds this member.
            let found = try await t.request(.POST, "/api/v1/members/lookup", token: admin, json: ["resident_id": ids[1]]).json()
            #expect(found["member_id"] as? String == memberID)

            // Stale, a bad field, a second head: refused on the page, in Chinese, without the ID.
            var again = fields
            again["name"] = "王三"
            let stale = try await web.post("/monitoring/members/\(memberID)/edit", form: again)
            #expect(stale.status == .conflict && stale.body.string.contains("stale-notice"))
            let fresh = try Self.version(try await web.get("/monitoring/members/\(memberID)/edit").body.string)
            var bad = fields
            bad["version"] = fresh
            bad["labour_capacity"] = "strong"
            let refused = try await web.post("/monitoring/members/\(memberID)/edit", form: bad)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("data-field=\"labour_capacity\">"))
            #expect(!refused.body.string.contains(ids[1]))
            var twoHeads = fields
            twoHeads["version"] = fresh
            twoHeads["relation"] = "head"
            let conflict = try await web.post("/monitoring/members/\(memberID)/edit", form: twoHeads)
            #expect(conflict.status == .conflict && !conflict.body.string.contains(ids[1]))
            #expect(try await t.request(.GET, "/api/v1/members/\(memberID)", token: admin).json()["relation"] as? String == "child")
        }
    }

    @Test func revealsAppearInTheHouseholdHistoryWithoutTheID() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let ids = [F.id(40), F.id(41)]
            let household = try await F.household(t, token: admin, headID: ids[0], members: [F.member(ids[1], name: "王二小")])
            let code = household["household_code"] as! String
            let memberID = (household["members"] as! [[String: Any]])[1]["id"] as! String
            try await t.createUser("lin.supervisor", role: .supervisor, division: "141124")
            let supervisor = WebClient(t)
            try await supervisor.signIn("lin.supervisor", password: TestApp.password)
            #expect(try await supervisor.get("/monitoring/households/\(code)").body.string.contains("reveal-history-empty"))
            let shown = try await supervisor.post("/monitoring/members/\(memberID)/reveal", form: ["reason": "核对医保参保信息"])
            #expect(shown.status == .ok)

            let page = try await supervisor.get("/monitoring/households/\(code)")
            let html = page.body.string
            let start = try #require(html.range(of: "id=\"reveal-history\""))
            let table = String(html[start.lowerBound...].prefix(2000))
            #expect(table.contains("核对医保参保信息") && table.contains("lin.supervisor") && table.contains("王二小"))
            for id in ids { #expect(!html.contains(id)) }
            // The household's own history (read in the same query) lists its events, not the reveal.
            let historyStart = try #require(html.range(of: "id=\"audit-history\""))
            let history = String(html[historyStart.lowerBound..<start.lowerBound])
            #expect(history.contains("新建农户"))
            #expect(!history.contains("核对医保参保信息"))
        }
    }
}
