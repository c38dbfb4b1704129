import Fluent
import Vapor

/// Health, metrics and the API description: unauthenticated, for the IT department's tools.
struct OperationsRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("metrics", use: metrics)
        routes.get("openapi.json", use: openAPI)
    }

    struct Health: Content {
        var status: String
        var database: String
    }

    func health(req: Request) async throws -> Response {
        let ok: Bool
        do {
            _ = try await req.db.sql.raw("SELECT 1 AS one").first()
            ok = true
        } catch {
            req.logger.error("health check: database unreachable")
            ok = false
        }
        let body = Health(status: ok ? "ok" : "unavailable", database: ok ? "ok" : "unreachable")
        return try await body.encodeResponse(status: ok ? .ok : .serviceUnavailable, for: req)
    }

    func metrics(req: Request) async throws -> Response {
        let text = await TongguanMetrics.render(for: req.application, database: req.db)
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    func openAPI(req: Request) async throws -> Response {
        let document = OpenAPIDocument.build(routes: req.application.routes.all, components: APIRoutes.schemas)
        let data = try JSONEncoder.api.encode(document)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
