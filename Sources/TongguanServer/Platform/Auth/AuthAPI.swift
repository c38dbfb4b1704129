import Fluent
import Foundation
import Vapor

/// `POST /api/v1/auth/token` is the one API route without a bearer token.
struct TokenIssueAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("auth", "token", use: issue).openAPI(
            .init(
                summary: "用用户名和密码换取访问令牌", tag: "认证", body: .ref("Credentials"), response: .ref("Token"),
                errors: [401, 429], authenticated: false))
    }

    static let schemas: [String: JSONSchema] = [
        "Credentials": .object([("username", .string()), ("password", .string())], required: ["username", "password"]),
        "Token": .object([("token", .string()), ("expires_at", .dateTime)], required: ["token", "expires_at"]),
        "Me": .object(
            [("username", .string()), ("role", .string()), ("division_code", .divisionCode)],
            required: ["username", "role", "division_code"]),
    ]

    struct TokenDTO: Content {
        var token: String
        var expiresAt: Date
    }

    func issue(req: Request) async throws -> TokenDTO {
        var input = try InputReader(req)
        let username = input.string("username", required: true, maxLength: 64)
        let password = input.secret("password")
        try input.finish()
        switch try await LoginService.attempt(username: username!, password: password!, request: req) {
        case .locked(let seconds):
            throw Problem.tooManyAttempts(retryAfter: seconds)
        case .failure:
            throw Problem(.unauthorized, detail: LoginService.failureMessage)
        case .success(let user):
            let (token, hash) = ApiToken.generate()
            let expires = Date().addingTimeInterval(req.application.tongguan.settings.tokenLifetime)
            try await ApiToken(userID: user.id!, tokenHash: hash, expiresAt: expires).create(on: req.db)
            return TokenDTO(token: token, expiresAt: expires)
        }
    }
}

/// Routes about the caller's own session.
struct SelfAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.delete("auth", "token", use: revoke).openAPI(
            .init(
                summary: "吊销当前访问令牌", tag: "认证", status: 204))
        routes.get("me", use: me).openAPI(.init(summary: "当前用户", tag: "认证", response: .ref("Me")))
    }

    struct MeDTO: Content {
        var username: String
        var role: String
        var divisionCode: String
    }

    func me(req: Request) async throws -> MeDTO {
        let caller = try req.caller
        return MeDTO(username: caller.username, role: caller.role.rawValue, divisionCode: caller.scope.root.rawValue)
    }

    func revoke(req: Request) async throws -> HTTPStatus {
        guard let id = req.storage[CurrentTokenKey.self] else { throw Problem.unauthenticated }
        let caller = try req.caller
        try await req.db.audited(by: req.auditActor) { tx, audit in
            try await ApiToken.query(on: tx).filter(\.$id == id).set(\.$revokedAt, to: Date()).update()
            audit.record(
                "token.revoke", entityType: "user", entityID: caller.userID.uuidString,
                divisionCode: caller.scope.root.rawValue)
        }
        return .noContent
    }
}
