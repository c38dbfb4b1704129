import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// 区划: the GB/T 2260 tree every record hangs on and every scope is cut from.
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

    func seed(_ app: Application) async throws {
        _ = try await Division.seedIfEmpty(on: app.db, actor: .system)
    }
}
