import TongguanDomain
import Vapor

/// An error meant for the client: RFC 9457 problem details for the API, a Chinese message
/// page for the web. Anything that is not a `Problem` (or mapped to one) answers 500 and
/// tells the client nothing about the inside.
struct Problem: Error, Sendable {
    var status: HTTPResponseStatus
    var title: String
    var detail: String?
    var errors: [FieldProblem] = []
    var headers: HTTPHeaders = [:]
    /// For file imports: the first bad rows, by spreadsheet row number and column…
    var rows: [RowProblem] = []
    /// …how many problems there are in all, and their counts per column and reason.
    var rowCount: Int?
    var rowSummary: [RowProblemTally.Group] = []
    /// For workflow steps: every unmet condition, by code.
    var conditions: [UnmetCondition] = []

    /// `type` URIs are stable names a client can switch on.
    var type: String { "https://tongguan.local/problems/\(Self.slug(for: status))" }

    static func slug(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "bad-request"
        case 401: "unauthenticated"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 409: "conflict"
        case 412: "precondition-failed"
        case 413: "payload-too-large"
        case 415: "unsupported-media-type"
        case 422: "validation"
        case 428: "precondition-required"
        case 429: "too-many-requests"
        case 503: "unavailable"
        default: status.code >= 500 ? "internal" : "http-\(status.code)"
        }
    }

    static func title(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "请求格式错误"
        case 401: "未登录或登录已过期"
        case 403: "没有权限"
        case 404: "资源不存在"
        case 405: "不支持该请求方法"
        case 409: "与现有数据冲突"
        case 412: "数据已被他人修改"
        case 413: "请求内容过大"
        case 415: "不支持的内容类型"
        case 422: "提交的数据有误"
        case 428: "缺少 If-Match 请求头"
        case 429: "尝试次数过多"
        case 503: "服务暂不可用"
        default: status.code >= 500 ? "服务器内部错误" : status.reasonPhrase
        }
    }

    init(_ status: HTTPResponseStatus, detail: String? = nil, errors: [FieldProblem] = [], headers: HTTPHeaders = [:]) {
        self.status = status
        self.title = Self.title(for: status)
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    static let notFound = Problem(.notFound, detail: "请求的资源不存在或不在您的管辖范围内")
    static let forbidden = Problem(.forbidden, detail: "您的角色不能执行此操作")
    static let unauthenticated = Problem(
        .unauthorized, detail: "请先登录或提供有效的访问令牌",
        headers: ["WWW-Authenticate": "Bearer"])

    static func validation(_ problems: [FieldProblem]) -> Problem {
        Problem(.unprocessableEntity, detail: "共有\(problems.count)处错误,请逐项修改", errors: problems)
    }

    static func invalid(_ field: String, _ message: String) -> Problem {
        validation([FieldProblem(field: field, message: message)])
    }

    static func tooManyAttempts(retryAfter seconds: Int) -> Problem {
        let minutes = max(1, (seconds + 59) / 60)
        return Problem(
            .tooManyRequests, detail: "登录失败次数过多,请\(minutes)分钟后再试",
            headers: ["Retry-After": String(seconds)])
    }
}

/// The JSON body of a problem response.
struct ProblemBody: Content {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var requestID: String?
    var errors: [FieldProblem]?
    var rows: [RowProblem]?
    var rowCount: Int?
    var rowSummary: [RowProblemTally.Group]?
    var conditions: [UnmetCondition]?
}

extension Problem {
    /// The one mapping from the domain's refusals to HTTP.
    init(_ refusal: Refusal) {
        switch refusal.kind {
        case .notFound: self = .notFound
        case .staleVersion: self.init(.preconditionFailed, detail: refusal.message)
        case .conflict: self.init(.conflict, detail: refusal.message, errors: refusal.problems)
        case .invalid: self = .validation(refusal.problems)
        case .forbidden: self.init(.forbidden, detail: refusal.message)
        case .preconditionUnmet:
            self.init(.conflict, detail: refusal.message)
            conditions = refusal.conditions
        }
    }
}
