import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The workflow's forms outside an episode: lines and settings (administrators, audited),
/// a household's assessments, warnings (resolve) and open-episode form, the assessment
/// sheet's upload; and the step forms' refusals say what the API says.
@Suite struct WorkflowFormPagesTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture
    typealias A = AssessmentImportTests

    static func fields(_ page: TestingHTTPResponse) -> Set<String> {
        let html = page.body.string
        var found: Set<String> = []
        var rest = html[...]
        while let r = rest.range(of: "data-field=\"") {
            let tail = rest[r.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { break }
            found.insert(String(tail[..<end]))
            rest = tail[end...]
        }
        return found
    }

    @Test func administratorsSetLinesAndSettingsOnTheirPage() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let web = WebClient(t)
            try await web.signIn()
            var page = try await web.get("/monitoring/lines")
            #expect(page.status == .ok && page.body.string.contains("id=\"line-form\"") && page.body.string.contains("id=\"settings-form\""))

            // Every field problem at once, in Chinese, the form filled in again.
            let bad = try await web.post("/monitoring/lines", form: ["division_code": "99", "year": "二〇二四", "yuan": "12.345"])
            #expect(bad.status == .unprocessableEntity)
            #expect(Self.fields(bad) == ["division_code", "year", "yuan"], "\(Self.fields(bad))")
            #expect(bad.body.string.contains("年度应为整数") && bad.body.string.contains("value=\"12.345\""))
            let village = try await web.post("/monitoring/lines", form: ["division_code": F.linVillage, "year": "2024", "yuan": "8000"])
            #expect(village.status == .unprocessableEntity && village.body.string.contains("监测收入线应按乡镇或以上区划设置"))
            #expect(
                try await web.post("/monitoring/lines", form: ["division_code": "14", "year": "2024", "yuan": "0"]).body.string.contains("监测收入线应大于0"))

            let saved = try await web.post("/monitoring/lines", form: ["division_code": "14", "year": "2024", "yuan": "8,500.50"])
            #expect(saved.status == .seeOther)
            #expect(try await web.post("/monitoring/lines", form: ["division_code": "141124", "year": "2024", "yuan": "9000"]).status == .seeOther)
            let lines = try await t.request(.GET, "/api/v1/monitoring/lines", token: token).text
            #expect(lines.contains("\"division_code\":\"14\"") && lines.contains("\"line_fen\":850050") && lines.contains("\"line_fen\":900000"))
            page = try await web.get("/monitoring/lines")
            #expect(page.body.string.contains("<td>8500.50</td>") && page.body.string.contains("临县"))

            // Settings: empty fields inherit; a bad value is named.
            let badSettings = try await web.post(
                "/monitoring/settings", form: ["division_code": "141124", "near_line_factor": "1.2345", "notice_period_days": "五"])
            #expect(badSettings.status == .unprocessableEntity)
            #expect(Self.fields(badSettings) == ["near_line_factor", "notice_period_days"], "\(Self.fields(badSettings))")
            let settings = try await web.post("/monitoring/settings", form: ["division_code": "141124", "notice_period_days": "7"])
            #expect(settings.status == .seeOther, "\(settings.body.string)")
            let stored = try await t.request(.GET, "/api/v1/monitoring/settings", token: token).json()
            let overrides = try #require(stored["overrides"] as? [[String: Any]])
            #expect(overrides.count == 1 && overrides[0]["notice_period_days"] as? Int == 7 && !(overrides[0]["near_line_factor"] is String))

            // Audited as the API is.
            struct Row: Decodable { var action: String; var entity_id: String }
            let trail = try await t.sql.select().columns("action", "entity_id").from("audit_events").all(decoding: Row.self)
            #expect(trail.filter { $0.action == "monitoring.line.set" }.map(\.entity_id).sorted() == ["14/2024", "141124/2024"])
            #expect(trail.contains { $0.action == "monitoring.settings.set" && $0.entity_id == "141124" })

            // Others read the page without forms and may not post.
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let op = WebClient(t)
            try await op.signIn("lin.op", password: TestApp.password)
            let seen = try await op.get("/monitoring/lines").body.string
            #expect(seen.contains("9000.00") && !seen.contains("id=\"line-form\"") && !seen.contains("id=\"settings-form\""))
            #expect(try await op.post("/monitoring/lines", form: ["division_code": "141124", "year": "2025", "yuan": "1"]).status == .forbidden)
            #expect(try await op.post("/monitoring/settings", form: ["division_code": "141124"]).status == .forbidden)
        }
    }

    @Test func aHouseholdIsAssessedWarnedAndOpenedOnItsPage() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let code = try await W.household(t, token: token, n: 1, members: [F.member(F.id(2, born: 1995), name: "子女")])
            let web = WebClient(t)
            try await web.signIn()
            #expect(try await web.get("/monitoring/households/\(code)").body.string.contains("/monitoring/households/\(code)/monitoring"))
            let path = "/monitoring/households/\(code)/monitoring"
            var page = try await web.get(path)
            #expect(page.status == .ok && page.body.string.contains("id=\"assessment-form\"") && page.body.string.contains("id=\"episode-form\""))

            // Field problems, every one, with the sheet's words.
            var form = [
                "assessed_on": "2024-05-01", "wages_yuan": "9,000.01", "business_yuan": "0", "property_yuan": "0", "transfer_yuan": "1000",
                "production_costs_yuan": "0", "medical_yuan": "0", "education_yuan": "0", "housing_safe": "yes", "water_safe": "yes",
            ]
            var wrong = form
            wrong["wages_yuan"] = "1.234"
            wrong["medical_yuan"] = ""
            wrong["assessed_on"] = "2099-01-01"
            wrong["water_safe"] = "maybe"
            let refused = try await web.post(path + "/assessments", form: wrong)
            #expect(refused.status == .unprocessableEntity)
            #expect(Self.fields(refused) == ["wages_yuan", "medical_yuan", "water_safe"], "\(Self.fields(refused))")
            #expect(refused.body.string.contains("不能为空,没有此项请填0") && refused.body.string.contains("value=\"1.234\""))
            // The date in the future is the domain's refusal, on the page with the API's words.
            wrong = form
            wrong["assessed_on"] = "2099-01-01"
            let future = try await web.post(path + "/assessments", form: wrong)
            #expect(future.status == .unprocessableEntity && future.body.string.contains("评估日期不能晚于今天"))

            #expect(try await web.post(path + "/assessments", form: form).status == .seeOther)
            form["assessed_on"] = "2024-09-01"
            form["wages_yuan"] = "4000"
            form["transfer_yuan"] = "0"
            form["housing_safe"] = "no"
            #expect(try await web.post(path + "/assessments", form: form).status == .seeOther)
            let duplicate = try await web.post(path + "/assessments", form: form)
            #expect(duplicate.status == .conflict && duplicate.body.string.contains("同一户同一日期只能有一条评估"))
            page = try await web.get(path)
            let html = page.body.string
            // Newest first, net and per-capita (two members).
            let newer = try #require(html.range(of: "<td>2024-09-01</td><td>4000.00</td><td>2000.00</td><td>2</td>"))
            let older = try #require(html.range(of: "<td>2024-05-01</td><td>10000.01</td><td>5000.00</td><td>2</td>"))
            #expect(newer.lowerBound < older.lowerBound)
            #expect(html.contains("id=\"assessment-total\">2<"))

            // Warnings raised by the page's assessment, with a resolve form each.
            let open = try await W.warnings(t, token: token, "status=open")
            let basic = try #require(open.first { $0["rule"] as? String == "basic_needs" })
            let basicID = try #require(basic["id"] as? String)
            #expect(html.contains("id=\"resolve-\(basicID.uppercased())\"") || html.contains("id=\"resolve-\(basicID)\""))
            let noNote = try await web.post("/monitoring/warnings/\(basicID)/resolve", form: ["note": "  "])
            #expect(noNote.status == .unprocessableEntity && Self.fields(noNote) == ["note"] && noNote.body.string.contains("请填写解除说明"))
            #expect(try await web.post("/monitoring/warnings/\(basicID)/resolve", form: ["note": "已修缮住房"]).status == .seeOther)
            let resolved = try await t.request(.GET, "/api/v1/monitoring/warnings/\(basicID)", token: token).json()
            #expect(resolved["status"] as? String == "resolved")
            let again = try await web.post("/monitoring/warnings/\(basicID)/resolve", form: ["note": "再次"])
            #expect(again.status == .conflict)

            // Open an episode from the department's warning.
            let below = try #require(open.first { $0["rule"] as? String == "below_line" }?["id"] as? String)
            let badOpen = try await web.post(path + "/episodes", form: ["channel": "x", "date": ""])
            #expect(badOpen.status == .unprocessableEntity && Self.fields(badOpen) == ["channel", "date"])
            let opened = try await web.post(
                path + "/episodes", form: ["channel": "department_warning", "date": "2024-09-02", "warning_ids[]": below, "note": "部门预警"])
            #expect(opened.status == .seeOther)
            let location = try #require(opened.headers.first(name: .location))
            let id = String(location.dropFirst("/monitoring/episodes/".count).prefix(36))
            let episode = try await t.request(.GET, "/api/v1/episodes/\(id)", token: token).json()
            #expect(episode["channel"] as? String == "department_warning" && episode["state"] as? String == "candidate")
            #expect((episode["warning_ids"] as? [String])?.map { $0.lowercased() } == [below.lowercased()])
            page = try await web.get(path)
            #expect(!page.body.string.contains("id=\"episode-form\"") && page.body.string.contains("id=\"running-episode\""))
            let second = try await web.post(path + "/episodes", form: ["channel": "self_application", "date": "2024-09-03"])
            #expect(second.status == .conflict)

            // A viewer reads the page without forms; out of scope is not found.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = WebClient(t)
            try await viewer.signIn("lin.viewer", password: TestApp.password)
            let seen = try await viewer.get(path).body.string
            #expect(seen.contains("2024-09-01") && !seen.contains("id=\"assessment-form\"") && !seen.contains("class=\"resolve-form\""))
            #expect(try await viewer.post(path + "/assessments", form: form).status == .forbidden)
            try await t.createUser("xing.op", role: .operator, division: "141123")
            let outsider = WebClient(t)
            try await outsider.signIn("xing.op", password: TestApp.password)
            #expect(try await outsider.get(path).status == .notFound)
            #expect(try await outsider.post("/monitoring/warnings/\(below)/resolve", form: ["note": "越权"]).status == .notFound)
        }
    }

    /// A refused step on the page lists the same conditions, in the same words, as the API.
    @Test func stepFormsShowTheAPIsConditions() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let code = try await W.household(t, token: token, n: 1)
            try await W.assess(t, token: token, code: code, W.assessment("2024-05-01", wagesYuan: 5000))
            let opened = try await t.request(
                .POST, "/api/v1/households/\(code)/episodes", token: token, json: ["channel": "grassroots_screening", "date": "2024-06-01"])
            let id = try #require(try opened.json()["id"] as? String)
            let web = WebClient(t)
            try await web.signIn()
            func compare(_ api: [String: any Sendable], _ form: [String: String]) async throws {
                let refused = try await W.step(t, token: token, episode: id, api)
                let conditions = try #require(try refused.json()["conditions"] as? [[String: Any]])
                #expect(!conditions.isEmpty, "\(refused.text)")
                let page = try await web.post("/monitoring/episodes/\(id)/steps", form: form)
                #expect(page.status == .conflict)
                for c in conditions {
                    let code = c["code"] as? String ?? "", message = c["message"] as? String ?? ""
                    #expect(page.body.string.contains("<li data-field=\"\(code)\">\(Markup.escape(message))</li>"), "\(code): \(message)")
                }
                #expect(Self.fields(page) == Set(conditions.compactMap { $0["code"] as? String }))
            }
            try await compare(["step": "visit", "date": "2024-06-02", "consent": false], ["step": "visit", "date": "2024-06-02"])
            #expect(
                try await web.post("/monitoring/episodes/\(id)/steps", form: ["step": "visit", "date": "2024-06-02", "consent": "yes"]).status
                    == .seeOther)
            #expect(try await web.post("/monitoring/episodes/\(id)/steps", form: ["step": "notice", "date": "2024-06-03"]).status == .seeOther)
            try await compare(["step": "township_check", "date": "2024-06-04"], ["step": "township_check", "date": "2024-06-04"])
            #expect(
                try await web.post("/monitoring/episodes/\(id)/steps", form: ["step": "township_check", "date": "2024-06-08"]).status == .seeOther)
            let approve = try await web.post(
                "/monitoring/episodes/\(id)/steps",
                form: ["step": "approve", "date": "2024-06-09", "category": "marginal", "risk_types[]": "illness"])
            #expect(approve.status == .seeOther)
            try await compare(["step": "propose_elimination", "date": "2024-07-01"], ["step": "propose_elimination", "date": "2024-07-01"])
        }
    }

    @Test func theAssessmentSheetIsUploadedThroughTheForm() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let code = try await W.household(t, token: token, n: 1)
            let web = WebClient(t)
            try await web.signIn()
            let form = try await web.get("/monitoring/assessments/import")
            #expect(form.status == .ok && form.body.string.contains("户主身份证号、评估日期、工资性收入(元)"))
            func upload(_ data: Data, dryRun: Bool = false) async throws -> TestingHTTPResponse {
                var fields = [("csrf_token", web.csrf ?? "")]
                if dryRun { fields.append(("dry_run", "on")) }
                let (headers, body) = TestApp.multipart(fields: fields, file: data, filename: "a.csv")
                var sent = headers
                sent.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
                return try await t.app.testing().sendRequest(.POST, "/monitoring/assessments/import", headers: sent, body: body)
            }
            let head = F.id(1, born: 1970)
            let bad = try await upload(A.csv([A.row(head, "2024-05-01", wages: "5000"), A.row(head, "2024-05-02", wages: "x")]))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("金额格式不正确") && bad.body.string.contains("<td>3</td>") && !bad.body.string.contains(head))
            let dry = try await upload(A.csv([A.row(head, "2024-05-01", wages: "5000")]), dryRun: true)
            #expect(dry.status == .ok && dry.body.string.contains("试导入(未写入)"))
            #expect(try await A.assessments(t, token: token, code: code).isEmpty)
            let good = try await upload(A.csv([A.row(head, "2024-05-01", wages: "5000")]))
            #expect(good.status == .ok && good.body.string.contains("新登记评估 1 条"), "\(good.body.string)")
            #expect(try await A.assessments(t, token: token, code: code).count == 1)
            #expect(try await W.warnings(t, token: token, "rule=below_line").count == 1)
        }
    }
}
