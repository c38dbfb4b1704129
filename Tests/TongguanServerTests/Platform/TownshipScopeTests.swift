import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Users scoped to a township or a village, and the division page and pickers below the
/// county: a township user sees its own villages and nothing of the neighbouring township.
@Suite struct TownshipScopeTests {
    /// 临泉镇 (141124100) and its neighbour 白文镇 (141124101) get two villages each.
    func loadVillages(_ t: TestApp) async throws {
        let csv = """
            code,name
            141124100201,甲村
            141124100202,乙村
            141124101201,丁村
            141124101202,戊村
            """
        let report = try await DivisionImport.run(
            data: Data(csv.utf8), scope: DivisionScope(DivisionCode("141100")!), actor: .system, on: t.db)
        try #require(report.applied, "\(report.text)")
    }

    func codes(_ res: TestingHTTPResponse) throws -> [String] {
        (try res.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test func usersMayBeScopedToATownshipOrAVillageThatExists() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            let admin = try await t.adminToken()
            for (name, code, status) in [
                ("quan.op", "141124100", HTTPResponseStatus.created), ("jia.viewer", "141124100201", .created),
                ("ghost.viewer", "141124100299", .unprocessableEntity), ("ghost.town", "141124999", .unprocessableEntity),
            ] {
                let res = try await t.request(
                    .POST, "/api/v1/users", token: admin,
                    json: ["username": name, "password": TestApp.password, "role": "operator", "division_code": code])
                #expect(res.status == status, "\(code): \(res.body.string)")
            }
            // A county administrator grants township scopes inside the county only.
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            let lin = try await t.token("lin.admin")
            let inside = try await t.request(
                .POST, "/api/v1/users", token: lin,
                json: ["username": "bai.op", "password": TestApp.password, "role": "operator", "division_code": "141124101"])
            #expect(inside.status == .created)
            let outside = try await t.request(
                .POST, "/api/v1/users", token: lin,
                json: ["username": "xing.op", "password": TestApp.password, "role": "operator", "division_code": "141123100"])
            #expect(try outside.problemFields() == ["division_code"])
        }
    }

    @Test func aTownshipUserSeesItsVillagesOnly() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            try await t.createUser("quan.viewer", role: .viewer, division: "141124100")
            let token = try await t.token("quan.viewer")
            let list = try await t.request(.GET, "/api/v1/divisions", token: token)
            #expect(try codes(list) == ["141124100", "141124100201", "141124100202"])
            let villages = try await t.request(.GET, "/api/v1/divisions?level=village", token: token)
            #expect(try codes(villages) == ["141124100201", "141124100202"])
            #expect(try await t.request(.GET, "/api/v1/divisions/141124100202", token: token).status == .ok)
            for neighbour in ["141124101", "141124101201", "141124"] {
                #expect(try await t.request(.GET, "/api/v1/divisions/\(neighbour)", token: token).status == .notFound, "\(neighbour)")
            }
            #expect(try codes(try await t.request(.GET, "/api/v1/divisions?parent=141124101", token: token)).isEmpty)
            #expect(try await t.request(.GET, "/api/v1/divisions?level=town", token: token).status == .unprocessableEntity)

            let web = WebClient(t)
            try await web.signIn("quan.viewer", password: TestApp.password)
            let page = try await web.get("/divisions")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("临泉镇") && html.contains("甲村") && html.contains("乙村"))
            #expect(!html.contains("丁村") && !html.contains("白文镇") && !html.contains("141124101"))
            #expect(!html.contains("division-import-form"), "a viewer gets no upload form")
            #expect(try await web.get("/divisions?open=141124101").status == .notFound)
            #expect(try await web.get("/divisions?open=141124").status == .notFound)
            #expect(try await web.get("/divisions?open=141124100201").status == .ok)
        }
    }

    @Test func aVillageUserSeesItsVillage() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            try await t.createUser("jia.viewer", role: .viewer, division: "141124100201")
            let token = try await t.token("jia.viewer")
            #expect(try codes(try await t.request(.GET, "/api/v1/divisions", token: token)) == ["141124100201"])
            #expect(try await t.request(.GET, "/api/v1/divisions/141124100202", token: token).status == .notFound)
        }
    }

    @Test func theTreePageOpensOneLevelAtATime() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            let web = WebClient(t)
            try await web.signIn()
            // From the city: counties with their townships folded, villages only counted.
            let city = try await web.get("/divisions")
            let html = city.body.string
            #expect(html.contains("临县") && html.contains("临泉镇") && html.contains("岚城镇"))
            #expect(!html.contains("甲村"), "villages are not loaded from the city")
            #expect(html.contains("<details>"))
            #expect(html.contains("23 个乡级区划、4 个村级区划"), "临县's summary")
            #expect(html.contains("href=\"/divisions?open=141124100\""))
            #expect(html.contains("division-import-form"))
            // One county opened: its townships, each with its villages folded.
            let county = try await web.get("/divisions?open=141124")
            let opened = county.body.string
            #expect(opened.contains("甲村") && opened.contains("丁村"))
            #expect(opened.contains("2 个村级区划"))
            #expect(opened.contains("id=\"division-crumbs\"") && opened.contains("href=\"/divisions?open=141100\""))
            #expect(!opened.contains("岚城镇"))
            #expect(try await web.get("/divisions?open=141199").status == .notFound)
            #expect(try await web.get("/divisions/export?division=141124100&format=csv").body.string.contains("141124100202,乙村,村级"))
        }
    }

    @Test func pickersOfferTownshipsFromTheCityAndVillagesFromACounty() async throws {
        try await TestApp.with { t in
            try await loadVillages(t)
            let admin = WebClient(t)
            try await admin.signIn()
            let cityForm = try await admin.get("/users").body.string
            #expect(cityForm.contains("<option value=\"141124100\""))
            #expect(!cityForm.contains("<option value=\"141124100201\""), "a city's villages would flood the form")
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            let lin = WebClient(t)
            try await lin.signIn("lin.admin", password: TestApp.password)
            let countyForm = try await lin.get("/users").body.string
            #expect(countyForm.contains("<option value=\"141124100201\""))
            #expect(!countyForm.contains("<option value=\"141123"))
            // The project form asks for counties only from the city's filter.
            let options = try await Division.options(
                in: DivisionScope(DivisionCode("141100")!), selected: "141124100201", levels: [.county], on: t.db)
            #expect(options.count == 1 + 13 + 1, "root, counties, and the selected village")
            #expect(options.first { $0.selected }?.value == "141124100201")
        }
    }

    @Test func theUploadFormLoadsAListAndShowsTheReport() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            try await web.get("/divisions")
            let tester = try t.app.testing()
            let csv = Data("区划代码,名称\n141124100201,甲村\n".utf8)
            let (headers, body) = TestApp.multipart(fields: [("csrf_token", web.csrf ?? "")], file: csv, filename: "v.csv")
            var sent = headers
            sent.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let res = try await tester.sendRequest(.POST, "/divisions/import", headers: sent, body: body)
            #expect(res.status == .ok, "\(res.body.string.prefix(300))")
            #expect(res.body.string.contains("导入完成:共 1 行,新增 1 个"))
            #expect(try await Division.find("141124100201", on: t.db)?.name == "甲村")
        }
    }
}
