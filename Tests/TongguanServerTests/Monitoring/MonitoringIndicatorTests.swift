import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// `monitoring.summary`, the query 指标 asks 监测: registered by the module, counted from
/// the records as of a period, within the division, each figure linking to its list.
@Suite struct MonitoringIndicatorTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    @Test func monitoringFiguresComeFromTheEpisodes() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            // Two households identified in June (one with a second member), one in 兴县 still a candidate.
            let a = try await W.household(t, token: token, n: 1, members: [F.member(F.id(2, born: 2010), name: "王小明", school: "compulsory")])
            let b = try await W.household(t, token: token, n: 3, village: F.linVillage2)
            let c = try await W.household(t, token: token, n: 4, village: F.xingVillage)
            for code in [a, b, c] { try await W.assess(t, token: token, code: code, W.assessment("2024-05-01", wagesYuan: 5000)) }
            func open(_ code: String) async throws -> String {
                let res = try await t.request(
                    .POST, "/api/v1/households/\(code)/episodes", token: token, json: ["channel": "grassroots_screening", "date": "2024-06-01"])
                try #require(res.status == .created, "\(res.text)")
                return try #require(try res.json()["id"] as? String)
            }
            for (code, approvedOn) in [(a, "2024-06-10"), (b, "2024-07-10")] {
                let id = try await open(code)
                for body: [String: any Sendable] in [
                    ["step": "visit", "date": "2024-06-02", "consent": true], ["step": "notice", "date": "2024-06-03"],
                    ["step": "township_check", "date": "2024-06-08"],
                    ["step": "approve", "date": approvedOn, "category": "marginal", "risk_types": ["illness"]],
                ] {
                    let res = try await W.step(t, token: token, episode: id, body)
                    try #require(res.status == .ok, "\(res.text)")
                }
            }
            _ = try await open(c)

            let kind = try #require(Modules.indicatorQueries["monitoring.summary"])
            #expect(kind.spec.parameters.first?.name == "measure")
            func figure(_ parameters: [String: String], _ period: Period, division: String = "141100") async throws -> IndicatorFigure {
                try await MonitoringIndicatorQueries.evaluate(
                    IndicatorQueryRequest(
                        parameters: parameters, period: period, division: DivisionCode(division)!, scope: DivisionScope(DivisionCode("141100")!),
                        db: t.db), today: CivilDate(iso: "2024-12-31")!)
            }
            let june = Period.month(year: 2024, month: 6)!, july = Period.month(year: 2024, month: 7)!
            // 监测对象 at the end of June: only a; at the end of July: a and b (3 members).
            #expect(try await figure(["measure": "households"], june).value == ExactDecimal(1))
            let households = try await figure(["measure": "households"], july)
            #expect(households.value == ExactDecimal(2))
            #expect(households.link == "/monitoring/episodes?as_of=2024-07-31&phase=monitoring&division=141100")
            #expect(try await figure(["measure": "members"], july).value == ExactDecimal(3))
            // Candidates in the county of 兴县 only.
            #expect(try await figure(["measure": "households", "state": "candidate"], july).value == ExactDecimal(1))
            #expect(try await figure(["measure": "households", "state": "candidate"], july, division: "141124").value == ExactDecimal(0))
            // Flows within a period.
            let identified = try await figure(["measure": "identified"], Period.year(2024)!)
            #expect(identified.value == ExactDecimal(2))
            #expect(identified.link == "/monitoring/episodes?division=141100&identified_from=2024-01-01&identified_to=2024-12-31")
            #expect(try await figure(["measure": "identified", "category": "marginal"], july).value == ExactDecimal(1))
            #expect(try await figure(["measure": "eliminated"], Period.year(2024)!).value == ExactDecimal(0))
            // Warnings count by the day they were raised (today, when the assessments were recorded).
            let thisYear = Period.year(RegistryFinder.today().year)!
            #expect(try await figure(["measure": "warnings_raised", "rule": "below_line"], thisYear).value == ExactDecimal(3))
            let xingWarnings = try await figure(["measure": "warnings_raised", "rule": "below_line"], thisYear, division: "141123")
            #expect(xingWarnings.value == ExactDecimal(1), "\(xingWarnings)")
            // A wrong parameter is refused by name.
            await #expect(throws: Refusal.self) { try await figure(["measure": "x"], june) }
            await #expect(throws: Refusal.self) { try await figure([:], june) }
        }
    }
}
