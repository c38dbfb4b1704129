import Fluent
import TongguanDomain
import Vapor

/// What every page's frame shows: the city, the user, the navigation and the form token.
struct PageShell: Encodable, Sendable {
    struct NavItem: Encodable, Sendable {
        var href: String
        var label: String
        var active: Bool
    }

    struct SignedIn: Encodable, Sendable {
        var username: String
        var roleLabel: String
        var divisionCode: String
    }

    var title: String
    var city: String
    var user: SignedIn?
    var nav: [NavItem]
    var csrf: String
    var flash: String?
    var flashError: String?

    static func make(for request: Request, title: String, active: String) async throws -> PageShell {
        let city = try await Division.root(on: request.db)?.name ?? "统管"
        let caller = request.callerIfSignedIn
        let entries = Modules.navigation.filter { entry in caller.map { entry.visible($0.role) } ?? false }
        let items = entries.map { ($0.href, $0.label) }
        return PageShell(
            title: title, city: city,
            user: caller.map { SignedIn(username: $0.username, roleLabel: $0.role.label, divisionCode: $0.scope.root.rawValue) },
            nav: caller == nil ? [] : items.map { NavItem(href: $0.0, label: $0.1, active: $0.0 == active) },
            csrf: request.hasSession ? request.csrfToken : "",
            flash: request.query[String.self, at: "notice"].flatMap(Notice.message(for:)),
            flashError: nil
        )
    }
}

/// Short messages a redirect can ask the next page to show, by key (never free text from
/// the URL, which anyone could craft).
enum Notice {
    static func message(for key: String) -> String? {
        switch key {
        case "saved": "已保存"
        case "created": "已创建"
        case "password": "密码已重置"
        case "logged-out": "您已退出登录"
        case "deleted": "已删除"
        default: nil
        }
    }
}

/// One `<option>` of a `<select>`.
struct SelectOption: Encodable, Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// A page's template context: the frame plus the page's own data.
struct PageView<Body: Encodable & Sendable>: Encodable, Sendable {
    var shell: PageShell
    var body: Body
}

struct Empty: Encodable, Sendable {}

extension Request {
    func page<Body: Encodable & Sendable>(
        _ template: String, title: String, active: String = "",
        status: HTTPResponseStatus = .ok, error: String? = nil,
        _ body: Body
    ) async throws -> Response {
        var shell = try await PageShell.make(for: self, title: title, active: active)
        shell.flashError = error
        let view = try await self.view.render(template, PageView(shell: shell, body: body)).get()
        let response = try await view.encodeResponse(for: self)
        response.status = status
        return response
    }
}

/// Errors shown to people in browsers, in Chinese, with the request id to quote.
enum WebErrorPage {
    struct Body: Encodable, Sendable {
        var status: Int
        var title: String
        var detail: String
        var requestID: String
    }

    static func response(for problem: Problem, request: Request) async -> Response {
        if problem.status == .unauthorized { return request.redirect(to: "/login") }
        let title = problem.status == .notFound ? "页面不存在" : problem.title
        let detail =
            problem.status == .notFound
            ? "您访问的页面不存在,或不在您的管辖范围内。"
            : problem.detail ?? "请返回上一页重试。"
        let body = Body(status: Int(problem.status.code), title: title, detail: detail, requestID: request.requestID)
        do {
            let response = try await request.page("error", title: title, status: problem.status, body)
            for (name, value) in problem.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        } catch {
            let response = Response(status: problem.status, body: .init(string: "\(title)\n\(detail)\n请求编号:\(request.requestID)"))
            response.headers.contentType = .plainText
            return response
        }
    }
}
