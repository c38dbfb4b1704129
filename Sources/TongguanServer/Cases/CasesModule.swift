import Fluent
import TongguanDomain
import Vapor

/// 诉求: citizens' requests and petitions from every channel — registration, routing to
/// units, subtasks, legal deadlines on the working-day calendar, supervision and leader
/// ownership, outcomes reported honestly (办结 ≠ 化解), statistics, the backlog import,
/// and Open311 GeoReport v2 for the city's apps.
struct CasesModule: TongguanModule {
    let name = "cases"
    var migrations: [any Migration] {
        [
            CreateCaseSettings(), CreateCases(), CreateOpen311(), CaseDueListIndex(), CreateCaseTallies(), CreateCaseYearTallies(),
            CreateCasePlainTallies(),
        ]
    }
    var schemas: [String: JSONSchema] {
        CasesAPI.schemas.merging(UnitsAPI.schemas) { a, _ in a }.merging(CaseSettingsAPI.schemas) { a, _ in a }
            .merging(Open311ServicesAPI.schemas) { a, _ in a }
    }
    var auditLabels: [String: String] {
        var labels: [String: String] = [
            "case.create": "登记诉求", "case.update": "修改诉求", "case.supervise": "督办", "case.subtask_add": "分解任务",
            "case.subtask_done": "完成分解任务", "case.reveal": "查看完整身份证号", "case.import": "导入积案清单", "case.export": "导出诉求清单",
            "case_unit.create": "新建承办单位", "case_unit.update": "修改承办单位", "case_unit.member_add": "加入承办单位",
            "case_unit.member_remove": "移出承办单位", "case_leader.create": "新建领导", "case_policy.set": "修改办理时限",
            "case_calendar.import": "导入工作日历", "case_calendar.set": "设置日历日", "case_calendar.remove": "删除日历日",
            "open311_service.set": "设置 Open311 服务类型", "open311_key.add": "签发 Open311 api_key", "open311_key.revoke": "吊销 Open311 api_key",
        ]
        for name in CaseAction.Name.allCases { labels["case.\(name.rawValue)"] = "诉求" + name.label }
        return labels
    }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/cases", label: "诉求", order: 30)] }
    var card: ModuleCard? {
        ModuleCard(href: "/cases", name: "诉求", summary: "群众诉求与信访件:交办、任务分解、督办、包案、答复与回访。", order: 30)
    }
    var indicatorQueries: [IndicatorQueryKind] { [CaseIndicatorQueries.stats] }
    var sheets: [SheetKind] { [SheetKind(name: "cases", summary: "信访积案清单", importCommand: ImportCases(), exportCommand: ExportCases())] }
    var commands: [String: any AnyAsyncCommand] { ["calendar": CalendarCommands(), "open311": Open311Commands()] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: CaseSettingsAPI())
        try routes.api.register(collection: CasesAPI())
        try routes.api.register(collection: UnitsAPI())
        try routes.api.register(collection: Open311ServicesAPI())
        try routes.root.register(collection: GeoReportAPI())
        try routes.pages.register(collection: CaseListPages())
        try routes.pages.register(collection: CaseDashboardPages())
        try routes.publicPages.register(collection: CasePublicPage())
        try routes.pages.register(collection: CaseAdminPages())
        try routes.pages.register(collection: CaseImportPages())
        try routes.pages.register(collection: CasePages())
    }

    func loadDemo(_ demo: DemoContext) async throws -> String? {
        try await CaseDemo.load(demo)
    }

    func reminders(for caller: Caller, on req: Request) async throws -> [Reminder] {
        try await CaseReminders.reminders(for: caller, on: req.db)
    }

    /// The requester's resident ID, sealed under the platform's data key (`DataProtection`),
    /// so `tongguan keys rotate` re-seals it with the other modules' IDs.
    static let sealedColumns = [
        SealedColumn(table: CaseRecord.schema, sealed: "requester_id_sealed", blindIndex: "requester_id_index", label: "诉求人身份证号")
    ]

    func seed(_ app: Application) async throws {
        try await DataProtection.prepare(app, columns: Self.sealedColumns)
        try await CalendarService.seedIfEmpty(on: app.db)
        try await PolicyService.seedMissing(on: app.db)
        try await Open311Services.seedIfEmpty(on: app.db)
    }
}
