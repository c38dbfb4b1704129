import Fluent
import Foundation
import Vapor

/// Every `/api/v1` route but the token endpoint needs `Authorization: Bearer …`.
struct BearerAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else { throw Problem.unauthenticated }
        let hash = ApiToken.hash(bearer.token)
        guard let token = try await ApiToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$user).first(),
            token.revokedAt == nil, token.expiresAt > Date(), !token.user.disabled
        else { throw Problem.unauthenticated }
        request.setCaller(try Caller(token.user))
        request.storage[CurrentTokenKey.self] = token.id
        return try await next.respond(to: request)
    }
}

struct CurrentTokenKey: StorageKey { typealias Value = UUID }
