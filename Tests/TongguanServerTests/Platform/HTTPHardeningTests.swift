import Fluent
import Foundation
import NIOHTTP1
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The probe's smaller findings about HTTP behaviour, each at its mechanism.
@Suite struct HTTPHardeningTests {
    @Test func nothingButStaticAssetsMayBeCached() async throws {
        try await TestApp.with { t in
            let tokenResponse = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "admin", "password": TestApp.adminPassword])
            #expect(tokenResponse.headers.first(name: .cacheControl) == "no-store")
            let token = try tokenResponse.json()["token"] as? String ?? ""
            for path in ["/api/v1/me", "/api/v1/projects", "/api/v1/projects/export?format=csv", "/api/v1/nothing"] {
                #expect(try await t.request(.GET, path, token: token).headers.first(name: .cacheControl) == "no-store", "\(path)")
            }
            let web = WebClient(t)
            try await web.signIn()
            for path in ["/", "/projects", "/login"] {
                #expect(try await web.get(path).headers.first(name: .cacheControl) == "no-store", "\(path)")
            }
            #expect(try await t.request(.GET, "/css/app.css").headers.first(name: .cacheControl) != "no-store")
        }
    }

    @Test func searchMatchesPercentAndUnderscoreLiterally() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            for name in ["达标率50%项目", "5_号项目", "普通项目"] {
                let res = try await t.request(
                    .POST, "/api/v1/projects", token: token,
                    json: [
                        "name": name, "investor_name": "公司", "credit_code": "91350100M000100Y43", "division_code": "141124",
                        "industry": "白酒", "total_investment_fen": 1, "expected_annual_output_fen": 1,
                    ])
                #expect(res.status == .created)
            }
            func names(_ q: String) async throws -> [String] {
                let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let items = try await t.request(.GET, "/api/v1/projects?q=\(encoded)", token: token).json()["items"] as? [[String: Any]]
                return (items ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("%") == ["达标率50%项目"])
            #expect(try await names("_") == ["5_号项目"])
            #expect(try await names("__________").isEmpty)
            #expect(try await names("\\").isEmpty)
            #expect(try await names("项目").count == 3)
            try await t.createUser("a_b", role: .viewer, division: "141100")
            try await t.createUser("axb", role: .viewer, division: "141100")
            let users = try await t.request(.GET, "/api/v1/users?q=_", token: token).json()["items"] as? [[String: Any]]
            #expect(users?.compactMap { $0["username"] as? String } == ["a_b"])
        }
    }

    @Test func datesOutOfRangeSaySo() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            for query in ["from=9999-12-31", "to=0001-01-01"] {
                let res = try await t.request(.GET, "/api/v1/projects?\(query)", token: token)
                try expectProblem(res, .unprocessableEntity)
                let message = (try res.json()["errors"] as? [[String: Any]])?.first?["message"] as? String
                #expect(message == "日期超出范围:应在1900-01-01至2200-12-31之间")
            }
            let bad = try await t.request(.GET, "/api/v1/projects?from=2021-02-30", token: token)
            #expect((try bad.json()["errors"] as? [[String: Any]])?.first?["message"] as? String == "日期格式应为 YYYY-MM-DD")
            let round = try await t.request(.POST, "/api/v1/rounds", token: token, json: ["name": "远期", "date": "9999-12-31"])
            try expectProblem(round, .unprocessableEntity)
            #expect((try round.json()["errors"] as? [[String: Any]])?.first?["message"] as? String == "日期超出范围:应在1900-01-01至2200-12-31之间")
        }
    }

    @Test func emptyOptionalParametersMeanNotGiven() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            for query in ["page=&per=", "to=&from=", "milestone_stage=&q=&division="] {
                #expect(try await t.request(.GET, "/api/v1/projects?\(query)", token: token).status == .ok, "\(query)")
            }
            #expect(try await t.request(.GET, "/api/v1/projects?page=abc", token: token).status == .unprocessableEntity)
        }
    }

    @Test func disablingEndsTokensForGood() async throws {
        try await TestApp.with { t in
            let admin = try await t.adminToken()
            let user = try await t.createUser("lin.op", role: .operator, division: "141124")
            let old = try await t.token("lin.op")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .ifMatch, value: "*")
            for disabled in [true, false] {
                let res = try await t.request(
                    .PATCH, "/api/v1/users/\(user.id!.uuidString)", token: admin, json: ["disabled": disabled], headers: headers)
                #expect(res.status == .ok, "\(res.body.string)")
            }
            // Enabled again, the account starts afresh: the old token stays dead.
            #expect(try await t.request(.GET, "/api/v1/me", token: old).status == .unauthorized)
            #expect(try await t.request(.GET, "/api/v1/me", token: try await t.token("lin.op")).status == .ok)
        }
    }

    @Test func theFormTokenChangesAtSignIn() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.get("/login")
            let before = try #require(web.csrf)
            try await web.signIn()
            let after = try #require(web.csrf)
            #expect(before != after)
            // A token learnt before sign-in no longer works after it.
            let res = try await web.post("/projects/rounds", form: ["name": "批次", "date": "2021-07-16", "csrf_token": before], withToken: false)
            #expect(res.status == .forbidden)
        }
    }

    @Test func clientRequestIDsAreKeptOnlyWhenPlain() async throws {
        try await TestApp.with { t in
            let plain = try await t.request(.GET, "/health", headers: ["X-Request-Id": "proxy-123.abc"])
            #expect(plain.headers.first(name: "X-Request-Id") == "proxy-123.abc")
            let odd = try await t.request(.GET, "/health", headers: ["X-Request-Id": "<script>\u{7}"])
            let replaced = try #require(odd.headers.first(name: "X-Request-Id"))
            #expect(replaced != "<script>\u{7}" && UUID(uuidString: replaced) != nil)
        }
    }

    @Test func everySettingIsCheckedAndNamed() throws {
        #expect(throws: Never.self) { try Settings.fromEnvironment([:]) }
        let bad = [
            "TONGGUAN_TOKEN_HOURS": "-1", "TONGGUAN_SESSION_HOURS": "abc", "TONGGUAN_BCRYPT_COST": "3", "TONGGUAN_DB_POOL": "0",
            "TONGGUAN_TLS": "yes", "TONGGUAN_MAX_BODY": "lots", "TONGGUAN_LOG_FORMAT": "xml", "DATABASE_URL": "mysql://x",
            "TONGGUAN_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local", "TONGGUAN_METRICS_TOKEN": "short", "LOG_LEVEL": "loud",
        ]
        let error = #expect(throws: SettingsError.self) { try Settings.fromEnvironment(bad) }
        #expect(Set(error?.problems.map(\.variable) ?? []) == Set(bad.keys))
        #expect(error?.description.contains("TONGGUAN_TOKEN_HOURS") == true)
        let good = try Settings.fromEnvironment([
            "TONGGUAN_TOKEN_HOURS": "0.5", "TONGGUAN_MAX_BODY": "2mb", "TONGGUAN_TRUSTED_PROXIES": "10.0.0.1, ::1",
            "DATABASE_URL": "postgresql://u:p@h/db", "TONGGUAN_DATA_KEY": DataKey.generate().base64,
        ])
        #expect(good.tokenLifetime == 1800 && good.maxBodySize == "2mb" && good.trustedProxies.count == 2)
        #expect(good.database == .postgres(url: "postgresql://u:p@h/db", schema: nil))
    }
}
