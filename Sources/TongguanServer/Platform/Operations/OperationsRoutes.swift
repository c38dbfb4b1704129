import Fluent
import TongguanDomain
import Vapor

/// Health, metrics and the API description: unauthenticated, for the IT department's tools.
struct OperationsRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("metrics", use: metrics)
        routes.get("openapi.json", use: openAPI)
    }

    /// Up or down, nothing more: the endpoint is public.
    struct Health: Content {
        var status: String
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
        let body = Health(status: ok ? "ok" : "unavailable")
        return try await body.encodeResponse(status: ok ? .ok : .serviceUnavailable, for: req)
    }

    /// With TONGGUAN_METRICS_TOKEN set, only a scraper bearing it (Prometheus'
    /// `authorization` option); without it, only clients on this machine.
    func metrics(req: Request) async throws -> Response {
        if let expected = req.application.tongguan.settings.metricsToken {
            guard let sent = req.headers.bearerAuthorization?.token, CSRFMiddleware.constantTimeEqual(sent, expected) else {
                throw Problem(.unauthorized, detail: "请提供监控令牌", headers: ["WWW-Authenticate": "Bearer"])
            }
        } else if !Self.isLoopback(req.remoteAddress?.ipAddress) {
            throw Problem(.forbidden, detail: "监控指标只对本机开放;如需远程采集,请设置 TONGGUAN_METRICS_TOKEN")
        }
        let text = await TongguanMetrics.render(for: req.application, database: req.db)
        var headers = HTTPHeaders()
        headers.add(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    func openAPI(req: Request) async throws -> Response {
        let document = OpenAPIDocument.build(routes: req.application.routes.all, components: Modules.schemas)
        let data = try JSONEncoder.api.encode(document)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// The socket's own peer, never a forwarded header: a proxy on this machine would make
    /// every client look local, so deployments behind one set a metrics token.
    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return IPAddressRange("127.0.0.0/8")!.contains(address) || IPAddressRange("::1")!.contains(address)
    }
}
