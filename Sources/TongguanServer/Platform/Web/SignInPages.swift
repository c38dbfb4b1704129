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
        _ = req.csrfToken  // starts the session that will carry the form's token
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
            return try await req.page(
                "login", title: "登录", status: .unprocessableEntity,
                error: refusal.problems.first?.message ?? refusal.message, Form(username: ""))
        }
        switch outcome {
        case .success(let user):
            try await WebSession.signIn(user, request: req)
            return req.redirect(to: "/")
        case .failure:
            _ = req.csrfToken
            return try await req.page(
                "login", title: "登录", status: .unauthorized, error: LoginService.failureMessage,
                Form(username: username))
        case .locked(let seconds):
            let problem = Problem.tooManyAttempts(retryAfter: seconds)
            let response = try await req.page(
                "login", title: "登录", status: .tooManyRequests, error: problem.detail,
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
