import Fluent
import Foundation
import Vapor

/// Every `/api/v1` route but the token endpoint needs `Authorization: Bearer …`.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else { throw Problem.unauthenticated }
        let hash = ApiToken.hash(bearer.token)
        // One query: the token with its user joined (every API request pays for this).
        guard
            let token = try await ApiToken.query(on: request.db).join(User.self, on: \ApiToken.$user.$id == \User.$id)
                .filter(\.$tokenHash == hash).first(),
            let user = try? token.joined(User.self),
            token.revokedAt == nil, token.expiresAt > Date(), !user.disabled
        else { throw Problem.unauthenticated }
        request.setCaller(try Caller(user))
        request.storage[CurrentTokenKey.self] = token.id
        return try await next.respond(to: request)
    }
}

struct CurrentTokenKey: StorageKey { typealias Value = UUID }
