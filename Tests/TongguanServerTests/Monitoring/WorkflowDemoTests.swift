import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct WorkflowDemoTests {
    @Test func theDemoHasEpisodesInEveryStateAndLoadsOnce() async throws {
        try await TestApp.with { t in
            let demo = DemoContext(
                app: t.app, actor: AuditActor(name: "demo", requestID: "demo", clientAddress: "local"), scope: DivisionScope(DivisionCode("141100")!))
            _ = try await DivisionsModule().loadDemo(demo)
            let line = try #require(try await MonitoringModule().loadDemo(demo))
            #expect(line.contains("已载入演示监测数据:10条监测记录(9种状态)"), "\(line)")
            let token = try await t.adminToken()
            let list = try await t.request(.GET, "/api/v1/episodes?per=50", token: token).json()
            let states = Set((list["items"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String })
            #expect(states == Set(EpisodeState.allCases.map(\.rawValue)))
            let eliminated = try await t.request(.GET, "/api/v1/episodes?state=risk_eliminated", token: token).json()
            let id = try #require((eliminated["items"] as? [[String: Any]])?.first?["id"] as? String)
            let episode = try await t.request(.GET, "/api/v1/episodes/\(id)", token: token).json()
            #expect((episode["steps"] as? [Any])?.count == 8 && (episode["measures"] as? [Any])?.count == 1)
            let warnings = try await t.request(.GET, "/api/v1/monitoring/warnings?per=200", token: token).json()
            let rules = Set((warnings["items"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
            #expect(rules.isSuperset(of: ["below_line", "near_line", "basic_needs", "large_expense"]), "\(rules)")
            let again = try #require(try await MonitoringModule().loadDemo(demo))
            #expect(again.contains("已有监测记录,未再载入"))
            #expect(try await EpisodeRecord.query(on: t.db).count() == 10)
        }
    }
}
