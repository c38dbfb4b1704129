import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// 监测 → 农户 pages: the list and household page mask IDs (and names for viewers), the
/// reveal form needs a role and a reason and answers on the page (never in a URL), the
/// forms report problems beside their fields in Chinese.
@Suite struct RegistryPagesTests {
    typealias F = RegistryFixture

    @Test func householdPagesMaskAndRevealOnlyWithAReason() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let ids = [F.id(70), F.id(71)]
            let household = try await F.household(t, token: admin, headID: ids[0], headName: "欧阳娜娜", members: [F.member(ids[1], name: "王二小")])
            let code = household["household_code"] as! String
            let memberID = (household["members"] as! [[String: Any]])[1]["id"] as! String
            for role in [Role.viewer, .operator, .supervisor] { try await t.createUser("lin.\(role.rawValue)", role: role, division: "141124") }

            let viewer = WebClient(t)
            try await viewer.signIn("lin.viewer", password: TestApp.password)
            for path in ["/monitoring/households", "/monitoring/households/\(code)", "/monitoring/households?q=\(code.prefix(14))"] {
                let page = try await viewer.get(path)
                #expect(page.status == .ok, "\(path)")
                for secret in ids + ["欧阳娜娜", "王二小"] { #expect(!page.body.string.contains(secret), "\(secret) on \(path)") }
            }
            #expect(try await viewer.get("/monitoring/households/\(code)").body.string.contains("欧阳**"))
            #expect(!(try await viewer.get("/monitoring/households/\(code)").body.string.contains("reveal-form")))

            let op = WebClient(t)
            try await op.signIn("lin.operator", password: TestApp.password)
            let opPage = try await op.get("/monitoring/households/\(code)")
            #expect(opPage.body.string.contains("王二小") && opPage.body.string.contains(PersonalData.residentID.mask(ids[1])))
            #expect(!opPage.body.string.contains("reveal-form") && opPage.body.string.contains("member-form"))
            #expect(try await op.post("/monitoring/members/\(memberID)/reveal", form: ["reason": "核对"]).status == .forbidden)

            let supervisor = WebClient(t)
            try await supervisor.signIn("lin.supervisor", password: TestApp.password)
            let noReason = try await supervisor.post("/monitoring/members/\(memberID)/reveal", form: ["reason": " "])
            #expect(noReason.status == .unprocessableEntity && !noReason.body.string.contains(ids[1]))
            let shown = try await supervisor.post("/monitoring/members/\(memberID)/reveal", form: ["reason": "核对低保材料"])
            #expect(shown.status == .ok && shown.body.string.contains(ids[1]) && !shown.body.string.contains(ids[0]))
            #expect(shown.headers.first(name: .cacheControl) == "no-store")
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=member&entity_id=\(memberID)", token: admin)
            #expect(audit.body.string.contains("核对低保材料") && audit.body.string.contains("member.reveal"))
            // Out of scope is missing.
            #expect(try await op.get("/monitoring/households/\(code.prefix(16))X").status == .notFound)
        }
    }

    @Test func formsReportEachProblemBesideItsField() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let web = WebClient(t)
            try await web.signIn()
            #expect(try await web.get("/monitoring/households/new").body.string.contains(F.linVillage))
            let bad = F.id(80).dropLast() + (F.id(80).hasSuffix("1") ? "2" : "1")
            let refused = try await web.post(
                "/monitoring/households",
                form: [
                    "division_code": F.xingVillage, "phone": "123", "name": "", "resident_id": String(bad), "labour_capacity": "full",
                    "work_status": "farming", "school_stage": "none",
                ])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            for field in ["division_code", "phone", "name", "resident_id"] {
                #expect(html.contains("data-field=\"\(field)\">"), "\(field)")
            }
            #expect(html.contains("该村不在您的管辖范围内") == false)  // the admin's scope is the city
            #expect(!html.contains(String(bad)))  // a typed ID is not sent back
            let created = try await web.post(
                "/monitoring/households",
                form: [
                    "division_code": F.linVillage, "name": "王建国", "resident_id": F.id(80), "labour_capacity": "full",
                    "work_status": "farming", "school_stage": "none", "basic_medical_insurance": "on",
                ])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            #expect(location.hasPrefix("/monitoring/households/\(F.linVillage)"))
            let twice = try await web.post(
                location + "/members",
                form: [
                    "name": "重复", "resident_id": F.id(80), "relation": "child", "labour_capacity": "none", "work_status": "none",
                    "school_stage": "none",
                ])
            #expect(twice.status == .conflict && !twice.body.string.contains(F.id(80)))
        }
    }
}
