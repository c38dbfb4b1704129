import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Shared set-up of the 诉求 tests: a fixed data key, a county unit with a handler, a
/// leader, and helpers to register and move cases through the API.
struct CaseKit {
    let t: TestApp
    /// 临县信访局 (141124) with user `lin.handler` (operator) in it.
    var unitID: String = ""
    /// 临县住建局 (141124), with nobody in it.
    var otherUnitID: String = ""
    var leaderID: String = ""
    var admin: String = ""
    var handler: String = ""

    static func make(_ t: TestApp) async throws -> CaseKit {
        var kit = CaseKit(t: t)
        kit.admin = try await t.adminToken()
        let unit = try await t.request(.POST, "/api/v1/units", token: kit.admin, json: ["name": "临县信访局", "division_code": "141124"])
        try #require(unit.status == .created, "\(unit.body.string)")
        kit.unitID = try unit.json()["id"] as! String
        let other = try await t.request(.POST, "/api/v1/units", token: kit.admin, json: ["name": "临县住建局", "division_code": "141124"])
        kit.otherUnitID = try other.json()["id"] as! String
        let user = try await t.createUser("lin.handler", role: .operator, division: "141124")
        let member = try await t.request(.POST, "/api/v1/units/\(kit.unitID)/members", token: kit.admin, json: ["user_id": user.id!.uuidString])
        try #require(member.status == .ok, "\(member.body.string)")
        kit.handler = try await t.token("lin.handler")
        let leader = try await t.request(
            .POST, "/api/v1/leaders", token: kit.admin, json: ["name": "王市长", "title": "副市长", "division_code": "141100"])
        try #require(leader.status == .created, "\(leader.body.string)")
        kit.leaderID = try leader.json()["id"] as! String
        return kit
    }

    static func body(
        source: String = "hotline", kind: String = "投诉", division: String = "141124", received: String = "2024-09-02",
        extra: [String: Any] = [:]
    ) -> [String: Any] {
        var b: [String: Any] = [
            "source": source, "kind": kind, "title": "小区供暖不热", "content": "反映小区暖气温度不达标,请求处理。",
            "requester": ["name": "张三丰", "phone": "13800001234"], "division_code": division, "received_on": received,
        ]
        for (k, v) in extra { b[k] = v }
        return b
    }

    /// Registers a case and returns its JSON.
    func register(_ body: [String: Any] = CaseKit.body(), token: String? = nil) async throws -> [String: Any] {
        let res = try await t.request(.POST, "/api/v1/cases", token: token ?? admin, json: body)
        try #require(res.status == .created, "\(res.body.string)")
        return try res.json()
    }

    @discardableResult
    func act(_ id: String, _ action: String, token: String? = nil, _ fields: [String: Any] = [:]) async throws -> TestingHTTPResponse {
        var body = fields
        body["action"] = action
        return try await t.request(.POST, "/api/v1/cases/\(id)/actions", token: token ?? admin, json: body)
    }

    /// Acts and requires success; returns the case.
    @discardableResult
    func must(_ id: String, _ action: String, token: String? = nil, _ fields: [String: Any] = [:]) async throws -> [String: Any] {
        let res = try await act(id, action, token: token, fields)
        try #require(res.status == .ok, "\(action): \(res.body.string)")
        return try res.json()
    }

    func get(_ id: String, token: String? = nil) async throws -> [String: Any] {
        let res = try await t.request(.GET, "/api/v1/cases/\(id)", token: token ?? admin)
        try #require(res.status == .ok, "\(res.body.string)")
        return try res.json()
    }
}

extension TestingHTTPResponse {
    /// The condition codes of a 409 refusal.
    func conditionCodes() throws -> [String] {
        (try json()["conditions"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }
}
