import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// The working half of 监测 on top of the registry: monitoring lines and settings, income
/// assessments, early warnings, the identify → assist → eliminate workflow with its guards,
/// assistance measures and the monitoring reports.
enum WorkflowPart {
    static var migrations: [any Migration] { [CreateWorkflow(), CreateMonitoringSpans(), AddWarningVillages()] }

    static var schemas: [String: JSONSchema] {
        [
            MonitoringConfigAPI.schemas, AssessmentsAPI.schemas, WarningsAPI.schemas, EpisodesAPI.schemas, AssessmentTransferAPI.schemas,
            MonitoringReportsAPI.schemas,
        ]
        .reduce(into: [:]) { all, part in all.merge(part) { a, _ in a } }
    }

    static let auditLabels: [String: String] = [
        "monitoring.line.set": "设置监测收入线", "monitoring.settings.set": "设置监测参数", "assessment.record": "登记收入评估",
        "assessments.import": "导入收入评估表", "warning.raise": "发出预警", "warning.close": "预警自动解除或被取代", "warning.resolve": "解除预警",
        "episode.open": "发起监测", "episode.step": "办理监测步骤", "measure.add": "登记帮扶措施", "measure.end": "帮扶措施结束",
    ]

    static var sheets: [SheetKind] {
        [SheetKind(name: "assessments", summary: "收入评估表(按户主身份证号,每行一次评估)", importCommand: ImportAssessments(), exportCommand: nil)]
    }

    static var commands: [String: any AnyAsyncCommand] { ["monitoring": MonitoringCommands()] }

    static func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: MonitoringConfigAPI())
        try routes.api.register(collection: AssessmentsAPI())
        try routes.api.register(collection: WarningsAPI())
        try routes.api.register(collection: EpisodesAPI())
        try routes.pages.register(collection: WorkflowPages())
        try routes.api.register(collection: AssessmentTransferAPI())
        try routes.pages.register(collection: WorkflowFormPages())
        try routes.api.register(collection: MonitoringReportsAPI())
        try routes.pages.register(collection: MonitoringDashboardPages())
    }

    /// The home page's entries for a role.
    static func entries(for role: Role) -> [MonitoringHomePage.Entry] {
        [
            MonitoringHomePage.Entry(href: "/monitoring/episodes", title: "监测记录", summary: "识别、帮扶、风险消除:每户的监测步骤和帮扶措施。"),
            MonitoringHomePage.Entry(href: "/monitoring/dashboard", title: "监测统计", summary: "截至某日各状态、类别、区划的监测户数,逐月流量,帮扶措施覆盖;可打印县级报表。"),
            MonitoringHomePage.Entry(href: "/monitoring/warnings", title: "预警", summary: "收入低于或临近监测线、收入骤减、刚性支出大、三保障风险。"),
        ] + WorkflowFormPages.entries(for: role)
    }

    static func loadDemo(_ demo: DemoContext) async throws -> String? { try await WorkflowDemo.load(demo) }

    /// Figures 监测 offers to 指标.
    static var indicatorQueries: [IndicatorQueryKind] { [MonitoringIndicatorQueries.summary] }
}
