import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The workflow's pages: an episode shows only the steps the user may take now, takes them
/// through forms, and shows the same unmet conditions as the API; the lists filter.
@Suite struct WorkflowPagesTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    @Test func anEpisodeIsTakenThroughItsStepsOnThePage() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await W.setLine(t, token: token, year: 2024, yuan: 8500)
            let code = try await W.household(t, token: token, n: 1)
            try await W.assess(t, token: token, code: code, W.assessment("2024-05-01", wagesYuan: 5000))
            let opened = try await t.request(
                .POST, "/api/v1/households/\(code)/episodes", token: token, json: ["channel": "grassroots_screening", "date": "2024-06-01"])
            let id = try #require(try opened.json()["id"] as? String)
            let web = WebClient(t)
            try await web.signIn()
            let path = "/monitoring/episodes/\(id)"

            var page = try await web.get(path).body.string
            #expect(page.contains("id=\"step-visit\"") && page.contains("id=\"step-reject\"") && !page.contains("id=\"step-notice\""))
            #expect(page.contains("data-state=\"candidate\""))
            // Without consent: refused, with the condition's message on the page.
            let refused = try await web.post(path + "/steps", form: ["step": "visit", "date": "2024-06-02"])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("data-field=\"consent\"") && refused.body.string.contains("承诺授权书"))
            #expect(try await web.post(path + "/steps", form: ["step": "visit", "date": "2024-06-02", "consent": "yes"]).status == .seeOther)
            #expect(try await web.post(path + "/steps", form: ["step": "notice", "date": "2024-06-03"]).status == .seeOther)
            let early = try await web.post(path + "/steps", form: ["step": "township_check", "date": "2024-06-07"])
            #expect(early.status == .conflict && early.body.string.contains("data-field=\"notice_period\""))
            #expect(early.body.string.contains("2024年6月8日起方可进行下一步"))
            #expect(try await web.post(path + "/steps", form: ["step": "township_check", "date": "2024-06-08"]).status == .seeOther)
            let approved = try await web.post(
                path + "/steps", form: ["step": "approve", "date": "2024-06-09", "category": "marginal", "risk_types[]": "illness"])
            #expect(approved.status == .seeOther, "\(approved.body.string)")
            page = try await web.get(path).body.string
            #expect(page.contains("data-state=\"monitored\"") && page.contains("边缘易致贫户") && page.contains("因病"))
            #expect(page.contains("id=\"step-propose_elimination\"") && page.contains("id=\"measure-form\""))
            // Proposing elimination now lists every unmet condition.
            let premature = try await web.post(path + "/steps", form: ["step": "propose_elimination", "date": "2024-06-10"])
            for code in ["monitored_6_months", "measure_applied", "income_above_line"] {
                #expect(premature.body.string.contains("data-field=\"\(code)\""), "\(code)")
            }
            // A measure in 元, stored in 分.
            let measure = try await web.post(
                path + "/measures",
                form: ["type": "employment", "description": "公益岗位", "unit": "临泉镇", "person": "李干部", "start": "2024-06-10", "amount_yuan": "1,200.50"])
            #expect(measure.status == .seeOther, "\(measure.body.string)")
            let stored = try await t.request(.GET, "/api/v1/episodes/\(id)/measures", token: token)
            #expect(stored.body.string.contains("\"amount_fen\":120050"))
            let badMeasure = try await web.post(path + "/measures", form: ["type": "employment", "start": "2024-06-10", "amount_yuan": "1.234"])
            #expect(badMeasure.status == .unprocessableEntity && badMeasure.body.string.contains("data-field=\"amount_yuan\""))
            // A stale form (another step meanwhile) is refused.
            let stale = try await web.post(path + "/steps", form: ["step": "propose_elimination", "date": "2024-12-09", "version": "1"])
            #expect(stale.status == .conflict)

            // A viewer sees the episode without forms.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = WebClient(t)
            try await viewer.signIn("lin.viewer", password: TestApp.password)
            let seen = try await viewer.get(path).body.string
            #expect(seen.contains("data-state=\"monitored\"") && !seen.contains("class=\"step-form\"") && !seen.contains("id=\"measure-form\""))
            #expect(try await viewer.post(path + "/measures", form: ["type": "other"]).status == .forbidden)

            // The lists.
            let list = try await web.get("/monitoring/episodes?state=monitored").body.string
            #expect(list.contains("id=\"episode-total\">1<") && list.contains(code))
            #expect(try await web.get("/monitoring/episodes?state=candidate").body.string.contains("id=\"episode-total\">0<"))
            #expect(try await web.get("/monitoring/episodes?as_of=2024-06-05").body.string.contains("data-state=\"public_notice\""))
            #expect(try await web.get("/monitoring/episodes?state=x").status == .unprocessableEntity)
            let warnings = try await web.get("/monitoring/warnings?rule=below_line&status=open").body.string
            #expect(warnings.contains("id=\"warning-total\">1<") && warnings.contains("收入低于监测线"))
            #expect(try await web.get("/monitoring").body.string.contains("href=\"/monitoring/episodes\""))
        }
    }
}
