import TongguanDomain
import Vapor

/// Returns the request id (Vapor puts it in every log line as `request-id`, kept from a
/// proxy's `X-Request-Id`) and logs one line per request.
struct RequestContextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        if request.id != request.requestID {
            request.logger[metadataKey: "request-id"] = .string(request.requestID)
        }
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.requestID)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        // The path only: query strings can carry search terms that name people.
        request.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.url.path),
                "status": .stringConvertible(response.status.code),
                "ms": .string(String(format: "%.1f", ms)),
            ])
        return response
    }
}

/// Headers every response carries, errors included.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "form-action 'self'", "base-uri 'none'",
        "object-src 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static func isStaticAsset(_ path: String) -> Bool { path.hasPrefix("/css/") || path.hasPrefix("/js/") || path.hasPrefix("/img/") }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let h = response.headers
        var headers = h
        headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        if request.isSecure {
            headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        // Pages, API data, tokens and exports hold what a shared office computer's browser
        // or a proxy must not keep; only the static assets may be cached.
        if !Self.isStaticAsset(request.url.path) {
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        response.headers = headers
        return response
    }
}

extension Request {
    /// The request's id for logs, answers and the audit trail: a proxy's `X-Request-Id` when
    /// it is a plain token (letters, digits, `._:-`, up to 128), else one of our own — Vapor
    /// would otherwise carry any text a client sends into every log line and audit row.
    var requestID: String {
        if Self.isPlainToken(id) { return id }
        if let own = storage[OwnRequestIDKey.self] { return own }
        let own = UUID().uuidString
        storage[OwnRequestIDKey.self] = own
        return own
    }

    static func isPlainToken(_ s: String) -> Bool {
        (1...128).contains(s.utf8.count)
            && s.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x3A || b == 0x2D
            }
    }

    /// TLS terminated here (TONGGUAN_TLS=1) or at a proxy in front that says so.
    var isSecure: Bool {
        application.tongguan.settings.tls || headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }

    /// The client's address, for the audit trail and login throttling: the socket's peer,
    /// unless that peer is a proxy named in TONGGUAN_TRUSTED_PROXIES; then the right-most
    /// address of `X-Forwarded-For` that is not itself a trusted proxy (addresses to its
    /// left were written by the client and prove nothing).
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = application.tongguan.settings.trustedProxies
        guard !trusted.isEmpty, trusted.contains(where: { $0.contains(peer) }) else { return peer }
        let hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { TextPolicy.trimmed(String($0)) }
        for hop in hops.reversed() {
            guard IPAddressRange.parse(hop) != nil else { return peer }
            if !trusted.contains(where: { $0.contains(hop) }) { return hop }
        }
        return hops.first ?? peer
    }
}

private struct OwnRequestIDKey: StorageKey { typealias Value = String }
