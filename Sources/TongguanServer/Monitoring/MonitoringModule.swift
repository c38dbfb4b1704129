import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// 监测: 防止返贫动态监测和帮扶. Its parts each live in their own folder and are listed here:
/// the household registry (一户一码, `Registry/`) first, which every monitoring record hangs
/// on. A later part (assessments, warnings, the identification workflow) adds its lines
/// beside the registry's.
struct MonitoringModule: TongguanModule {
    let name = "monitoring"
    var migrations: [any Migration] { RegistryPart.migrations + WorkflowPart.migrations }
    var schemas: [String: JSONSchema] { RegistryPart.schemas.merging(WorkflowPart.schemas) { a, _ in a } }
    var auditLabels: [String: String] { RegistryPart.auditLabels.merging(WorkflowPart.auditLabels) { a, _ in a } }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/monitoring", label: "监测", order: 20)] }
    var card: ModuleCard? {
        ModuleCard(href: "/monitoring", name: "监测", summary: "防止返贫动态监测和帮扶:一户一码的农户与成员登记、数据质量检查,身份证号加密保存。", order: 20)
    }
    var sheets: [SheetKind] { RegistryPart.sheets + WorkflowPart.sheets }
    var commands: [String: any AnyAsyncCommand] { RegistryPart.commands.merging(WorkflowPart.commands) { a, _ in a } }
    var indicatorQueries: [IndicatorQueryKind] { WorkflowPart.indicatorQueries }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.pages.register(collection: MonitoringHomePage())
        try RegistryPart.routes(routes)
        try WorkflowPart.routes(routes)
    }

    func seed(_ app: Application) async throws {
        try await RegistryPart.seed(app)
    }

    func loadDemo(_ demo: DemoContext) async throws -> String? {
        let registry = try await RegistryPart.loadDemo(demo)
        let workflow = try await WorkflowPart.loadDemo(demo)
        let lines = [registry, workflow].compactMap { $0 }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

/// `/monitoring`: the module's landing page, one entry per part.
struct MonitoringHomePage: RouteCollection {
    struct Entry: Encodable, Sendable {
        var href: String
        var title: String
        var summary: String
    }

    struct Body: Encodable, Sendable {
        var entries: [Entry]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("monitoring") { req async throws -> Response in
            let caller = try req.caller
            return try await req.page(
                "monitoring/home", title: "监测", active: "/monitoring",
                Body(entries: RegistryPart.entries(for: caller.role) + WorkflowPart.entries(for: caller.role)))
        }
    }
}
