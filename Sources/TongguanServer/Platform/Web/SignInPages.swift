import Fluent
import TongguanDomain
import Vapor

/// The login form and logout.
struct SignInPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: form)
        routes.post("login", use: submit)
        routes.post("logout", use: logout)
    }

    struct Form: Encodable, Sendable {
        var username: String
    }

    func form(req: Request) async throws -> Response {
        if req.callerIfSignedIn != nil { return req.redirect(to: "/") }
        _ = req.csrfToken // starts the session that will carry the form's token
        return try await req.page("login", title: "登录", Form(username: ""))
    }

    struct Submitted: Content {
        var username: String?
        var password: String?
    }

    func submit(req: Request) async throws -> Response {
        let input = try req.content.decode(Submitted.self)
        let username = input.username ?? ""
        let outcome: LoginService.Outcome
        do {
            outcome = try await LoginService.attempt(username: username, password: input.password ?? "", request: req)
        } catch let refusal as Refusal {
            _ = req.csrfToken
            return try await req.page("login", title: "登录", status: .unprocessableEntity,
                                      error: refusal.problems.first?.message ?? refusal.message, Form(username: ""))
        }
        switch outcome {
        case .success(let user):
            try await WebSession.signIn(user, request: req)
            return req.redirect(to: "/")
        case .failure:
            _ = req.csrfToken
            return try await req.page("login", title: "登录", status: .unauthorized, error: LoginService.failureMessage,
                                      Form(username: username))
        case .locked(let seconds):
            let problem = Problem.tooManyAttempts(retryAfter: seconds)
            let response = try await req.page("login", title: "登录", status: .tooManyRequests, error: problem.detail,
                                              Form(username: username))
            response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
            return response
        }
    }

    func logout(req: Request) async throws -> Response {
        WebSession.signOut(request: req)
        return req.redirect(to: "/login?notice=logged-out")
    }
}

/// Home and the module pages that later issues fill in.
struct ShellPages: RouteCollection {
    static let modules: [(path: String, name: String, summary: String)] = [
        ("projects", "项目", "三个一批项目库:签约、开工、投产,按批次、县区和产业统计投资额。"),
        ("monitoring", "监测", "防止返贫动态监测和帮扶:一户一码,识别、帮扶、风险消除。"),
        ("cases", "诉求", "群众诉求与信访件:交办、任务分解、督办、包案、答复与回访。"),
        ("indicators", "指标", "指标与目标:分期分区划的数值、目标进度、同类城市排名与进展简报。"),
    ]

    /// Modules whose pages exist: they keep their home-page card but get no empty shell.
    static let built: Set<String> = ["projects"]

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        for module in Self.modules where !Self.built.contains(module.path) {
            routes.get(PathComponent(stringLiteral: module.path)) { req async throws -> Response in
                try await req.page("module", title: module.name, active: "/\(module.path)",
                                   Module(name: module.name, summary: module.summary))
            }
        }
    }

    struct Module: Encodable, Sendable {
        var name: String
        var summary: String
    }

    struct Home: Encodable, Sendable {
        var scopeName: String
        var scopeCode: String
        var modules: [ModuleLink]
    }

    struct ModuleLink: Encodable, Sendable {
        var href: String
        var name: String
        var summary: String
    }

    func home(req: Request) async throws -> Response {
        let caller = try req.caller
        let scope = try await Division.find(caller.scope.root.rawValue, on: req.db)
        let body = Home(scopeName: scope?.name ?? caller.scope.root.rawValue, scopeCode: caller.scope.root.rawValue,
                        modules: Self.modules.map { ModuleLink(href: "/\($0.path)", name: $0.name, summary: $0.summary) })
        return try await req.page("home", title: "首页", active: "/", body)
    }
}
