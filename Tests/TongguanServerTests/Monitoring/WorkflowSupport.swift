import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Builders for the workflow's tests: lines, assessments and episodes made through the API.
enum WorkflowFixture {
    typealias F = RegistryFixture

    /// Sets a line through the API (as the given admin).
    static func setLine(_ t: TestApp, token: String, division: String = "14", year: Int, yuan: Int64) async throws {
        let res = try await t.request(
            .PUT, "/api/v1/monitoring/lines", token: token, json: ["division_code": division, "year": year, "line_fen": yuan * 100])
        try #require(res.status == .ok, "\(res.text)")
    }

    /// An assessment body: income in 元 (wages only unless given), the rest 0.
    static func assessment(
        _ date: String, wagesYuan: Int64, medicalYuan: Int64 = 0, educationYuan: Int64 = 0, costsYuan: Int64 = 0, housing: Bool = true,
        water: Bool = true
    ) -> [String: any Sendable] {
        [
            "assessed_on": date, "wages_fen": wagesYuan * 100, "business_fen": 0, "property_fen": 0, "transfer_fen": 0,
            "production_costs_fen": costsYuan * 100, "medical_fen": medicalYuan * 100, "education_fen": educationYuan * 100,
            "housing_safe": housing, "water_safe": water,
        ]
    }

    @discardableResult
    static func assess(_ t: TestApp, token: String, code: String, _ body: [String: any Sendable]) async throws -> [String: Any] {
        let res = try await t.request(.POST, "/api/v1/households/\(code)/assessments", token: token, json: body)
        try #require(res.status == .created, "\(res.text)")
        return try res.json()
    }

    /// A household of one adult head (born 1970) in 临县's test village; answers its code.
    static func household(
        _ t: TestApp, token: String, n: Int, village: String = F.linVillage, members: [[String: any Sendable]] = []
    )
        async throws -> String
    {
        let h = try await F.household(t, token: token, village: village, headID: F.id(n, born: 1970), headName: "户主\(n)", members: members)
        return try #require(h["household_code"] as? String)
    }

    static func warnings(_ t: TestApp, token: String, _ query: String) async throws -> [[String: Any]] {
        let res = try await t.request(.GET, "/api/v1/monitoring/warnings?\(query)", token: token)
        try #require(res.status == .ok, "\(res.text)")
        return try #require(try res.json()["items"] as? [[String: Any]])
    }

    static func step(_ t: TestApp, token: String, episode: String, _ body: [String: any Sendable]) async throws -> TestingHTTPResponse {
        try await t.request(.POST, "/api/v1/episodes/\(episode)/steps", token: token, json: body)
    }

    /// The `conditions` codes of a refusal.
    static func conditions(_ res: TestingHTTPResponse) throws -> [String] {
        (try res.json()["conditions"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }
}
