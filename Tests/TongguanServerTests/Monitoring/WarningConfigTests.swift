import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Early warnings are configured, not hard-coded: the line of the most specific division and
/// the settings a county overrides decide what is raised, and the rule table is data.
@Suite struct WarningConfigTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    @Test func aCountyLineAndFactorDecideTheWarnings() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, division: "14", year: 2024, yuan: 8000)
            let lin = try await W.household(t, token: token, n: 1)
            let xing = try await W.household(t, token: token, n: 2, village: F.xingVillage)
            func rules(_ a: [String: Any]) -> [String] { (a["warnings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
            // 12,500 元 per head: above 8,000 × 1.5 = 12,000 with the defaults.
            #expect(rules(try await W.assess(t, token: token, code: lin, W.assessment("2024-03-01", wagesYuan: 12500))) == [])
            // 临县 sets its own line and a higher near-line factor; 兴县 keeps the province's.
            try await W.setLine(t, token: token, division: "141124", year: 2024, yuan: 9000)
            let put = try await t.request(
                .PUT, "/api/v1/monitoring/settings", token: token, json: ["division_code": "141124", "near_line_factor": "1.4"])
            #expect(put.status == .ok)
            // 临县: 12,599 < 9,000 × 1.4 = 12,600 → near_line; exactly 12,600 would not be.
            let near = try await W.assess(t, token: token, code: lin, W.assessment("2024-06-01", wagesYuan: 12599))
            #expect(rules(near) == ["near_line"])
            let facts = try #require((near["warnings"] as? [[String: Any]])?.first?["facts"] as? [String: Any])
            let figures = (facts["figures"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
                $0[$1["code"] as? String ?? ""] = $1["value"] as? Int
            }
            #expect(figures["line_fen"] == 900_000 && figures["near_line_factor_permille"] == 1400)
            #expect(rules(try await W.assess(t, token: token, code: lin, W.assessment("2024-09-01", wagesYuan: 12600))) == [])
            // 兴县: exactly the province's 8,000 line is near it with the default 1.5; 7,999 is below it.
            #expect(rules(try await W.assess(t, token: token, code: xing, W.assessment("2024-06-01", wagesYuan: 8000))) == ["near_line"])
            #expect(rules(try await W.assess(t, token: token, code: xing, W.assessment("2024-09-01", wagesYuan: 7999))) == ["below_line"])

            // The list of warned households: open ones, by rule and division.
            let open = try await W.warnings(t, token: token, "status=open")
            #expect(open.map { $0["household_code"] as? String ?? "" } == [xing])
            #expect(open.first?["division_code"] as? String == F.xingVillage)
            #expect(try await W.warnings(t, token: token, "rule=near_line&division=141124").count == 1)
        }
    }

    @Test func aCountyNoticePeriodAppliesToItsEpisodes() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let put = try await t.request(
                .PUT, "/api/v1/monitoring/settings", token: token, json: ["division_code": "141124", "notice_period_days": 7])
            #expect(put.status == .ok)
            let code = try await W.household(t, token: token, n: 1)
            let opened = try await t.request(
                .POST, "/api/v1/households/\(code)/episodes", token: token, json: ["channel": "self_application", "date": "2024-06-01"])
            let id = try #require(try opened.json()["id"] as? String)
            for body: [String: any Sendable] in [
                ["step": "visit", "date": "2024-06-02", "consent": true], ["step": "notice", "date": "2024-06-03"],
            ] {
                #expect(try await W.step(t, token: token, episode: id, body).status == .ok)
            }
            let early = try await W.step(t, token: token, episode: id, ["step": "township_check", "date": "2024-06-09"])
            #expect(try W.conditions(early) == ["notice_period"] && early.text.contains("不少于7天"))
            #expect(try await W.step(t, token: token, episode: id, ["step": "township_check", "date": "2024-06-10"]).status == .ok)
        }
    }

    @Test func theRuleTableIsData() async throws {
        try await TestApp.with { t in
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let res = try await t.request(.GET, "/api/v1/monitoring/rules", token: try await t.token("lin.viewer"))
            #expect(res.status == .ok)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [[String: Any]])
            #expect(rows.map { $0["code"] as? String ?? "" } == EarlyWarningRule.allCases.map(\.rawValue))
            #expect(rows.first { $0["code"] as? String == "near_line" }?["parameters"] as? [String] == ["line", "near_line_factor"])
            #expect(rows.allSatisfy { ($0["name"] as? String)?.isEmpty == false })
        }
    }
}
