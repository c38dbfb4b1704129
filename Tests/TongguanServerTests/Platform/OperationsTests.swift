import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct OperationsTests {
    @Test func healthAnswersAfterADatabaseRoundTrip() async throws {
        try await TestApp.with { t in
            let res = try await t.request(.GET, "/health")
            #expect(res.status == .ok)
            #expect(try res.json()["status"] as? String == "ok")
        }
    }

    @Test func healthIs503WithoutADatabase() async throws {
        try await TestApp.with { t in
            // Point the default database at a file that cannot be opened.
            t.app.databases.use(.sqlite(.file("/nonexistent-dir/none.sqlite")), as: .init(string: "broken"))
            t.app.databases.default(to: .init(string: "broken"))
            let res = try await t.request(.GET, "/health")
            #expect(res.status == .serviceUnavailable)
            #expect(try res.json()["status"] as? String == "unavailable")
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestApp.with(configure: { $0.metricsToken = "metrics-token-0123456789" }) { t in
            _ = try await t.request(.GET, "/health")
            _ = try await t.request(.GET, "/api/v1/me")
            try expectProblem(try await t.request(.GET, "/metrics"), .unauthorized)
            try expectProblem(try await t.request(.GET, "/metrics", token: "wrong-token-0123456789"), .unauthorized)
            let res = try await t.request(.GET, "/metrics", token: "metrics-token-0123456789")
            #expect(res.status == .ok)
            let text = res.body.string
            #expect(text.contains("http_requests_total{"))
            #expect(text.contains("path=\"/health\""))
            #expect(text.contains("status=\"401\""))
            #expect(text.contains("http_request_duration_seconds_bucket{"))
            #expect(text.contains("tongguan_db_pool_max_connections{"))
            #expect(text.contains("tongguan_db_up{"))
            #expect(text.contains("tongguan_db_write_lock_wait_seconds"))
        }
    }

    @Test func everyResponseCarriesSecurityHeadersAndARequestID() async throws {
        try await TestApp.with { t in
            for path in ["/login", "/health", "/api/v1/me", "/no-such-page", "/css/app.css"] {
                let res = try await t.request(.GET, path)
                let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("frame-ancestors 'none'"), "\(path)")
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(res.headers.first(name: "Referrer-Policy") != nil, "\(path)")
                #expect(res.headers.first(name: "X-Request-Id")?.isEmpty == false, "\(path)")
            }
        }
    }

    @Test func assetsAreServedFromTheBundle() async throws {
        try await TestApp.with { t in
            let res = try await t.request(.GET, "/css/app.css")
            #expect(res.status == .ok)
            #expect(res.body.string.contains("font-family"))
            #expect(!res.body.string.contains("http"), "no CDN or remote font in the stylesheet")
        }
    }
}

@Suite struct OpenAPITests {
    @Test func documentDescribesEveryAPIRoute() async throws {
        try await TestApp.with { t in
            let res = try await t.request(.GET, "/openapi.json")
            #expect(res.status == .ok)
            let doc = try res.json()
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            let apiRoutes = t.app.routes.all.filter { $0.path.first?.description == "api" }
            #expect(apiRoutes.count >= 13)
            for route in apiRoutes {
                let path =
                    "/"
                    + route.path.map { c -> String in
                        if case .parameter(let name) = c { return "{\(name)}" }
                        return c.description
                    }.joined(separator: "/")
                let op = paths[path]?[route.method.rawValue.lowercased()] as? [String: Any]
                #expect(op != nil, "\(route.method) \(path) is missing from /openapi.json")
                let responses = op?["responses"] as? [String: Any] ?? [:]
                #expect(responses["500"] != nil, "\(path) lists its error responses")
            }
            // A PUT that creates what was not there answers 201, and says so.
            let servicePut = paths["/api/v1/open311/services/{code}"]?["put"] as? [String: Any]
            let putStatuses = (servicePut?["responses"] as? [String: Any])?.keys.sorted() ?? []
            #expect(putStatuses.contains("200") && putStatuses.contains("201"), "\(putStatuses)")
            let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
            #expect(schemas["Problem"] != nil)
            // Every $ref points at a schema that exists.
            let text = res.body.string
            let refs = text.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
            for ref in refs { #expect(schemas[String(ref)] != nil, "dangling $ref \(ref)") }
        }
    }

    /// Without a token, only this machine's own clients may scrape; the in-process tester has
    /// no socket at all, so it stands for a remote client. The loopback scrape goes through a
    /// real socket with Vapor's client, which reads the whole answer: the metrics registry is
    /// global to the test process, and after a thousand tests' routes it passes the 1 MiB the
    /// testing client's `.running` mode accepts.
    @Test func metricsWithoutATokenAreForLoopbackOnly() async throws {
        try await TestApp.with { t in
            try expectProblem(try await t.request(.GET, "/metrics"), .forbidden)
            let port = Int.random(in: 20000...40000)
            try await t.app.server.start(address: .hostname("127.0.0.1", port: port))
            let local: ClientResponse
            do {
                local = try await t.app.client.get(URI(string: "http://127.0.0.1:\(port)/metrics"))
            } catch {
                await t.app.server.shutdown()
                throw error
            }
            await t.app.server.shutdown()
            #expect(local.status == .ok)
            #expect(local.body.map { String(buffer: $0) }?.contains("tongguan_db_up{") == true)
        }
    }

    @Test func healthSaysUpOrDownAndNothingElse() async throws {
        try await TestApp.with { t in
            let res = try await t.request(.GET, "/health")
            #expect(try res.json().keys.sorted() == ["status"])
        }
    }
}
