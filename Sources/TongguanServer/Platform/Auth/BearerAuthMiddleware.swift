import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Every `/api/v1` route but the token endpoint needs `Authorization: Bearer …`.
struct BearerAuthMiddleware: AsyncMiddleware {
    /// The token with its user, in one statement whose text is built once: every API request
    /// pays for this, and Fluent's query for the two models (reflection over both, identifier
    /// escaping) cost more than the database did.
    static let query =
        "SELECT t.id AS token_id, t.expires_at, t.revoked_at, u.id AS user_id, u.username, u.role, u.division_code, u.disabled"
        + " FROM \(ApiToken.schema) AS t JOIN \(User.schema) AS u ON u.id = t.user_id WHERE t.token_hash = "

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else { throw Problem.unauthenticated }
        let hash = ApiToken.hash(bearer.token)
        guard let row = try await request.db.sql.raw("\(unsafeRaw: Self.query)\(bind: hash)").first(),
            try row.decode(column: "revoked_at", as: Date?.self) == nil,
            try row.decode(column: "expires_at", as: Date.self) > Date(),
            try !row.decode(column: "disabled", as: Bool.self),
            let role = Role(rawValue: try row.decode(column: "role", as: String.self))
        else { throw Problem.unauthenticated }
        request.setCaller(
            Caller(
                userID: try row.decode(column: "user_id", as: UUID.self), username: try row.decode(column: "username", as: String.self),
                role: role, scope: User.scope(of: try row.decode(column: "division_code", as: String.self))))
        request.storage[CurrentTokenKey.self] = try row.decode(column: "token_id", as: UUID.self)
        return try await next.respond(to: request)
    }
}

struct CurrentTokenKey: StorageKey { typealias Value = UUID }
