import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct EpisodeAPITests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    /// A department warning walked to risk elimination through the API, with every guard
    /// refused on the way at its edge and the roles the policy gives each step.
    @Test func aDepartmentWarningIsWalkedToRiskElimination() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            try await t.createUser("lin.sup", role: .supervisor, division: "141124")
            try await t.createUser("town.op", role: .operator, division: "141124100")
            let op = try await t.token("lin.op"), sup = try await t.token("lin.sup"), town = try await t.token("town.op")
            let code = try await W.household(t, token: token, n: 1)
            let assessed = try await W.assess(t, token: token, code: code, W.assessment("2024-06-01", wagesYuan: 7000))
            let warning = try #require((assessed["warnings"] as? [[String: Any]])?.first?["id"] as? String)

            // Opening: a department warning names its warnings, and they must be the household's.
            let path = "/api/v1/households/\(code)/episodes"
            let unnamed = try await t.request(.POST, path, token: op, json: ["channel": "department_warning", "date": "2024-06-05"])
            #expect(try unnamed.status == .unprocessableEntity && unnamed.problemFields() == ["warning_ids"])
            let foreign = try await t.request(
                .POST, path, token: op, json: ["channel": "department_warning", "date": "2024-06-05", "warning_ids": [UUID().uuidString]])
            #expect(try foreign.problemFields() == ["warning_ids.0"])
            let opened = try await t.request(
                .POST, path, token: op, json: ["channel": "department_warning", "date": "2024-06-05", "warning_ids": [warning], "note": "部门推送"])
            #expect(opened.status == .created, "\(opened.text)")
            let episode = try opened.json()
            let id = try #require(episode["id"] as? String)
            #expect(episode["state"] as? String == "candidate" && episode["warning_ids"] as? [String] == [warning])
            #expect(episode["allowed_steps"] as? [String] == ["visit", "reject"])
            let twice = try await t.request(.POST, path, token: op, json: ["channel": "self_application", "date": "2024-06-06"])
            #expect(try twice.status == .conflict && W.conditions(twice) == ["open_episode"])

            func step(_ token: String, _ body: [String: any Sendable]) async throws -> TestingHTTPResponse {
                try await W.step(t, token: token, episode: id, body)
            }
            // Visit: without consent it does not advance; fields another step takes are refused.
            let noConsent = try await step(op, ["step": "visit", "date": "2024-06-06", "consent": false])
            #expect(try noConsent.status == .conflict && W.conditions(noConsent) == ["consent"])
            let stray = try await step(op, ["step": "visit", "date": "2024-06-06", "consent": true, "reason": "x"])
            #expect(try stray.problemFields() == ["reason"])
            #expect(try await step(op, ["step": "visit", "date": "2024-06-06", "consent": true]).status == .ok)
            #expect(try await step(op, ["step": "notice", "date": "2024-06-07"]).status == .ok)
            // The township check waits the notice period (5 days: from 06-12), by a township user or above.
            let early = try await step(town, ["step": "township_check", "date": "2024-06-11"])
            #expect(try early.status == .conflict && W.conditions(early) == ["notice_period"])
            #expect(early.text.contains("2024年6月12日"))
            #expect(try await step(town, ["step": "township_check", "date": "2024-06-12"]).status == .ok)
            // Approval is the county's: an operator is refused, a county supervisor approves.
            let approve: [String: any Sendable] = ["step": "approve", "date": "2024-06-13", "category": "marginal", "risk_types": ["illness"]]
            #expect(try await step(op, approve).status == .forbidden)
            let approved = try await step(sup, approve)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(try approved.json()["identified_on"] as? String == "2024-06-13" && approved.json()["category"] as? String == "marginal")

            // Elimination too early lists every unmet condition.
            let premature = try await step(op, ["step": "propose_elimination", "date": "2024-10-01"])
            #expect(try premature.status == .conflict && W.conditions(premature) == ["monitored_6_months", "measure_applied", "income_above_line"])
            #expect(premature.isProblem)

            // A measure, then a later assessment above the line (which also resolves the warning).
            let measure = try await t.request(
                .POST, "/api/v1/episodes/\(id)/measures", token: op,
                json: [
                    "type": "employment", "description": "安排公益岗位", "unit": "临泉镇政府", "person": "李干部", "start": "2024-06-20",
                    "amount_fen": 600_000,
                ])
            #expect(measure.status == .created, "\(measure.text)")
            let measureID = try #require(try measure.json()["id"] as? String)
            #expect(try measure.json()["end"] is NSNull)
            let ended = try await t.request(.POST, "/api/v1/episodes/\(id)/measures/\(measureID)/end", token: op, json: ["end": "2024-12-31"])
            #expect(try ended.status == .ok && ended.json()["end"] as? String == "2024-12-31")
            let badEnd = try await t.request(.POST, "/api/v1/episodes/\(id)/measures/\(measureID)/end", token: op, json: ["end": "2024-01-01"])
            #expect(try badEnd.problemFields() == ["end"])
            _ = try await W.assess(t, token: token, code: code, W.assessment("2024-12-01", wagesYuan: 13000))
            #expect(try await W.warnings(t, token: token, "household=\(code)&status=open").isEmpty)

            // Six calendar months to the day: identified 06-13, eliminable from 12-13.
            let dayBefore = try await step(op, ["step": "propose_elimination", "date": "2024-12-12"])
            #expect(try W.conditions(dayBefore) == ["monitored_6_months"])
            // Optimistic locking: a stale If-Match is refused, the current one accepted.
            let current = try await t.request(.GET, "/api/v1/episodes/\(id)", token: op)
            let etag = try #require(current.headers.first(name: .eTag))
            let stale = try await t.request(
                .POST, "/api/v1/episodes/\(id)/steps", token: op, json: ["step": "propose_elimination", "date": "2024-12-13"],
                headers: ["If-Match": "\"\(id.lowercased())-1\""])
            #expect(stale.status == .preconditionFailed)
            let proposed = try await t.request(
                .POST, "/api/v1/episodes/\(id)/steps", token: op, json: ["step": "propose_elimination", "date": "2024-12-13"],
                headers: ["If-Match": etag])
            #expect(proposed.status == .ok, "\(proposed.text)")
            #expect(proposed.headers.first(name: .eTag) != etag)
            #expect(try await step(op, ["step": "elimination_notice", "date": "2024-12-14"]).status == .ok)
            let soon = try await step(token, ["step": "eliminate", "date": "2024-12-18"])
            #expect(try W.conditions(soon) == ["notice_period"])
            #expect(try await step(op, ["step": "eliminate", "date": "2024-12-19"]).status == .forbidden)
            let done = try await step(token, ["step": "eliminate", "date": "2024-12-19", "note": "收入稳定"])
            #expect(done.status == .ok, "\(done.text)")
            let final = try done.json()
            #expect(final["state"] as? String == "risk_eliminated" && final["eliminated_on"] as? String == "2024-12-19")
            #expect(final["allowed_steps"] as? [String] == [])
            let steps = try #require(final["steps"] as? [[String: Any]])
            #expect(
                steps.map { $0["step"] as? String ?? "" } == [
                    "open", "visit", "notice", "township_check", "approve", "propose_elimination", "elimination_notice", "eliminate",
                ])
            #expect(
                steps[1]["consent"] as? Bool == true && steps[4]["risk_types"] as? [String] == ["illness"] && steps[4]["by"] as? String == "lin.sup")
            #expect((final["measures"] as? [[String: Any]])?.first?["amount_fen"] as? Int == 600_000)
            let closed = try await step(op, ["step": "notice", "date": "2024-12-20"])
            #expect(try closed.status == .conflict && W.conditions(closed) == ["wrong_state"])
            let late = try await t.request(
                .POST, "/api/v1/episodes/\(id)/measures", token: op,
                json: ["type": "other", "description": "x", "unit": "y", "person": "z", "start": "2024-12-20"])
            #expect(late.status == .conflict)

            // The household may start a new episode, not before the previous one ended.
            let before = try await t.request(.POST, path, token: op, json: ["channel": "self_application", "date": "2024-12-18"])
            #expect(try before.problemFields() == ["date"])
            #expect(try await t.request(.POST, path, token: op, json: ["channel": "self_application", "date": "2025-03-01"]).status == .created)

            // Every step is audited without personal data.
            let audit = try await t.request(.GET, "/api/v1/audit?entity_id=\(id)", token: token)
            let actions = (try audit.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.filter { $0 == "episode.step" }.count == 7 && actions.contains("episode.open") && actions.contains("measure.add"))
            #expect(!audit.text.contains(F.id(1, born: 1970)))
        }
    }

    @Test func rejectionSuddenHardshipAndTheList() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let poor = try await W.household(t, token: token, n: 1)
            let rich = try await W.household(t, token: token, n: 2, village: F.linVillage2)
            let other = try await W.household(t, token: token, n: 3, village: F.xingVillage)
            try await W.assess(t, token: token, code: rich, W.assessment("2024-06-01", wagesYuan: 30000))
            func open(_ code: String, _ channel: String = "grassroots_screening") async throws -> String {
                let res = try await t.request(
                    .POST, "/api/v1/households/\(code)/episodes", token: token, json: ["channel": channel, "date": "2024-06-05"])
                try #require(res.status == .created, "\(res.text)")
                return try #require(try res.json()["id"] as? String)
            }
            func walk(_ id: String) async throws {
                for body: [String: any Sendable] in [
                    ["step": "visit", "date": "2024-06-06", "consent": true], ["step": "notice", "date": "2024-06-07"],
                    ["step": "township_check", "date": "2024-06-12"],
                ] {
                    let res = try await W.step(t, token: token, episode: id, body)
                    try #require(res.status == .ok, "\(res.text)")
                }
            }
            // Above the line: only as sudden hardship.
            let richEpisode = try await open(rich)
            try await walk(richEpisode)
            let marginal = try await W.step(
                t, token: token, episode: richEpisode, ["step": "approve", "date": "2024-06-13", "category": "marginal", "risk_types": ["illness"]])
            #expect(try marginal.status == .conflict && W.conditions(marginal) == ["income_below_line"])
            let noTypes = try await W.step(
                t, token: token, episode: richEpisode, ["step": "approve", "date": "2024-06-13", "category": "marginal", "risk_types": [String]()])
            #expect(try noTypes.problemFields() == ["risk_types"])
            let sudden = try await W.step(
                t, token: token, episode: richEpisode,
                ["step": "approve", "date": "2024-06-13", "category": "sudden_hardship", "risk_types": ["accident", "illness"]])
            #expect(sudden.status == .ok, "\(sudden.text)")

            // Rejection needs a reason and ends the episode.
            let poorEpisode = try await open(poor, "self_application")
            let noReason = try await W.step(t, token: token, episode: poorEpisode, ["step": "reject", "date": "2024-06-06"])
            #expect(try noReason.problemFields() == ["reason"])
            let rejected = try await W.step(t, token: token, episode: poorEpisode, ["step": "reject", "date": "2024-06-06", "reason": "收入稳定,不符合条件"])
            #expect(try rejected.json()["state"] as? String == "not_included" && rejected.json()["not_included_reason"] as? String == "收入稳定,不符合条件")
            _ = try await open(other)

            // The list: filters by state, category, risk type and division prefix, in scope only.
            func ids(_ query: String, token: String = token) async throws -> [String] {
                let res = try await t.request(.GET, "/api/v1/episodes?\(query)", token: token)
                try #require(res.status == .ok, "\(res.text)")
                return (try res.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["household_code"] as? String }
            }
            #expect(try await ids("").count == 3)
            #expect(try await ids("state=monitored") == [rich])
            #expect(try await ids("phase=monitoring") == [rich])
            #expect(Set(try await ids("phase=identifying")) == [other])
            #expect(try await ids("as_of=2024-06-10&phase=identifying&division=141124") == [rich])
            #expect(try await ids("category=sudden_hardship&risk_type=accident") == [rich])
            #expect(try await ids("state=not_included") == [poor])
            #expect(Set(try await ids("division=141124")) == [rich, poor])
            #expect(try await ids("division=141123") == [other])
            // As of a date: the state each household was in that day.
            #expect(try await ids("as_of=2024-06-06&state=verifying") == [rich])
            #expect(try await ids("as_of=2024-06-04").isEmpty)
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.token("lin.viewer")
            #expect(Set(try await ids("", token: viewer)) == [rich, poor])
            let bad = try await t.request(.GET, "/api/v1/episodes?state=x&category=y&per=0", token: token)
            #expect(Set(try bad.problemFields()) == ["state", "category", "per"])
            #expect(
                try await t.request(
                    .POST, "/api/v1/households/\(rich)/episodes", token: viewer, json: ["channel": "self_application", "date": "2024-06-05"]
                ).status == .forbidden)
            #expect(try await t.request(.GET, "/api/v1/episodes/\(richEpisode)", token: viewer).status == .ok)
            #expect(try await t.request(.GET, "/api/v1/episodes/\(UUID())", token: viewer).status == .notFound)
        }
    }
}
