import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// 指标: the catalogue of indicators (entered per period, or computed from other modules'
/// records through `Modules.indicatorQueries`), targets, peer rankings, dashboards, and the
/// briefing whose every figure is computed when it is produced and links to its records.
struct IndicatorsModule: TongguanModule {
    let name = "indicators"
    var migrations: [any Migration] {
        [
            CreateIndicators(), CreateIndicatorValues(), CreatePeerGroups(), CreateTargets(), CreateDashboardItems(),
            CreateBriefingTemplates(),
        ]
    }
    var schemas: [String: JSONSchema] {
        IndicatorsAPI.schemas.merging(PeersAPI.schemas) { a, _ in a }.merging(TargetsAPI.schemas) { a, _ in a }
            .merging(DashboardsAPI.schemas) { a, _ in a }
            .merging(BriefingsAPI.schemas) { a, _ in a }.merging(IndicatorValueTransfer.schemas) { a, _ in a }
    }
    var auditLabels: [String: String] {
        [
            "indicator.create": "新建指标", "indicator.update": "修改指标", "indicator_value.set": "填报指标数值",
            "peer_value.set": "填报比较城市数值", "peer_group.create": "新建比较组", "target.create": "新建目标",
            "target.update": "修改目标", "target.delete": "删除目标", "dashboard.set": "设置看板", "briefing.create": "新建简报模板",
            "briefing.update": "修改简报模板",
        ]
    }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/indicators", label: "指标", order: 50)] }
    var card: ModuleCard? {
        ModuleCard(href: "/indicators", name: "指标", summary: "指标与目标:分期分区划的数值、目标进度、同类城市排名、看板与进展简报。", order: 50)
    }

    var sheets: [SheetKind] {
        [SheetKind(name: "indicator-values", summary: "手工指标数值表", importCommand: ImportIndicatorValues(), exportCommand: nil)]
    }
    var commands: [String: any AnyAsyncCommand] { ["briefing": BriefingCommand()] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: IndicatorsAPI())
        try routes.api.register(collection: PeersAPI())
        try routes.api.register(collection: TargetsAPI())
        try routes.api.register(collection: DashboardsAPI())
        try routes.api.register(collection: BriefingsAPI())
        try routes.api.register(collection: IndicatorValueTransfer(pages: false))
        try routes.pages.register(collection: IndicatorValueTransfer(pages: true))
        try routes.pages.register(collection: IndicatorPages())
        try routes.pages.register(collection: TargetPages())
        try routes.pages.register(collection: PeerPages())
        try routes.pages.register(collection: DashboardPages())
        try routes.pages.register(collection: BriefingPages())
    }

    func loadDemo(_ demo: DemoContext) async throws -> String? {
        let count = try await IndicatorDemo.load(demo)
        return "已载入演示指标:\(count)个,打开 /indicators/dashboard 查看看板,/indicators/briefings 生成「\(IndicatorDemo.templateName)」。"
    }

    func seed(_ app: Application) async throws {
        try await PeerService.seed(app.db)
    }
}
