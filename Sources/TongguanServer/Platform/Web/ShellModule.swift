import Fluent
import TongguanDomain
import Vapor

/// The home page: the signed-in user's scope and a card for every module.
struct ShellModule: TongguanModule {
    let name = "shell"
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/", label: "首页", order: 0)] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.pages.register(collection: HomePages())
    }
}

struct HomePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    struct Home: Encodable, Sendable {
        var scopeName: String
        var scopeCode: String
        var modules: [ModuleLink]
        /// nil when there are none (Leaf treats an empty array as true).
        var reminders: [Reminder]?
    }

    struct ModuleLink: Encodable, Sendable {
        var href: String
        var name: String
        var summary: String
    }

    func home(req: Request) async throws -> Response {
        let caller = try req.caller
        let scope = try await Division.find(caller.scope.root.rawValue, on: req.db)
        let cards = Modules.all.compactMap(\.card).sorted { $0.order < $1.order }
        var reminders: [Reminder] = []
        for module in Modules.all { reminders += try await module.reminders(for: caller, on: req) }
        let body = Home(
            scopeName: scope?.name ?? caller.scope.root.rawValue, scopeCode: caller.scope.root.rawValue,
            modules: cards.map { ModuleLink(href: $0.href, name: $0.name, summary: $0.summary) },
            reminders: reminders.isEmpty ? nil : reminders)
        return try await req.page("home", title: "首页", active: "/", body)
    }
}

/// A module that is announced but not built yet: its navigation entry, card and a page that
/// says what it will hold. The real module replaces its line in `Modules.all`.
struct PlaceholderModule: TongguanModule {
    let path: String
    let title: String
    let summary: String
    let order: Int
    var name: String { path }

    var navigation: [NavigationEntry] { [NavigationEntry(href: "/\(path)", label: title, order: order)] }
    var card: ModuleCard? { ModuleCard(href: "/\(path)", name: title, summary: summary, order: order) }

    func routes(_ routes: ModuleRoutes) throws {
        let (title, summary) = (self.title, self.summary)
        routes.pages.get(PathComponent(stringLiteral: path)) { req async throws -> Response in
            try await req.page(
                "module", title: title, active: "/\(req.url.path.split(separator: "/").first ?? "")",
                Module(name: title, summary: summary))
        }
    }

    struct Module: Encodable, Sendable {
        var name: String
        var summary: String
    }
}
