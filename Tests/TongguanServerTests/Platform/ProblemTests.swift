import Foundation
import Testing
import Vapor
import VaporTesting

@testable import TongguanServer

/// Every API error is RFC 9457 problem+json, listing every field problem at once.
@Suite struct ProblemTests {

    @Test func malformedJSON() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try expectProblem(try await t.request(.POST, "/api/v1/users", token: token, raw: "{\"username\": "), .badRequest)
            try expectProblem(try await t.request(.POST, "/api/v1/users", token: token, raw: "[1,2]"), .badRequest)
            try expectProblem(try await t.request(.POST, "/api/v1/auth/token", raw: "not json"), .badRequest)
        }
    }

    @Test func wrongTypesAndMissingFieldsAreAllListed() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(
                .POST, "/api/v1/users", token: token,
                json: ["username": 42, "role": "king", "division_code": "14112", "colour": "red"])
            try expectProblem(res, .unprocessableEntity)
            let fields = Set(try res.problemFields())
            #expect(fields == ["username", "password", "role", "division_code", "colour"])
            let messages = (try res.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(
                messages.allSatisfy { $0.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } }, "messages in Chinese: \(messages)")
        }
    }

    @Test func businessRulesJoinTheSameList() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(
                .POST, "/api/v1/users", token: token,
                json: ["username": "admin", "password": "short", "role": "viewer", "division_code": "141199"])
            try expectProblem(res, .unprocessableEntity)
            #expect(Set(try res.problemFields()) == ["username", "password", "division_code"])
        }
    }

    @Test func unknownRoutesAndMethods() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try expectProblem(try await t.request(.GET, "/api/v1/nothing-here", token: token), .notFound)
            try expectProblem(try await t.request(.GET, "/api/v2/users"), .notFound)
            // A path that exists under other methods answers 405 with the methods it has.
            let put = try await t.request(.PUT, "/api/v1/me", token: token)
            try expectProblem(put, .methodNotAllowed)
            #expect(put.headers.first(name: .allow) == "GET")
            let trace = try await t.request(.TRACE, "/api/v1/projects", token: token)
            try expectProblem(trace, .methodNotAllowed)
            #expect(trace.headers.first(name: .allow)?.contains("POST") == true)
            try expectProblem(try await t.request(.TRACE, "/api/v1/nothing-here", token: token), .notFound)
            try expectProblem(try await t.request(.GET, "/api/v1/users/not-a-uuid", token: token), .notFound)
        }
    }

    @Test func unsupportedMediaType() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            var headers = HTTPHeaders()
            headers.contentType = .plainText
            try expectProblem(try await t.request(.POST, "/api/v1/users", token: token, raw: "hello", headers: headers), .unsupportedMediaType)
        }
    }

    @Test func badPaging() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(.GET, "/api/v1/users?page=-1&per=100000", token: token)
            try expectProblem(res, .unprocessableEntity)
            #expect(Set(try res.problemFields()) == ["page", "per"])
        }
    }

    @Test func forbiddenRole() async throws {
        try await TestApp.with { t in
            try await t.createUser("viewer", role: .viewer, division: "141100")
            try expectProblem(try await t.request(.GET, "/api/v1/users", token: try await t.token("viewer")), .forbidden)
        }
    }

    /// The body limit is enforced while streaming, so this needs a real socket.
    @Test func oversizeBodies() async throws {
        try await TestApp.with(configure: { $0.maxBodySize = "16kb" }) { t in
            let port = Int.random(in: 20000...40000)
            let tester = try t.app.testing(method: .running(hostname: "127.0.0.1", port: port))
            var headers = HTTPHeaders()
            headers.contentType = .json
            let big = "{\"username\":\"" + String(repeating: "x", count: 64 * 1024) + "\",\"password\":\"p\"}"
            let res = try await tester.sendRequest(.POST, "/api/v1/auth/token", headers: headers, body: ByteBuffer(string: big))
            try expectProblem(res, .payloadTooLarge)
        }
    }

    @Test func longStringsAreRefusedNotStored() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(
                .POST, "/api/v1/divisions", token: token,
                json: ["code": "141124500", "name": String(repeating: "镇", count: 51)])
            try expectProblem(res, .unprocessableEntity)
            #expect(try res.problemFields() == ["name"])
        }
    }
}
