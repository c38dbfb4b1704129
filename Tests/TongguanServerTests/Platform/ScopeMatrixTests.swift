import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Every role × (same county, other county, city) × every `/api/v1` route.
///
/// The caller is scoped to 临县 (141124); each route is called against a target in 临县, in
/// 兴县 (141123) and at city level (141100). Out-of-scope targets must answer exactly like
/// missing ones (404, or a 422 naming the field for create routes); routes the role may not
/// use answer 403. Every registered API route must appear in `cases`, so each later module
/// adds its routes here.
@Suite struct ScopeMatrixTests {
    enum Place: String, CaseIterable { case sameCounty, otherCounty, city }

    static let divisionOf: [Place: String] = [.sameCounty: "141124", .otherCounty: "141123", .city: "141100"]

    /// What a route answers for a role and a place.
    struct Case: Sendable {
        var method: HTTPMethod
        var path: String
        /// Builds the concrete request for a target place; returns path and optional JSON body.
        var make: @Sendable (Fixture, Place) -> (String, [String: any Sendable]?)
        var expected: @Sendable (Role, Place) -> HTTPResponseStatus
    }

    /// Records in each place for the routes to reach, by kind ("user", "project", …).
    struct Fixture: Sendable {
        var ids: [String: [Place: String]] = [:]
        var freshName: @Sendable () -> String

        func id(_ kind: String, _ place: Place) -> String { ids[kind]?[place] ?? "missing-\(kind)" }
        var userIDs: [Place: String] { ids["user"] ?? [:] }
    }

    /// One module's share of the matrix: its routes, and the records in each place they need.
    struct Part: Sendable {
        var cases: [Case]
        var setUp: @Sendable (TestApp, inout Fixture) async throws -> Void = { _, _ in }
    }

    /// Every module's part; a new module adds its file under its own test folder and one line here.
    static let parts: [Part] = [platform, projects, monitoring, monitoringWorkflow, monitoringReports, petitions, ledgers, indicators]

    static var cases: [Case] { parts.flatMap(\.cases) }

    /// Editors (admin, operator) may change records in scope; the others get 403.
    static func editorsOnly(
        success: HTTPResponseStatus, outside: HTTPResponseStatus = .notFound, city: HTTPResponseStatus? = nil
    ) -> @Sendable (Role, Place) -> HTTPResponseStatus {
        { role, place in
            guard role.canEditRecords else { return .forbidden }
            switch place {
            case .sameCounty: return success
            case .otherCounty: return outside
            case .city: return city ?? outside
            }
        }
    }

    /// Read routes any role may use: in scope 200, elsewhere 404.
    static func readable(_ role: Role, _ place: Place) -> HTTPResponseStatus { place == .sameCounty ? .ok : .notFound }

    static func adminOnly(success: HTTPResponseStatus, outside: HTTPResponseStatus = .notFound) -> @Sendable (Role, Place) -> HTTPResponseStatus {
        { role, place in role != .admin ? .forbidden : (place == .sameCounty ? success : outside) }
    }

    static let platform = Part(cases: [
        Case(
            method: .POST, path: "/api/v1/auth/token",
            make: { _, _ in ("/api/v1/auth/token", ["username": "m.admin", "password": TestApp.password]) },
            expected: { _, _ in .ok }),
        Case(method: .DELETE, path: "/api/v1/auth/token", make: { _, _ in ("/api/v1/auth/token", nil) }, expected: { _, _ in .noContent }),
        Case(method: .GET, path: "/api/v1/me", make: { _, _ in ("/api/v1/me", nil) }, expected: { _, _ in .ok }),
        Case(
            method: .GET, path: "/api/v1/users", make: { _, _ in ("/api/v1/users", nil) },
            expected: { role, _ in role == .admin ? .ok : .forbidden }),
        Case(
            method: .POST, path: "/api/v1/users",
            make: { f, place in
                (
                    "/api/v1/users",
                    [
                        "username": f.freshName(), "password": TestApp.password, "role": "viewer",
                        "division_code": divisionOf[place]!,
                    ]
                )
            },
            expected: adminOnly(success: .created, outside: .unprocessableEntity)),
        Case(
            method: .GET, path: "/api/v1/users/:id", make: { f, place in ("/api/v1/users/\(f.userIDs[place]!)", nil) },
            expected: adminOnly(success: .ok)),
        Case(
            method: .PATCH, path: "/api/v1/users/:id", make: { f, place in ("/api/v1/users/\(f.userIDs[place]!)", ["disabled": false]) },
            expected: adminOnly(success: .ok)),
        Case(
            method: .POST, path: "/api/v1/users/:id/password",
            make: { f, place in ("/api/v1/users/\(f.userIDs[place]!)/password", ["password": "Another-Pass-9"]) },
            expected: adminOnly(success: .noContent)),
        Case(
            method: .GET, path: "/api/v1/divisions/:code", make: { _, place in ("/api/v1/divisions/\(divisionOf[place]!)", nil) },
            expected: readable),
        Case(
            method: .GET, path: "/api/v1/divisions",
            make: { _, place in ("/api/v1/divisions?parent=\(divisionOf[place]!)", nil) }, expected: { _, _ in .ok }),
        Case(
            method: .POST, path: "/api/v1/divisions",
            make: { f, place in ("/api/v1/divisions", ["code": divisionOf[place]! + String(500 + Int.random(in: 0...399)), "name": "测试镇"]) },
            expected: adminOnly(success: .created, outside: .unprocessableEntity)),
        Case(
            method: .PATCH, path: "/api/v1/divisions/:code",
            make: { _, place in ("/api/v1/divisions/\(divisionOf[place]!)", ["name": "改名"]) }, expected: adminOnly(success: .ok)),
        Case(
            method: .POST, path: "/api/v1/divisions/import",
            make: { _, place in
                // A village under a real township of the place; the city row for the city.
                let row = place == .city ? "141100,吕梁市" : "\(divisionOf[place]!)100901,矩阵村"
                return ("/api/v1/divisions/import", ["__raw": "code,name\n\(row)\n"])
            },
            expected: adminOnly(success: .ok, outside: .unprocessableEntity)),
        Case(
            method: .GET, path: "/api/v1/divisions/export",
            make: { _, place in ("/api/v1/divisions/export?division=\(divisionOf[place]!)", nil) }, expected: readable),
        Case(
            method: .GET, path: "/api/v1/audit", make: { f, place in ("/api/v1/audit?entity_id=\(f.userIDs[place]!)", nil) },
            expected: { role, _ in role.canReadAudit ? .ok : .forbidden }),
    ])

