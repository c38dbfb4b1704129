import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// What a feature declares to the application: its migrations, routes, API schemas, import
/// and export sheets, audit labels, navigation, operator commands, seed and demo data. The
/// application loops over `Modules.all`; a module touches nothing outside its own folder, and
/// reads another module only through that module's query services.
/// docs/adding-a-module.md walks through writing one.
protocol TongguanModule: Sendable {
    /// Short ASCII name, for logs and the docs ("projects").
    var name: String { get }
    /// In order; the application runs every module's list in module order.
    var migrations: [any Migration] { get }
    /// OpenAPI schemas of the module's API bodies and answers, by name.
    var schemas: [String: JSONSchema] { get }
    /// Chinese names of the audit actions the module records ("project.create": "新建项目").
    var auditLabels: [String: String] { get }
    /// Entries of the top navigation.
    var navigation: [NavigationEntry] { get }
    /// The module's card on the home page.
    var card: ModuleCard? { get }
    /// Kinds of sheet that `tongguan import KIND` / `tongguan export KIND` dispatch to.
    var sheets: [SheetKind] { get }
    /// The module's own operator commands (`tongguan NAME …`).
    var commands: [String: any AnyAsyncCommand] { get }
    /// Figures the module computes for 指标 (computed indicators and the briefing).
    var indicatorQueries: [IndicatorQueryKind] { get }
    /// Registers the module's routes on the builders the application hands it.
    func routes(_ routes: ModuleRoutes) throws
    /// Data every database needs, run after migration at every start; must be idempotent.
    func seed(_ app: Application) async throws
    /// `serve --demo`: loads the module's demo data through its own write paths and returns
    /// a line for the console, or nil when the module has none.
    func loadDemo(_ demo: DemoContext) async throws -> String?
    /// What is due or overdue for the signed-in user, shown on the home page.
    func reminders(for caller: Caller, on req: Request) async throws -> [Reminder]
}

extension TongguanModule {
    var migrations: [any Migration] { [] }
    var schemas: [String: JSONSchema] { [:] }
    var auditLabels: [String: String] { [:] }
    var navigation: [NavigationEntry] { [] }
    var card: ModuleCard? { nil }
    var sheets: [SheetKind] { [] }
    var commands: [String: any AnyAsyncCommand] { [:] }
    var indicatorQueries: [IndicatorQueryKind] { [] }
    func routes(_ routes: ModuleRoutes) throws {}
    func seed(_ app: Application) async throws {}
    func loadDemo(_ demo: DemoContext) async throws -> String? { nil }
    func reminders(for caller: Caller, on req: Request) async throws -> [Reminder] { [] }
}

/// One line of the home page's reminders: what needs doing, and where.
struct Reminder: Encodable, Sendable {
    var text: String
    var href: String
    /// Past due (shown as a warning) rather than coming due.
    var overdue: Bool
}

/// The route builders a module registers on, each with its middleware already in place.
struct ModuleRoutes {
    /// `/api/v1/…` behind a bearer token (problem+json answers).
    let api: any RoutesBuilder
    /// `/api/v1/…` without a token (signing in).
    let publicAPI: any RoutesBuilder
    /// Pages behind sign-in; forms carry the session's CSRF token.
    let pages: any RoutesBuilder
    /// Pages without sign-in (the login form); forms still carry the token.
    let publicPages: any RoutesBuilder
    /// Bare routes for operations (health, metrics, the API description).
    let root: any RoutesBuilder
}

/// One link of the top navigation, shown to the roles `visible` allows.
struct NavigationEntry: Sendable {
    var href: String
    var label: String
    /// Position from the left; modules leave gaps (10, 20, …) so others fit between.
    var order: Int
    var visible: @Sendable (Role) -> Bool = { _ in true }
}

/// A module's card on the home page.
struct ModuleCard: Sendable {
    var href: String
    var name: String
    var summary: String
    var order: Int
}

/// What a demo loader works with: the application, an actor for the audit trail, and the
/// root division's scope.
struct DemoContext: Sendable {
    let app: Application
    var db: any Database { app.db }
    let actor: AuditActor
    let scope: DivisionScope
}

/// A demo loader's refusal (the database already holds data of that kind).
struct DemoRefused: Error {
    var message: String
}
