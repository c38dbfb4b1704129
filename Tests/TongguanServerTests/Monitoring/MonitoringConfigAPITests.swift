import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct MonitoringConfigAPITests {
    typealias W = WorkflowFixture

    @Test func linesAreATableByPrefixAndYear() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let empty = try await t.request(.GET, "/api/v1/monitoring/lines", token: token)
            #expect(empty.status == .ok && empty.text == "[]")
            let put = try await t.request(
                .PUT, "/api/v1/monitoring/lines", token: token, json: ["division_code": "14", "year": 2022, "line_fen": 650000])
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.text == #"{"division_code":"14","line_fen":650000,"year":2022}"#)
            // The same key replaces the row; a full 6-digit code names the same prefix.
            let again = try await t.request(
                .PUT, "/api/v1/monitoring/lines", token: token, json: ["division_code": "140000", "year": 2022, "line_fen": 660000])
            #expect(again.status == .ok)
            try await W.setLine(t, token: token, division: "141124", year: 2023, yuan: 8100)
            let list = try await t.request(.GET, "/api/v1/monitoring/lines", token: token)
            #expect(
                list.text
                    == #"[{"division_code":"141124","line_fen":810000,"year":2023},{"division_code":"14","line_fen":660000,"year":2022}]"#)

            let bad = try await t.request(
                .PUT, "/api/v1/monitoring/lines", token: token, json: ["division_code": "1", "year": 1999, "line_fen": 0, "extra": 1])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.problemFields()) == ["division_code", "year", "line_fen", "extra"])
            let village = try await t.request(
                .PUT, "/api/v1/monitoring/lines", token: token, json: ["division_code": "141124100201", "year": 2022, "line_fen": 1])
            #expect(try village.problemFields() == ["division_code"])

            // A county admin sets its own county's lines, not its neighbour's nor the province's.
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let lin = try await t.token("lin.admin")
            try await W.setLine(t, token: lin, division: "141124", year: 2024, yuan: 8700)
            for division in ["141123", "14", "1411"] {
                let refused = try await t.request(
                    .PUT, "/api/v1/monitoring/lines", token: lin, json: ["division_code": division, "year": 2024, "line_fen": 1])
                #expect(try refused.status == .unprocessableEntity && refused.problemFields() == ["division_code"], "\(division)")
            }
            let op = try await t.request(
                .PUT, "/api/v1/monitoring/lines", token: try await t.token("lin.op"), json: ["division_code": "141124", "year": 2024, "line_fen": 1])
            #expect(op.status == .forbidden)
            try await W.setLine(t, token: token, division: "141123", year: 2024, yuan: 9000)
            let seen = try await t.request(.GET, "/api/v1/monitoring/lines", token: lin)
            let prefixes = (try JSONSerialization.jsonObject(with: Data(buffer: seen.body)) as? [[String: Any]] ?? []).compactMap {
                $0["division_code"] as? String
            }
            #expect(prefixes == ["141124", "141124", "14"])
        }
    }

    @Test func settingsOverrideByPrefixWithDefaults() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let initial = try await t.request(.GET, "/api/v1/monitoring/settings", token: token).json()
            let defaults = try #require(initial["defaults"] as? [String: Any])
            #expect(defaults["near_line_factor"] as? String == "1.5" && defaults["income_drop_fraction"] as? String == "0.3")
            #expect(defaults["large_expense_fraction"] as? String == "0.5" && defaults["notice_period_days"] as? Int == 5)
            #expect(defaults["minimum_monitoring_months"] as? Int == 6)
            #expect((initial["overrides"] as? [Any])?.isEmpty == true)

            let put = try await t.request(
                .PUT, "/api/v1/monitoring/settings", token: token,
                json: ["division_code": "141124", "notice_period_days": 7, "near_line_factor": "1.2"])
            #expect(put.status == .ok, "\(put.text)")
            #expect(
                put.text
                    == #"{"division_code":"141124","income_drop_fraction":null,"large_expense_fraction":null,"minimum_monitoring_months":null,"near_line_factor":"1.2","notice_period_days":7}"#
            )
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            try await t.createUser("xing.viewer", role: .viewer, division: "141123")
            let lin = try await t.request(.GET, "/api/v1/monitoring/settings", token: try await t.token("lin.viewer")).json()
            let effective = try #require(lin["effective"] as? [String: Any])
            #expect(effective["notice_period_days"] as? Int == 7 && effective["near_line_factor"] as? String == "1.2")
            #expect(effective["income_drop_fraction"] as? String == "0.3")
            let xing = try await t.request(.GET, "/api/v1/monitoring/settings", token: try await t.token("xing.viewer")).json()
            #expect((xing["effective"] as? [String: Any])?["notice_period_days"] as? Int == 5)
            #expect((xing["overrides"] as? [Any])?.isEmpty == true)

            let bad = try await t.request(
                .PUT, "/api/v1/monitoring/settings", token: token,
                json: [
                    "division_code": "141124", "near_line_factor": "0.9", "income_drop_fraction": "abc", "large_expense_fraction": "1",
                    "notice_period_days": 0, "minimum_monitoring_months": 61,
                ])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.problemFields()) == Set(MonitoringSettings.Field.allCases.map(\.rawValue)))
            let viewer = try await t.request(
                .PUT, "/api/v1/monitoring/settings", token: try await t.token("lin.viewer"), json: ["division_code": "141124"])
            #expect(viewer.status == .forbidden)
        }
    }
}
