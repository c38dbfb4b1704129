import Fluent
import TongguanDomain
import Vapor

/// 台账: ledgers an administrator defines without a programmer — typed fields, states,
/// owners and due dates — with their items, state history, import and export, and the
/// aggregates indicators and briefings read (`LedgerQueries`).
struct LedgersModule: TongguanModule {
    let name = "ledgers"
    var migrations: [any Migration] { [CreateLedgerTables()] }
    var schemas: [String: JSONSchema] {
        LedgersAPI.schemas.merging(LedgerItemsAPI.schemas) { a, _ in a }.merging(LedgerTransferAPI.schemas) { a, _ in a }
    }
    var auditLabels: [String: String] {
        [
            "ledger.create": "定义台账", "ledger.update": "修改台账定义", "ledger_item.create": "新增台账记录",
            "ledger_item.update": "修改台账记录", "ledger_item.state": "变更台账记录状态", "ledger_item.moved_out": "台账记录调出",
            "ledger_item.reveal": "查看完整身份证号",
        ]
    }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/ledgers", label: "台账", order: 40)] }
    var card: ModuleCard? {
        ModuleCard(href: "/ledgers", name: "台账", summary: "自定义台账:驻村工作队、整顿村、排污口、巡查组、政务服务事项……字段、状态、导入导出与汇总。", order: 40)
    }

    var sheets: [SheetKind] {
        [SheetKind(name: "ledger", summary: "台账表,参数为台账代码和文件", importCommand: ImportLedger(), exportCommand: ExportLedger())]
    }

    var indicatorQueries: [IndicatorQueryKind] { [LedgerIndicatorQueries.aggregate] }

    var commands: [String: any AnyAsyncCommand] { ["ledgers": LedgerCommands()] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: LedgersAPI())
        try routes.api.register(collection: LedgerItemsAPI())
        try routes.api.register(collection: LedgerTransferAPI())
        try routes.pages.register(collection: LedgerPages())
    }

    /// Loads the platform's data key (`DataProtection`), which seals the resident IDs of
    /// ledger items. No column is declared: the IDs live inside each item's `data` JSON and
    /// their blind indexes in `ledger_values`/`ledger_unique`, which `SealedColumn` cannot
    /// describe; the module re-seals them itself when `tongguan keys rotate` asks
    /// (`LedgerSealedIDs.rotation`).
    func seed(_ app: Application) async throws {
        try await DataProtection.prepare(app, columns: [], rotations: [LedgerSealedIDs.rotation])
    }

    func loadDemo(_ demo: DemoContext) async throws -> String? {
        try await LedgerDemo.load(demo)
    }
}
