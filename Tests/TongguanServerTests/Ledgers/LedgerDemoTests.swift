import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The shipped ledgers and their demo items: the aggregate endpoint reproduces the article's
/// figures.
@Suite struct LedgerDemoTests {
    func value(_ t: TestApp, _ token: String, _ code: String, _ query: String) async throws -> Int? {
        let path = "/api/v1/ledgers/\(code)/aggregate?" + query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        let res = try await t.request(.GET, path, token: token)
        try #require(res.status == .ok, "\(res.body.string)")
        return (try res.json()["rows"] as? [[String: Any]])?.first?["value"] as? Int
    }

    @Test func theDemoReproducesTheArticlesFigures() async throws {
        try await TestApp.with { t in
            let demo = DemoContext(
                app: t.app, actor: AuditActor(name: "demo", requestID: "demo", clientAddress: "local"), scope: DivisionScope(DivisionCode("141100")!))
            let line = try await LedgersModule().loadDemo(demo)
            #expect(line?.contains("驻村工作队员 4494 人") == true)
            let token = try await t.adminToken()
            #expect(try await value(t, token, "village-task-force", "measure=count") == 4494)
            #expect(try await value(t, token, "village-task-force", "measure=count_distinct:team") == 1465)
            #expect(try await value(t, token, "village-task-force", "filter.role=第一书记") == 1263)
            #expect(try await value(t, token, "weak-village-party", "measure=count_distinct:village") == 136)
            let outfalls = try await value(t, token, "river-outfalls", "measure=count")
            #expect(outfalls ?? 0 > 0)
            #expect(try await value(t, token, "river-outfalls", "filter.registered=true&filter.filed=true&filter.signposted=true") == outfalls)
            #expect(try await value(t, token, "safety-inspection", "measure=count") == 308)
            #expect(try await value(t, token, "safety-inspection", "measure=sum:members") == 1050)
            #expect(try await value(t, token, "gov-services", "filter.online=true") == 951)
            #expect(try await value(t, token, "gov-services", "filter.one_window=true") == 219)
            #expect(try await value(t, token, "enterprise-approval-reform", "filter.done=true") == 96)

            // Items sit in the demo's divisions, so a county sees its own share only.
            try await t.createUser("lin.view", role: .viewer, division: "141124")
            let lin = try await value(t, try await t.token("lin.view"), "village-task-force", "measure=count") ?? 0
            #expect(lin > 0 && lin < 4494)

            // A second demo load is refused; the seed command's install changes nothing.
            await #expect(throws: DemoRefused.self) { _ = try await LedgersModule().loadDemo(demo) }
            let root = Caller(userID: UUID(), username: "cli", role: .admin, scope: demo.scope)
            #expect(try await LedgerSeeds.install(caller: root, actor: demo.actor, on: t.db).isEmpty)
        }
    }

    @Test func theSeedInstallsEveryShippedDefinitionOnce() async throws {
        try await TestApp.with { t in
            let root = Caller(userID: UUID(), username: "cli", role: .admin, scope: DivisionScope(DivisionCode("141100")!))
            let actor = AuditActor(name: "cli", requestID: "cli", clientAddress: "local")
            let installed = try await LedgerSeeds.install(caller: root, actor: actor, on: t.db)
            #expect(installed.count == 6)
            #expect(try await LedgerSeeds.install(caller: root, actor: actor, on: t.db).isEmpty)
            let names = try await Ledger.query(on: t.db).all().map { try $0.definition.name }.sorted()
            #expect(names == ["入河排污口", "安全生产巡回检查组", "政务服务事项", "涉企审批改革事项", "软弱涣散村党组织整顿", "驻村工作队员"].sorted())
        }
    }
}
