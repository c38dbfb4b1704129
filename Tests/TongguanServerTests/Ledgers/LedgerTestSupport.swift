import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// A ledger with one field of every type, as the API takes it.
enum LedgerSamples {
    static let validID = "11010519491231002X"
    static let otherID = "141124199001011238"

    static var definition: [String: Any] {
        [
            "code": "assistance", "name": "帮扶台账", "description": "测试用", "division_code": "141100",
            "has_due_date": true, "has_owner": true,
            "fields": [
                ["key": "title", "label": "事项", "type": "text", "required": true, "unique": true, "listed": true],
                ["key": "count", "label": "数量", "type": "integer"],
                ["key": "area", "label": "面积", "type": "decimal", "scale": 2],
                ["key": "amount", "label": "金额", "type": "money"],
                ["key": "signed_on", "label": "签订日期", "type": "date"],
                ["key": "funded", "label": "是否拨付", "type": "bool"],
                ["key": "kind", "label": "类别", "type": "choice", "options": ["产业", "就业", "教育"], "listed": true],
                ["key": "tags", "label": "标签", "type": "multi_choice", "options": ["重点", "紧急", "长期"]],
                ["key": "village", "label": "所在村", "type": "division"],
                ["key": "unit", "label": "牵头单位", "type": "unit"],
                ["key": "contact", "label": "联系人", "type": "person"],
                ["key": "id_number", "label": "身份证号", "type": "resident_id", "unique": true],
            ],
        ]
    }

    static func item(_ title: String, division: String = "141124", kind: String = "产业", extra: [String: Any] = [:]) -> [String: Any] {
        var values: [String: Any] = ["title": title, "kind": kind, "count": 3, "area": "12.5", "amount": 12345, "funded": true]
        for (k, v) in extra { values[k] = v }
        return ["division_code": division, "values": values]
    }

    /// Defines the sample ledger as admin; returns the admin token.
    @discardableResult
    static func define(_ t: TestApp, _ body: [String: Any] = definition) async throws -> String {
        let token = try await t.adminToken()
        let res = try await t.request(.POST, "/api/v1/ledgers", token: token, json: body)
        try #require(res.status == .created, "\(res.body.string)")
        return token
    }

    static func create(_ t: TestApp, token: String, _ body: [String: Any], code: String = "assistance") async throws -> [String: Any] {
        let res = try await t.request(.POST, "/api/v1/ledgers/\(code)/items", token: token, json: body)
        try #require(res.status == .created, "\(res.body.string)")
        return try res.json()
    }
}

extension TestingHTTPResponse {
    var etag: String { headers.first(name: .eTag) ?? "" }

    func problemMessages() throws -> [String: String] {
        let errors = try json()["errors"] as? [[String: Any]] ?? []
        var result: [String: String] = [:]
        for e in errors { if let f = e["field"] as? String { result[f] = (result[f].map { $0 + ";" } ?? "") + (e["message"] as? String ?? "") } }
        return result
    }
}
