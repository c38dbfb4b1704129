import Fluent
import TongguanDomain
import Vapor

/// 项目: the 三个一批 project pipeline — rounds, projects and their milestones, the summary
/// every report is computed from, the project sheet, pages and demo data.
struct ProjectsModule: TongguanModule {
    let name = "projects"
    var migrations: [any Migration] {
        [
            CreateIndustries(), CreateRounds(), CreateProjects(), CreateMilestones(), AddSummaryIndexes(), CreateStageFacts(),
            DropJoinSummaryIndexes(), AddProjectNameIndex(), CreateStageRollup(), CreateProjectCounts(),
        ]
    }
    var schemas: [String: JSONSchema] {
        RoundsAPI.schemas.merging(ProjectsAPI.schemas) { a, _ in a }.merging(ProjectTransferAPI.schemas) { a, _ in a }
    }
    var auditLabels: [String: String] {
        [
            "round.create": "新建批次", "round.update": "修改批次", "round.delete": "删除批次", "project.create": "新建项目",
            "project.update": "修改项目", "project.moved_out": "项目调出", "project.delete": "删除项目", "milestone.set": "登记阶段",
            "milestone.remove": "删除阶段",
        ]
    }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/projects", label: "项目", order: 10)] }
    var card: ModuleCard? {
        ModuleCard(href: "/projects", name: "项目", summary: "三个一批项目库:签约、开工、投产,按批次、县区和产业统计投资额。", order: 10)
    }
    var sheets: [SheetKind] {
        [SheetKind(name: "projects", summary: "三个一批项目表", importCommand: ImportProjects(), exportCommand: ExportProjects())]
    }

    var indicatorQueries: [IndicatorQueryKind] { [ProjectIndicatorQueries.summary] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: RoundsAPI())
        try routes.api.register(collection: ProjectsAPI())
        try routes.api.register(collection: ProjectTransferAPI())
        try routes.pages.register(collection: ProjectPages())
        try routes.pages.register(collection: RoundReportPages())
        try routes.pages.register(collection: ProjectTransferPages())
        try routes.pages.register(collection: RoundFormPages())
    }

    func loadDemo(_ demo: DemoContext) async throws -> String? {
        let count = try await DemoData.load(on: demo.db)
        return "已载入演示项目:\(count)个,打开 /projects 查看;2021年第三次活动的汇总在「批次报告」中。"
    }
}
