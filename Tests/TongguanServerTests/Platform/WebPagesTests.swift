import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct WebPagesTests {
    @Test func pagesBehindLoginRedirectStrangers() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            for path in ["/", "/audit", "/users", "/divisions", "/projects"] {
                let res = try await web.get(path)
                #expect(res.status == .seeOther, "\(path)")
                #expect(res.headers.first(name: .location) == "/login")
            }
        }
    }

    @Test func loginSetsAHardenedSessionCookie() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            let form = try await web.get("/login")
            #expect(form.body.string.contains("id=\"login-form\""))
            let cookie = try #require(form.headers.setCookie?[SessionCookie.name])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .lax)
            #expect(!cookie.isSecure)
            let before = web.cookie
            let res = try await web.post("/login", form: ["username": "admin", "password": TestApp.adminPassword])
            #expect(res.status == .seeOther)
            #expect(web.cookie != before, "a new session id after login")
            let home = try await web.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("吕梁市"))
        }
    }

    @Test func cookieIsSecureBehindATLSProxyOrWithTLS() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            let res = try await web.get("/login", headers: ["X-Forwarded-Proto": "https"])
            #expect(res.headers.setCookie?[SessionCookie.name]?.isSecure == true)
        }
        try await TestApp.with(configure: { $0.tls = true }) { t in
            let res = try await WebClient(t).get("/login")
            #expect(res.headers.setCookie?[SessionCookie.name]?.isSecure == true)
            #expect(res.headers.first(name: "Strict-Transport-Security") != nil)
        }
    }

    @Test func formsWithoutTheTokenAreRefused() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.get("/login")
            let missing = try await web.post("/login", form: ["username": "admin", "password": TestApp.adminPassword], withToken: false)
            #expect(missing.status == .forbidden)
            #expect(missing.body.string.contains("表单已过期"))
            let forged = try await web.post(
                "/login", form: ["username": "admin", "password": TestApp.adminPassword, "csrf_token": "forged"], withToken: false)
            #expect(forged.status == .forbidden)
            try await web.signIn()
            let user = try await web.post(
                "/users", form: ["username": "x.y", "password": "Password-123", "role": "viewer", "division_code": "141100", "csrf_token": "nope"],
                withToken: false)
            #expect(user.status == .forbidden)
            #expect(try await User.query(on: t.db).filter(\.$username == "x.y").count() == 0)
            let logout = try await web.post("/logout", form: [:], withToken: false)
            #expect(logout.status == .forbidden)
        }
    }

    @Test func wrongPasswordShowsTheChineseMessage() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.get("/login")
            let res = try await web.post("/login", form: ["username": "admin", "password": "wrong-wrong-1"])
            #expect(res.status == .unauthorized)
            #expect(res.body.string.contains("class=\"flash-error\""))
            #expect(res.body.string.contains("用户名或密码错误"))
            for _ in 1...4 { try await web.post("/login", form: ["username": "admin", "password": "wrong-wrong-1"]) }
            let locked = try await web.post("/login", form: ["username": "admin", "password": TestApp.adminPassword])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers.first(name: .retryAfter) != nil)
            #expect(locked.body.string.contains("登录失败次数过多,请15分钟后再试"))
        }
    }

    @Test func sessionsSurviveARestart() async throws {
        let target = TestApp.makeTarget()
        defer { Task { await TestApp.cleanUp(target) } }
        let cookie = try await TestApp.run(target: target) { t in
            let web = WebClient(t)
            try await web.signIn()
            return web.cookie
        }
        try await TestApp.run(target: target) { t in
            let web = WebClient(t)
            web.cookie = cookie
            let home = try await web.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("admin"))
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            let old = web.cookie
            let res = try await web.post("/logout", form: [:])
            #expect(res.status == .seeOther)
            web.cookie = old
            #expect(try await web.get("/").status == .seeOther)
        }
    }

    @Test func apiCallsLeaveNoSessionRows() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            _ = try await t.request(.GET, "/api/v1/me", token: token)
            _ = try await t.request(.GET, "/health")
            #expect(try await SessionRecord.query(on: t.db).count() == 0)
        }
    }

    @Test func notFoundAndForbiddenPagesAreInChinese() async throws {
        try await TestApp.with { t in
            try await t.createUser("viewer", role: .viewer, division: "141124")
            let web = WebClient(t)
            let missing = try await web.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("页面不存在"))
            try await web.signIn("viewer", password: TestApp.password)
            let users = try await web.get("/users")
            #expect(users.status == .forbidden)
            #expect(users.body.string.contains("没有权限"))
            let home = try await web.get("/")
            #expect(!home.body.string.contains("href=\"/users\""), "no link to a page the role cannot open")
            #expect(!home.body.string.contains("href=\"/audit\""))
        }
    }

    @Test func userFormReRendersWithEveryProblem() async throws {
        try await TestApp.with { t in
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            let web = WebClient(t)
            try await web.signIn("lin.admin", password: TestApp.password)
            let res = try await web.post("/users", form: ["username": "A B", "password": "short", "role": "viewer", "division_code": "141100"])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains("data-field=\"username\""))
            #expect(html.contains("data-field=\"password\""))
            #expect(html.contains("data-field=\"division_code\""))
            #expect(html.contains("区划不存在或不在您的管辖范围内"))
            #expect(!html.contains("141123"), "no other county offered as a scope")
            let ok = try await web.post(
                "/users", form: ["username": "li.si", "password": "Password-123", "role": "operator", "division_code": "141124"])
            #expect(ok.status == .seeOther)
            let created = try #require(try await User.query(on: t.db).filter(\.$username == "li.si").first())
            #expect(created.role == .operator)
            let edit = try await web.post(
                "/users/\(created.id!.uuidString)", form: ["role": "supervisor", "division_code": "141124", "disabled": "on"])
            #expect(edit.status == .seeOther)
            let reloaded = try #require(try await User.find(created.id, on: t.db))
            #expect(reloaded.role == .supervisor)
            #expect(reloaded.disabled)
        }
    }

    @Test func auditAndDivisionPagesRender() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            let audit = try await web.get("/audit")
            #expect(audit.status == .ok)
            #expect(audit.body.string.contains("data-action=\"login.success\""))
            let filtered = try await web.get("/audit?actor=system&entity_type=division")
            #expect(filtered.body.string.contains("新增区划"))
            #expect(!filtered.body.string.contains("data-action=\"login.success\""))
            let divisions = try await web.get("/divisions")
            #expect(divisions.body.string.contains("临县"))
            #expect(divisions.body.string.contains("141124"))
        }
    }

    @Test func aPasswordResetEndsTheUsersWebSessions() async throws {
        try await TestApp.with { t in
            let user = try await t.createUser("lin.op", role: .operator, division: "141124")
            let web = WebClient(t)
            try await web.signIn("lin.op", password: TestApp.password)
            #expect(try await web.get("/").status == .ok)
            let admin = try await t.adminToken()
            let reset = try await t.request(.POST, "/api/v1/users/\(user.id!.uuidString)/password", token: admin, json: ["password": "Brand-New-42"])
            #expect(reset.status == .noContent)
            #expect(try await web.get("/").status == .seeOther, "the old session is void")
            let fresh = WebClient(t)
            try await fresh.signIn("lin.op", password: "Brand-New-42")
            #expect(try await fresh.get("/").status == .ok)
        }
    }
}
