import Foundation
import NIOHTTP1
import Testing
import Vapor
import VaporTesting

@testable import TongguanServer

/// A browser stand-in for page tests: keeps the session cookie and the form token.
final class WebClient: @unchecked Sendable {
    let t: TestApp
    var cookie: String?
    var csrf: String?

    init(_ t: TestApp) { self.t = t }

    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        headers.replaceOrAdd(name: .accept, value: "text/html")
        if let cookie { headers.replaceOrAdd(name: .cookie, value: cookie) }
        let res = try await t.app.testing().sendRequest(.GET, path, headers: headers)
        remember(res)
        return res
    }

    @discardableResult
    func post(_ path: String, form: [String: String], withToken: Bool = true, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var fields = form
        if withToken, let csrf { fields["csrf_token"] = csrf }
        var headers = extra
        headers.replaceOrAdd(name: .accept, value: "text/html")
        headers.contentType = .urlEncodedForm
        if let cookie { headers.replaceOrAdd(name: .cookie, value: cookie) }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        let res = try await t.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(res)
        return res
    }

    func signIn(_ username: String = "admin", password: String = TestApp.adminPassword) async throws {
        try await get("/login")
        let res = try await post("/login", form: ["username": username, "password": password])
        try #require(res.status == .seeOther, "sign-in failed: \(res.status)")
        try await get("/")
    }

    private func remember(_ res: TestingHTTPResponse) {
        if let set = res.headers.setCookie?[SessionCookie.name] {
            cookie = set.string.isEmpty ? nil : "\(SessionCookie.name)=\(set.string)"
        }
        let html = res.body.string
        if let range = html.range(of: #"name="csrf_token" value="([^"]+)""#, options: .regularExpression) {
            let match = html[range]
            csrf = match.components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
        }
    }
}
