import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// 审计: the hash-chained trail every module writes through `Database.audited`, its API,
/// page and `tongguan audit verify`.
struct AuditModule: TongguanModule {
    let name = "audit"
    var migrations: [any Migration] { [CreateAuditTrail()] }
    var schemas: [String: JSONSchema] { AuditAPI.schemas }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/audit", label: "审计", order: 80, visible: { $0.canReadAudit })] }
    var commands: [String: any AnyAsyncCommand] { ["audit": AuditCommands()] }
    /// Platform actions every module's data goes through.
    var auditLabels: [String: String] { [PersonalExport.auditAction: PersonalExport.auditLabel] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: AuditAPI())
        try routes.pages.register(collection: AuditPages())
    }
}