    @Test func everyAPIRouteIsInTheMatrix() async throws {
        try await TestApp.with { t in
            let registered = Set(
                t.app.routes.all.filter { $0.path.first?.description == "api" }.map { route in
                    "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
                })
            let covered = Set(Self.cases.map { "\($0.method.rawValue) \($0.path)" })
            #expect(registered.subtracting(covered).isEmpty, "routes missing from the scope matrix: \(registered.subtracting(covered).sorted())")
            #expect(covered.subtracting(registered).isEmpty, "matrix names routes that do not exist: \(covered.subtracting(registered).sorted())")
        }
    }

    @Test(arguments: Role.allCases)
    func countyCallerSeesOnlyItsCounty(role: Role) async throws {
        try await TestApp.with { t in
            var ids: [Place: String] = [:]
            for place in Place.allCases {
                ids[place] = try await t.createUser("target.\(place.rawValue)", role: .viewer, division: Self.divisionOf[place]!).id!.uuidString
            }
            let counter = Counter()
            var fixture = Fixture(ids: ["user": ids], freshName: { "new.user\(counter.next())" })
            for part in Self.parts {
                // Kinds are one namespace across modules: a part that reuses another's kind
                // would silently point that module's routes at the wrong records.
                let before = fixture.ids
                try await part.setUp(t, &fixture)
                for (kind, places) in before where fixture.ids[kind] != places {
                    Issue.record("a scope-matrix part overwrote the fixture kind \"\(kind)\" set by an earlier part")
                }
            }
            let made = fixture
            try await t.createUser("m.admin", role: .viewer, division: "141124")
            try await t.createUser("caller", role: role, division: "141124")
            for c in Self.cases {
                for place in Place.allCases {
                    let token = try await t.token("caller")
                    let (path, body) = c.make(made, place)
                    let headers: HTTPHeaders = c.method == .PATCH ? ["If-Match": "*"] : [:]
                    let res: TestingHTTPResponse
                    if let raw = body?["__raw"] as? String {
                        res = try await t.request(c.method, path, token: token, raw: raw, headers: ["Content-Type": "text/csv"])
                    } else {
                        res = try await t.request(c.method, path, token: token, json: body, headers: headers)
                    }
                    let expected = c.expected(role, place)
                    #expect(res.status == expected, "\(role) \(c.method) \(path) [\(place)]: \(res.body.string)")
                    if res.status.code >= 400 { #expect(res.isProblem, "\(c.method) \(path) is not problem+json") }
                    if expected == .unprocessableEntity, body?["__raw"] == nil {
                        #expect(try res.problemFields().contains("division_code") || res.problemFields().contains("code"))
                    }
                }
            }
        }
    }

    @Test func cityCallerSeesEveryCounty() async throws {
        try await TestApp.with { t in
            let target = try await t.createUser("in.lin", role: .viewer, division: "141124")
            let token = try await t.adminToken()
            #expect(try await t.request(.GET, "/api/v1/users/\(target.id!.uuidString)", token: token).status == .ok)
            #expect(try await t.request(.GET, "/api/v1/divisions/141123", token: token).status == .ok)
            let list = try await t.request(.GET, "/api/v1/divisions", token: token)
            #expect((try list.json()["metadata"] as? [String: Any])?["total"] as? Int == 1 + 13 + 154)
        }
    }

    @Test func listsHoldOnlyTheCallerScope() async throws {
        try await TestApp.with { t in
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            try await t.createUser("xing.viewer", role: .viewer, division: "141123")
            let token = try await t.token("lin.admin")
            let users = try await t.request(.GET, "/api/v1/users", token: token)
            let names = (try users.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
            #expect(names == ["lin.admin"])
            let divisions = try await t.request(.GET, "/api/v1/divisions", token: token)
            let codes = (try divisions.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            // The county and its 23 townships, nothing of another county.
            #expect(codes.first == "141124" && codes.count == 1 + 23 && codes.allSatisfy { $0.hasPrefix("141124") })
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
