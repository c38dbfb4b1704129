import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite("诉求 demo: the article's 民生 figures come out of the statistics endpoint and the dashboard")
struct CaseDemoTests {
    @Test("269 problems from 7 batches with 132 closed; 67 leader-owned with 52 resolved; 1905 backlog cases with 1794 resolved")
    func articleFigures() async throws {
        try await TestApp.with { t in
            let demo = DemoContext(
                app: t.app, actor: AuditActor(name: "demo", requestID: "demo", clientAddress: "local"), scope: DivisionScope(DivisionCode("141100")!))
            let line = try await CaseDemo.load(demo)
            #expect(line.contains(CaseDemo.dashboard))
            let token = try await t.adminToken()
            func total(_ query: String) async throws -> [String: Any] {
                let res = try await t.request(.GET, "/api/v1/cases/stats?\(query)", token: token)
                let rows = try res.json()["rows"] as? [[String: Any]]
                return try #require(rows?.first, "\(res.body.string)")
            }
            let visits = try await total("source=liaison_station&from=2021-01-01&to=2021-12-31")
            #expect(visits["received"] as? Int == 269 && visits["closed"] as? Int == 132 && visits["batches"] as? Int == 7)
            let owned = try await total("owner_leader=any&from=2021-01-01&to=2021-12-31")
            #expect(owned["received"] as? Int == 67 && owned["resolved"] as? Int == 52)
            // Closed is not resolved: 60 owned cases are closed, 8 of them with an explanation.
            #expect(owned["closed"] as? Int == 60)
            let backlog = try await total("backlog=true&handed_down_by=%E4%B8%AD%E5%A4%AE%E8%81%94%E5%B8%AD%E5%8A%9E&from=2016-01-01&to=2020-12-31")
            #expect(backlog["received"] as? Int == 1905 && backlog["resolved"] as? Int == 1794)
            let web = WebClient(t)
            try await web.signIn()
            let html = try await web.get(CaseDemo.dashboard).body.string
            #expect(html.contains("先后7批次深入人大代表联络站点,收集269个问题,办结132个"))
            #expect(html.contains("领导包案67件、化解52件"))
            #expect(html.contains("中央联席办交办的1905件信访积案,已化解1794件"))
            await #expect(throws: DemoRefused.self) { _ = try await CaseDemo.load(demo) }
        }
    }
}
