import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct AuthAPITests {
    @Test func tokenLoginAndMe() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let me = try await t.request(.GET, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            let body = try me.json()
            #expect(body["username"] as? String == "admin")
            #expect(body["role"] as? String == "admin")
            #expect(body["division_code"] as? String == "141100")
        }
    }

    @Test func unknownUserAndWrongPasswordAnswerAlike() async throws {
        try await TestApp.with { t in
            let wrong = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "admin", "password": "nope-nope-1"])
            let unknown = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "ghost", "password": "nope-nope-1"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.isProblem && unknown.isProblem)
            let a = try wrong.json(), b = try unknown.json()
            #expect(a["title"] as? String == b["title"] as? String)
            #expect(a["detail"] as? String == b["detail"] as? String)
            #expect(a["detail"] as? String == "用户名或密码错误")
        }
    }

    @Test func missingOrBogusTokenIsRefused() async throws {
        try await TestApp.with { t in
            let none = try await t.request(.GET, "/api/v1/me")
            #expect(none.status == .unauthorized)
            #expect(none.isProblem)
            #expect(none.headers.first(name: .wwwAuthenticate) == "Bearer")
            let bogus = try await t.request(.GET, "/api/v1/me", token: "not-a-token")
            #expect(bogus.status == .unauthorized)
        }
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let stored = try await ApiToken.query(on: t.db).all()
            #expect(stored.count == 1)
            #expect(stored[0].tokenHash != token)
            #expect(stored[0].tokenHash == ApiToken.hash(token))
        }
    }

    @Test func expiredTokenIsRefused() async throws {
        try await TestApp.with(configure: { $0.tokenLifetime = 3600 }) { t in
            let token = try await t.adminToken()
            let stored = try #require(try await ApiToken.query(on: t.db).first())
            #expect(abs(stored.expiresAt.timeIntervalSinceNow - 3600) < 60)
            stored.expiresAt = Date().addingTimeInterval(-1)
            try await stored.save(on: t.db)
            let res = try await t.request(.GET, "/api/v1/me", token: token)
            #expect(res.status == .unauthorized)
        }
    }

    @Test func revokedTokenIsRefusedAndOthersKeepWorking() async throws {
        try await TestApp.with { t in
            let first = try await t.adminToken()
            let second = try await t.adminToken()
            let revoke = try await t.request(.DELETE, "/api/v1/auth/token", token: first)
            #expect(revoke.status == .noContent)
            #expect(try await t.request(.GET, "/api/v1/me", token: first).status == .unauthorized)
            #expect(try await t.request(.GET, "/api/v1/me", token: second).status == .ok)
        }
    }

    @Test func disabledUserLosesAccess() async throws {
        try await TestApp.with { t in
            let user = try await t.createUser("linxian.op", role: .operator, division: "141124")
            let token = try await t.token("linxian.op")
            user.disabled = true
            try await user.save(on: t.db)
            #expect(try await t.request(.GET, "/api/v1/me", token: token).status == .unauthorized)
            let again = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "linxian.op", "password": TestApp.password])
            #expect(again.status == .unauthorized)
        }
    }

    @Test func fiveFailuresLockTheAccountForFifteenMinutes() async throws {
        try await TestApp.with { t in
            for _ in 1...5 {
                let res = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "admin", "password": "wrong-wrong-1"])
                #expect(res.status == .unauthorized)
            }
            // Even the right password is refused while locked.
            let locked = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "admin", "password": TestApp.adminPassword])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.isProblem)
            let retry = try #require(locked.headers.first(name: .retryAfter).flatMap(Int.init))
            #expect((890...900).contains(retry))
            #expect((try locked.json()["detail"] as? String)?.contains("分钟后再试") == true)
            // Another account is not affected.
            try await t.createUser("other", role: .viewer, division: "141100")
            #expect(try await t.request(.POST, "/api/v1/auth/token", json: ["username": "other", "password": TestApp.password]).status == .ok)
            // After the lock runs out, the right password works again.
            // In-process requests have no socket, so their address reads "unknown".
            let record = try #require(try await LoginThrottleRecord.find(LoginThrottleRecord.accountKey("admin", address: "unknown"), on: t.db))
            record.lockedUntil = Date().addingTimeInterval(-1)
            try await record.save(on: t.db)
            #expect(try await t.request(.POST, "/api/v1/auth/token", json: ["username": "admin", "password": TestApp.adminPassword]).status == .ok)
        }
    }

    @Test func unknownNamesAreThrottledToo() async throws {
        try await TestApp.with { t in
            for _ in 1...5 {
                _ = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "nobody", "password": "wrong-wrong-1"])
            }
            let res = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "nobody", "password": "wrong-wrong-1"])
            #expect(res.status == .tooManyRequests)
        }
    }

    @Test func loginsAreAudited() async throws {
        try await TestApp.with { t in
            _ = try await t.request(.POST, "/api/v1/auth/token", json: ["username": "admin", "password": "wrong-wrong-1"])
            _ = try await t.adminToken()
            let actions = try await t.sql.select().column("action").from("audit_events").orderBy("seq")
                .all().map { try $0.decode(column: "action", as: String.self) }
            #expect(actions.suffix(2) == ["login.failure", "login.success"])
        }
    }
}
