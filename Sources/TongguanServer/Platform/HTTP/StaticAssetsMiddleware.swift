import Vapor

/// Serves the public directory's assets (`/css/`, `/js/`, `/img/`). Other requests skip the
/// file-system look-up that `FileMiddleware` would otherwise make for every API call and page.
struct StaticAssetsMiddleware: AsyncMiddleware {
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard SecurityHeadersMiddleware.isStaticAsset(request.url.path) else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }
}
