import Crypto
import Fluent
import Foundation
import Vapor

/// Web sign-in lives in the session (stored in the database, so it survives a restart).
enum WebSession {
    static let userKey = "uid"
    static let sinceKey = "since"
    static let csrfKey = "csrf"

    /// Starts a fresh session for `user`: a new id and a new form token, so neither a
    /// session nor a token planted before login is any use after it.
    static func signIn(_ user: User, request: Request) async throws {
        if let old = request.session.id {
            try? await request.application.sessions.driver.deleteSession(old, for: request).get()
        }
        request.session.id = nil
        request.session.data = SessionData()
        request.session.data[userKey] = user.id?.uuidString
        request.session.data[sinceKey] = String(Date().timeIntervalSince1970)
        request.session.data[csrfKey] = newToken()
    }

    static func signOut(request: Request) {
        request.session.destroy()
    }

    static func newToken() -> String {
        Data([UInt8].random(count: 24)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}

extension Request {
    /// The token every form of this session must send back.
    var csrfToken: String {
        // Errors raised before the session middleware ran have no session to keep a token in.
        guard storage[SessionsActiveKey.self] == true else { return "" }
        if let token = session.data[WebSession.csrfKey] { return token }
        let token = WebSession.newToken()
        session.data[WebSession.csrfKey] = token
        return token
    }
}

/// Puts the signed-in user of the session, if any, on the request.
struct SessionAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.storage[SessionsActiveKey.self] = true
        // Touching `request.session` creates a stored session, so only read one that came
        // with the request: API calls and anonymous visits leave no session rows behind.
        if request.hasSession,
            let uid = request.session.data[WebSession.userKey].flatMap(UUID.init(uuidString:)),
            let since = request.session.data[WebSession.sinceKey].flatMap(Double.init)
        {
            let age = Date().timeIntervalSince1970 - since
            if age < request.application.tongguan.settings.sessionLifetime,
                let user = try await User.find(uid, on: request.db), !user.disabled,
                user.sessionsValidAfter.map({ $0.timeIntervalSince1970 <= since }) ?? true
            {
                request.setCaller(try Caller(user))
            } else {
                WebSession.signOut(request: request)
            }
        }
        return try await next.respond(to: request)
    }
}

struct SessionsActiveKey: StorageKey { typealias Value = Bool }

/// Pages behind login send strangers to the login form.
struct RequireWebLoginMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.callerIfSignedIn != nil else { return request.redirect(to: "/login") }
        return try await next.respond(to: request)
    }
}

/// Every state-changing form carries the session's token; a form from anywhere else is refused.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method != .GET && request.method != .HEAD {
            // The token is inside the body, which arrives as a stream when it is larger than a
            // few kilobytes (any real upload): collect it first, up to the route's own limit.
            if request.body.data == nil {
                let limit = request.route?.bodyLimit ?? request.application.routes.defaultMaxBodySize
                _ = try await request.body.collect(max: limit.value).get()
            }
            let sent = (try? request.content.get(String.self, at: "csrf_token")) ?? ""
            let expected = request.hasSession ? request.session.data[WebSession.csrfKey] ?? "" : ""
            guard !expected.isEmpty, Self.constantTimeEqual(sent, expected) else {
                throw Problem(.forbidden, detail: "表单已过期或来源不明,请刷新页面后重试")
            }
        }
        return try await next.respond(to: request)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Marks the session cookie `Secure` when the request came over TLS (here or at a proxy).
struct SecureCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if request.isSecure, var cookie = response.cookies[SessionCookie.name] {
            cookie.isSecure = true
            response.cookies[SessionCookie.name] = cookie
        }
        return response
    }
}

enum SessionCookie {
    static let name = "tongguan_session"

    static func configuration(secure: Bool) -> SessionsConfiguration {
        SessionsConfiguration(cookieName: name) { id in
            HTTPCookies.Value(
                string: id.string, expires: nil, maxAge: nil, domain: nil, path: "/",
                isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }
    }
}

extension Route {
    /// The largest body the route collects, for middleware that must read the body before
    /// the route's own collection runs (CSRF). Set by `RoutesBuilder.upload`.
    var bodyLimit: ByteCount? { userInfo[AnySendableHashable("bodyLimit")] as? ByteCount }
}

extension RoutesBuilder {
    /// A POST route taking a file (the API's raw body, a page's multipart form) of up to
    /// `maxSize`, which the CSRF check honours too.
    @discardableResult
    func upload(
        _ path: PathComponent..., maxSize: ByteCount,
        use closure: @Sendable @escaping (Request) async throws -> some AsyncResponseEncodable
    ) -> Route {
        let route = on(.POST, path, body: .collect(maxSize: maxSize), use: closure)
        route.userInfo[AnySendableHashable("bodyLimit")] = maxSize
        return route
    }
}
