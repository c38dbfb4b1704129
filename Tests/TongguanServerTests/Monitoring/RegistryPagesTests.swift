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

    @Test func theCardsQRCodeOpensTheHouseholdPage() async throws {
        try await TestApp.with(configure: { $0.baseURL = "https://tongguan.example.gov.cn/lvliang" }) { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let household = try await F.household(t, token: admin, headID: F.id(90), headName: "欧阳娜娜", members: [F.member(F.id(91), name: "王二小")])
            let code = household["household_code"] as! String
            let web = WebClient(t)
            try await web.signIn()
            let card = try await web.get("/monitoring/households/\(code)/card")
            #expect(card.status == .ok)
            let html = card.body.string
            #expect(html.contains("id=\"card-code\">\(code)<") && html.contains("欧阳**") && !html.contains("欧阳娜娜"))
            #expect(html.contains("id=\"card-count\">2<") && html.contains("测试村一"))
            for id in [F.id(90), F.id(91)] { #expect(!html.contains(id)) }
            let start = try #require(html.range(of: "<svg"))
            let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
            let svg = String(html[start.lowerBound..<end.upperBound])
            let decoded = try Self.decodeQR(svg)
            #expect(decoded == "https://tongguan.example.gov.cn/lvliang/monitoring/households/\(code)")
        }
    }

    /// Renders the SVG with rsvg-convert and reads it with zbarimg (Debian librsvg2-bin,
    /// zbar-tools), as a phone's camera would.
    static func decodeQR(_ svg: String) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("card-\(UUID().uuidString)")
        let svgURL = base.appendingPathExtension("svg"), pngURL = base.appendingPathExtension("png")
        defer {
            try? FileManager.default.removeItem(at: svgURL)
            try? FileManager.default.removeItem(at: pngURL)
        }
        try Data(svg.utf8).write(to: svgURL)
        _ = try run("/usr/bin/rsvg-convert", ["--format=png", "--output=" + pngURL.path, svgURL.path])
        let out = try run("/usr/bin/zbarimg", ["--nodbus", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", pngURL.path])
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: apt-get install zbar-tools librsvg2-bin")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) failed with \(process.terminationStatus)")
        return data
    }

    @Test func leaveTransferAndCloseFromThePageNeedAConfirmation() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let source = try await F.household(
                t, token: admin, headID: F.id(100), members: [F.member(F.id(101), name: "要离户"), F.member(F.id(102), name: "要转出")])
            let target = try await F.household(t, token: admin, village: F.linVillage2, headID: F.id(103))
            let code = source["household_code"] as! String, targetCode = target["household_code"] as! String
            let ids = (source["members"] as! [[String: Any]]).reduce(into: [String: String]()) { $0[$1["name"] as! String] = $1["id"] as? String }
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/monitoring/households/\(code)")
            #expect(page.body.string.contains("id=\"leave-form\"") && page.body.string.contains("id=\"close-form\""))
            let unconfirmed = try await web.post(
                "/monitoring/households/\(code)/leave", form: ["member_id": ids["要离户"]!, "reason": "death", "date": "2024-03-01"])
            #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.body.string.contains("请勾选「确认」"))
            let left = try await web.post(
                "/monitoring/households/\(code)/leave", form: ["member_id": ids["要离户"]!, "reason": "death", "date": "2024-03-01", "confirm": "on"])
            #expect(left.status == .seeOther)
            let moved = try await web.post(
                "/monitoring/households/\(code)/transfer",
                form: ["member_id": ids["要转出"]!, "to_household_code": targetCode, "relation": "other", "confirm": "on"])
            #expect(moved.status == .seeOther && moved.headers.first(name: .location) == "/monitoring/households/\(targetCode)")
            let refused = try await web.post(
                "/monitoring/households/\(code)/close", form: ["reason": "merged", "date": "2024-03-02", "confirm": "on"])
            #expect(refused.status == .conflict || refused.status == .unprocessableEntity)
            let after = try await t.request(.GET, "/api/v1/households/\(code)", token: admin).json()
            #expect(after["member_count"] as? Int == 1 && after["status"] as? String == "active")
            let targetAfter = try await t.request(.GET, "/api/v1/households/\(targetCode)", token: admin).json()
            #expect(targetAfter["member_count"] as? Int == 2)
        }
    }
}
