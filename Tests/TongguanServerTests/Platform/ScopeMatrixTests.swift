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

    /// Records in each place for the routes to reach.
    struct Fixture: Sendable {
        var userIDs: [Place: String]
        var projectIDs: [Place: String] = [:]
        var roundIDs: [Place: String] = [:]
        var freshName: @Sendable () -> String
    }

    /// Editors (admin, operator) may change records in scope; the others get 403.
    static func editorsOnly(success: HTTPResponseStatus, outside: HTTPResponseStatus = .notFound, city: HTTPResponseStatus? = nil) -> @Sendable (Role, Place) -> HTTPResponseStatus {
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

    static let cases: [Case] = [
        Case(method: .POST, path: "/api/v1/auth/token", make: { _, _ in ("/api/v1/auth/token", ["username": "m.admin", "password": TestApp.password]) },
             expected: { _, _ in .ok }),
        Case(method: .DELETE, path: "/api/v1/auth/token", make: { _, _ in ("/api/v1/auth/token", nil) }, expected: { _, _ in .noContent }),
        Case(method: .GET, path: "/api/v1/me", make: { _, _ in ("/api/v1/me", nil) }, expected: { _, _ in .ok }),
        Case(method: .GET, path: "/api/v1/users", make: { _, _ in ("/api/v1/users", nil) },
             expected: { role, _ in role == .admin ? .ok : .forbidden }),
        Case(method: .POST, path: "/api/v1/users",
             make: { f, place in ("/api/v1/users", ["username": f.freshName(), "password": TestApp.password, "role": "viewer",
                                                     "division_code": divisionOf[place]!]) },
             expected: adminOnly(success: .created, outside: .unprocessableEntity)),
        Case(method: .GET, path: "/api/v1/users/:id", make: { f, place in ("/api/v1/users/\(f.userIDs[place]!)", nil) },
             expected: adminOnly(success: .ok)),
        Case(method: .PATCH, path: "/api/v1/users/:id", make: { f, place in ("/api/v1/users/\(f.userIDs[place]!)", ["disabled": false]) },
             expected: adminOnly(success: .ok)),
        Case(method: .POST, path: "/api/v1/users/:id/password",
             make: { f, place in ("/api/v1/users/\(f.userIDs[place]!)/password", ["password": "Another-Pass-9"]) },
             expected: adminOnly(success: .noContent)),
        Case(method: .GET, path: "/api/v1/divisions/:code", make: { _, place in ("/api/v1/divisions/\(divisionOf[place]!)", nil) },
             expected: readable),
        Case(method: .GET, path: "/api/v1/divisions",
             make: { _, place in ("/api/v1/divisions?parent=\(divisionOf[place]!)", nil) }, expected: { _, _ in .ok }),
        Case(method: .POST, path: "/api/v1/divisions",
             make: { f, place in ("/api/v1/divisions", ["code": divisionOf[place]! + String(100 + Int.random(in: 0...899)), "name": "测试镇"]) },
             expected: adminOnly(success: .created, outside: .unprocessableEntity)),
        Case(method: .PATCH, path: "/api/v1/divisions/:code",
             make: { _, place in ("/api/v1/divisions/\(divisionOf[place]!)", ["name": "改名"]) }, expected: adminOnly(success: .ok)),
        Case(method: .GET, path: "/api/v1/audit", make: { f, place in ("/api/v1/audit?entity_id=\(f.userIDs[place]!)", nil) },
             expected: { role, _ in role.canReadAudit ? .ok : .forbidden }),
        // 项目
        Case(method: .GET, path: "/api/v1/rounds", make: { _, _ in ("/api/v1/rounds", nil) }, expected: { _, _ in .ok }),
        Case(method: .POST, path: "/api/v1/rounds",
             make: { f, place in ("/api/v1/rounds", ["name": "批次\(f.freshName())", "date": "2021-07-16", "division_code": divisionOf[place]!]) },
             expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
        // A county sees the city's rounds (its projects are announced there) but cannot change them.
        Case(method: .GET, path: "/api/v1/rounds/:id", make: { f, place in ("/api/v1/rounds/\(f.roundIDs[place]!)", nil) },
             expected: { _, place in place == .otherCounty ? .notFound : .ok }),
        Case(method: .PATCH, path: "/api/v1/rounds/:id", make: { f, place in ("/api/v1/rounds/\(f.roundIDs[place]!)", ["venue": "开发区"]) },
             expected: editorsOnly(success: .ok, city: .forbidden)),
        Case(method: .GET, path: "/api/v1/projects", make: { _, place in ("/api/v1/projects?division=\(divisionOf[place]!)", nil) },
             expected: { _, _ in .ok }),
        Case(method: .POST, path: "/api/v1/projects",
             make: { f, place in ("/api/v1/projects", ["name": "项目\(f.freshName())", "investor_name": "测试公司", "credit_code": "91350100M000100Y43",
                                                        "division_code": divisionOf[place]!, "industry": "白酒",
                                                        "total_investment_fen": 100, "expected_annual_output_fen": 0]) },
             expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
        Case(method: .GET, path: "/api/v1/projects/summary",
             make: { _, place in ("/api/v1/projects/summary?group_by=division&division=\(divisionOf[place]!)", nil) }, expected: { _, _ in .ok }),
        Case(method: .GET, path: "/api/v1/projects/:id", make: { f, place in ("/api/v1/projects/\(f.projectIDs[place]!)", nil) },
             expected: readable),
        Case(method: .PATCH, path: "/api/v1/projects/:id", make: { f, place in ("/api/v1/projects/\(f.projectIDs[place]!)", ["notes": "改"]) },
             expected: editorsOnly(success: .ok)),
        Case(method: .PUT, path: "/api/v1/projects/:id/milestones/:stage",
             make: { f, place in ("/api/v1/projects/\(f.projectIDs[place]!)/milestones/started", ["date": "2021-08-01"]) },
             expected: editorsOnly(success: .ok)),
        Case(method: .DELETE, path: "/api/v1/projects/:id/milestones/:stage",
             make: { f, place in ("/api/v1/projects/\(f.projectIDs[place]!)/milestones/started", nil) },
             expected: editorsOnly(success: .ok)),
        Case(method: .POST, path: "/api/v1/projects/import",
             make: { f, place in ("/api/v1/projects/import", ["__raw": ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",") + "\n"
                 + "导入\(f.freshName()),公司,91350100M000100Y43,\(divisionOf[place]!),,白酒,100,0,2021-07-16,,,,,,,,\n"]) },
             expected: editorsOnly(success: .ok, outside: .unprocessableEntity)),
        Case(method: .GET, path: "/api/v1/projects/export", make: { _, place in ("/api/v1/projects/export?division=\(divisionOf[place]!)", nil) },
             expected: { _, _ in .ok }),
        Case(method: .DELETE, path: "/api/v1/projects/:id", make: { f, place in ("/api/v1/projects/\(f.projectIDs[place]!)", nil) },
             expected: editorsOnly(success: .noContent)),
        Case(method: .DELETE, path: "/api/v1/rounds/:id", make: { f, place in ("/api/v1/rounds/\(f.roundIDs[place]!)", nil) },
             expected: editorsOnly(success: .noContent, city: .forbidden)),
    ]

    @Test func everyAPIRouteIsInTheMatrix() async throws {
        try await TestApp.with { t in
            let registered = Set(t.app.routes.all.filter { $0.path.first?.description == "api" }.map { route in
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
            var fixture = Fixture(userIDs: ids, freshName: { "new.user\(counter.next())" })
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            // Projects sit in counties: the "city" target is a project in 离石区, also outside 临县.
            let projectPlaces: [Place: String] = [.sameCounty: "141124", .otherCounty: "141123", .city: "141102"]
            for place in Place.allCases {
                let round = Round(name: "批次-\(place.rawValue)", date: "2021-07-16", venue: nil, divisionCode: Self.divisionOf[place]!)
                try await round.create(on: t.db)
                fixture.roundIDs[place] = round.id!.uuidString
                var fields = ProjectFields()
                fields.name = "项目-\(place.rawValue)"; fields.investorName = "公司"; fields.creditCode = "91350100M000100Y43"
                fields.divisionCode = DivisionCode(projectPlaces[place]!); fields.industry = "白酒"
                fields.totalInvestmentFen = 1_000_000; fields.expectedAnnualOutputFen = 0
                let project = try await ProjectService.create(fields, milestones: [.init(stage: .signed, date: CivilDate(iso: "2021-07-01")!, roundID: nil)],
                                                              actor: actor, on: t.db)
                fixture.projectIDs[place] = project.id!.uuidString
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
            #expect((try list.json()["metadata"] as? [String: Any])?["total"] as? Int == 14)
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
            #expect(codes == ["141124"])
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
