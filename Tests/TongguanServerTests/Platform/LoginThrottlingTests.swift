import Foundation
import NIOHTTP1
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Lockout per (name, address) and per address: an attacker elsewhere can neither lock a
/// person out nor spray names. Addresses come from a trusted proxy's X-Forwarded-For, over a
/// real socket (the in-process tester has no peer address).
@Suite struct LoginThrottlingTests {
    static let proxy = IPAddressRange("127.0.0.1")!

    func login(_ tester: any TestingApplicationTester, _ name: String, _ password: String, from address: String?) async throws -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        headers.contentType = .json
        if let address { headers.add(name: .xForwardedFor, value: address) }
        let body = try JSONSerialization.data(withJSONObject: ["username": name, "password": password])
        return try await tester.sendRequest(.POST, "/api/v1/auth/token", headers: headers, body: ByteBuffer(data: body))
    }

    func running(_ t: TestApp) throws -> any TestingApplicationTester {
        try t.app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20000...40000)))
    }

    @Test func failuresFromOneAddressDoNotLockTheOwnerOutElsewhere() async throws {
        try await TestApp.with(configure: { $0.trustedProxies = [Self.proxy] }) { t in
            let tester = try running(t)
            for _ in 1...5 {
                #expect(try await login(tester, "admin", "wrong-wrong-1", from: "203.0.113.9").status == .unauthorized)
            }
            // The attacker's address is locked for this name, even with the right password…
            let locked = try await login(tester, "admin", TestApp.adminPassword, from: "203.0.113.9")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers.first(name: .retryAfter) != nil)
            // …but the owner, signing in from the office, is not.
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "10.1.2.3").status == .ok)
        }
    }

    @Test func sprayingManyNamesFromOneAddressIsCutShort() async throws {
        try await TestApp.with(configure: { $0.trustedProxies = [Self.proxy] }) { t in
            let tester = try running(t)
            let limit = LoginThrottle.address.maxFailures
            for i in 1...limit {
                #expect(try await login(tester, "user\(i)", "wrong-wrong-1", from: "198.51.100.7").status == .unauthorized)
            }
            // A thirtieth name from the same address no longer gets a password check.
            #expect(try await login(tester, "user-next", "wrong-wrong-1", from: "198.51.100.7").status == .tooManyRequests)
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "198.51.100.7").status == .tooManyRequests)
            // Other addresses are unaffected.
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "198.51.100.8").status == .ok)
        }
    }

    @Test func forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() async throws {
        try await TestApp.with { t in
            let tester = try running(t)
            // Each attempt claims another address; without a trusted proxy all count as the
            // socket's own address, so the claim buys nothing.
            for i in 1...5 {
                _ = try await login(tester, "admin", "wrong-wrong-1", from: "192.0.2.\(i)")
            }
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "192.0.2.99").status == .tooManyRequests)
        }
    }

    @Test func addressesLeftOfATrustedHopProveNothing() async throws {
        try await TestApp.with(configure: { $0.trustedProxies = [Self.proxy, IPAddressRange("10.0.0.0/8")!] }) { t in
            let tester = try running(t)
            // The client wrote the first entry; 10.9.9.9 is our second proxy; the client is 203.0.113.50.
            for i in 1...5 {
                _ = try await login(tester, "admin", "wrong-wrong-1", from: "1.1.1.\(i), 203.0.113.50, 10.9.9.9")
            }
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "8.8.8.8, 203.0.113.50, 10.9.9.9").status == .tooManyRequests)
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "203.0.113.51, 10.9.9.9").status == .ok)
        }
    }

    @Test func anAdminCanUnlockAName() async throws {
        try await TestApp.with(configure: { $0.trustedProxies = [Self.proxy] }) { t in
            let tester = try running(t)
            for _ in 1...5 { _ = try await login(tester, "admin", "wrong-wrong-1", from: "203.0.113.9") }
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "203.0.113.9").status == .tooManyRequests)
            let lifted = try await LoginService.unlock(
                username: "Admin", actor: AuditActor(name: "cli:test", requestID: "t", clientAddress: "local"), on: t.db)
            #expect(lifted == 1)
            #expect(try await login(tester, "admin", TestApp.adminPassword, from: "203.0.113.9").status == .ok)
            let actions = try await t.sql.select().column("action").from("audit_events").all().map {
                try $0.decode(column: "action", as: String.self)
            }
            #expect(actions.contains("login.unlock"))
        }
    }

    /// The probe's finding: a NUL in a name was stored in an audit actor, read back cut short,
    /// and `audit verify` failed for ever after.
    @Test func controlCharactersInANameAreRefusedBeforeAnythingIsWritten() async throws {
        try await TestApp.with { t in
            let before = try await t.sql.select().column("seq").from("audit_events").all().count
            for name in ["admin\u{0000}", "admin\u{001B}[2J", "ad\u{202E}nim", "admin\u{FEFF}"] {
                let res = try await t.request(.POST, "/api/v1/auth/token", json: ["username": name, "password": "x"])
                try expectProblem(res, .unprocessableEntity)
                #expect(try res.problemFields() == ["username"])
            }
            let after = try await t.sql.select().column("seq").from("audit_events").all().count
            #expect(after == before)
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: after))
            // The web form refuses the same way.
            let web = WebClient(t)
            try await web.get("/login")
            let res = try await web.post("/login", form: ["username": "admin\u{0000}", "password": "x"])
            #expect(res.status == .unprocessableEntity)
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: after))
        }
    }
}
