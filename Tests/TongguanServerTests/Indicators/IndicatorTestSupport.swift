import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Indicators and values for the 指标 tests, made through the API as a client would.
enum IndicatorBodies {
    static func computed(
        _ code: String, name: String, stage: String, measure: String, unit: String = "个", scale: Int = 0, decimals: Int = 0,
        division: String = "141100"
    ) -> [String: Any] {
        [
            "code": code, "name": name, "unit": unit, "display_scale": scale, "decimals": decimals, "direction": "higher_is_better",
            "division_code": division,
            "source": ["type": "computed", "query": ["kind": "projects.summary", "parameters": ["stage": stage, "measure": measure]]],
        ]
    }

    static func manual(
        _ code: String, name: String, unit: String, decimals: Int = 0, rollUp: String = "none", direction: String = "higher_is_better",
        division: String = "141100"
    ) -> [String: Any] {
        [
            "code": code, "name": name, "unit": unit, "decimals": decimals, "direction": direction, "roll_up": rollUp,
            "division_code": division, "source": ["type": "manual"],
        ]
    }
}

extension TestApp {
    @discardableResult
    func createIndicator(_ body: [String: Any], token: String) async throws -> [String: Any] {
        let res = try await request(.POST, "/api/v1/indicators", token: token, json: body)
        try #require(res.status == .created, "create indicator: \(res.status) \(res.body.string)")
        return try res.json()
    }

    @discardableResult
    func putValue(
        _ code: String, division: String = "141100", period: String, value: Any, note: String? = nil, token: String
    ) async throws
        -> TestingHTTPResponse
    {
        var body: [String: Any] = ["division_code": division, "period": period, "value": value]
        if let note { body["note"] = note }
        return try await request(.PUT, "/api/v1/indicators/\(code)/values", token: token, json: body)
    }

    /// The rows of `GET /indicators/{code}/values`.
    func valueRows(_ code: String, query: String, token: String) async throws -> [[String: Any]] {
        let res = try await request(.GET, "/api/v1/indicators/\(code)/values?\(query)", token: token)
        try #require(res.status == .ok, "values \(code)?\(query): \(res.status) \(res.body.string)")
        return try #require(try res.json()["rows"] as? [[String: Any]])
    }

    /// The JSON text of one field of a row, exactly as sent (integers stay numbers, decimals strings).
    func rawValue(_ code: String, query: String, token: String) async throws -> String {
        let res = try await request(.GET, "/api/v1/indicators/\(code)/values?\(query)", token: token)
        let text = res.body.string
        guard let r = text.range(of: #""value":("[^"]*"|-?[0-9]+|null)"#, options: .regularExpression) else { return "?" + text }
        return String(text[r].dropFirst(8))
    }
}
