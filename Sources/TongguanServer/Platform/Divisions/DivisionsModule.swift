import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// 区划: the GB/T 2260 tree every record hangs on and every scope is cut from, with the
/// statistics bureau's township (9-digit) and village (12-digit) codes below the counties.
struct DivisionsModule: TongguanModule {
    let name = "divisions"
    var migrations: [any Migration] { [CreateDivisions()] }
    var schemas: [String: JSONSchema] { DivisionsAPI.schemas }
    var auditLabels: [String: String] { ["division.create": "新增区划", "division.update": "修改区划"] }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/divisions", label: "区划", order: 95)] }
    var commands: [String: any AnyAsyncCommand] { ["divisions": DivisionCommands()] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: DivisionsAPI())
        try routes.pages.register(collection: DivisionPages())
    }

    /// 吕梁市, its counties and townships (see `Division.seed`): everything into an empty
    /// database, the missing townships into one from before they were shipped.
    func seed(_ app: Application) async throws {
        let added = try await Division.seed(on: app.db, actor: .system)
        if added > 0 { app.logger.notice("added divisions from the bundled list", metadata: ["count": .stringConvertible(added)]) }
    }

    /// Demo villages under real townships, named so nobody takes them for real ones; the
    /// household registry's demo data lives in them.
    static let demoVillages: [(code: String, name: String)] = [
        ("141124100901", "示范村一"), ("141124100902", "示范村二"),
        ("141127101901", "示范村三"), ("141127101902", "示范村四"),
    ]

    func loadDemo(_ demo: DemoContext) async throws -> String? {
        let report = try await DivisionImport.run(entries: Self.demoVillages, scope: demo.scope, actor: demo.actor, on: demo.db)
        guard report.problemCount == 0 else {
            throw DemoRefused(message: "无法载入示范村:" + report.problems.map(\.text).joined(separator: ";"))
        }
        return "已载入示范村:新增 \(report.created) 个,已有 \(report.unchanged + report.renamed) 个(临县临泉镇 示范村一、二,岚县岚城镇 示范村三、四),打开 /divisions?open=141124 查看。"
    }
}
