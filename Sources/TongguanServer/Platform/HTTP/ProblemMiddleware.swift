import AsyncKit
import FluentKit
import SQLiteNIO
import TongguanDomain
import Vapor

/// Turns every error into an answer the client can use: problem+json for the API and
/// other machine clients, a Chinese page for browsers. Replaces Vapor's ErrorMiddleware.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = Self.problem(for: error, request: request)
            if request.wantsHTML {
                return await WebErrorPage.response(for: problem, request: request)
            }
            return Self.jsonResponse(problem, request: request)
        }
    }

    static func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let refusal as Refusal:
            return Problem(refusal)
        case let failure as ValidationFailure:
            return .validation(failure.problems)
        case let busy as SQLiteError where [.busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked].contains(busy.reason):
            // Writers take turns; one that waited its whole turn out is told to come back.
            request.logger.warning("database busy", metadata: ["error": .string(String(describing: busy))])
            return Problem(.serviceUnavailable, detail: "系统正忙(其他人正在写入大量数据),请稍后重试", headers: ["Retry-After": "10"])
        case is ConnectionPoolTimeoutError:
            request.logger.warning("no database connection became free in time")
            return Problem(.serviceUnavailable, detail: "系统正忙,请稍后重试", headers: ["Retry-After": "10"])
        case let database as any DatabaseError where database.isConstraintFailure:
            // Two writers raced past the same check (a unique name, a reference): the
            // loser is told so, never given a 500.
            request.logger.notice("constraint failure answered as 409", metadata: ["error": .string(String(describing: database))])
            return Problem(.conflict, detail: "与其他人同时提交的数据冲突,请刷新后重试")
        case let decoding as DecodingError:
            return decodingProblem(decoding)
        case let abort as any AbortError where abort.status == .notFound:
            // The router found no route: for a path that exists under other methods, 405.
            let allowed = AllowedMethods.for(request.url.path, in: request.application.routes.all)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { return .notFound }
            return Problem(
                .methodNotAllowed, detail: "该地址不支持 \(request.method.rawValue) 请求",
                headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")])
        case let abort as any AbortError where abort.status.code < 500:
            var problem = Problem(abort.status)
            if abort.status == .notFound { problem = .notFound }
            if abort.status == .payloadTooLarge { problem.detail = "请求内容超过了允许的大小" }
            if abort.status == .unsupportedMediaType { problem.detail = "请以 application/json 提交数据" }
            if abort.status.code < 500, problem.detail == nil, abort.status != .badRequest {
                problem.detail = abort.reason
            }
            if abort.status == .badRequest { problem.detail = "请求无法解析" }
            for (name, value) in abort.headers where name.lowercased() != "content-type" && name.lowercased() != "content-length" {
                problem.headers.replaceOrAdd(name: name, value: value)
            }
            return problem
        default:
            // The detail stays in the server log; the client gets the request id to quote.
            request.logger.error(
                "unhandled error",
                metadata: [
                    "error": .string(String(reflecting: type(of: error))),
                    "detail": .string(String(describing: error)),
                ])
            return Problem(.internalServerError, detail: "请稍后重试;如仍有问题,请把请求编号告知管理员")
        }
    }

    static func decodingProblem(_ error: DecodingError) -> Problem {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = (path(context).isEmpty ? "" : path(context) + ".") + key.stringValue
            return .invalid(field, "缺少此字段")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return .invalid(path(context), "类型不正确")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return .invalid(path(context), "格式不正确")
        default:
            return Problem(.badRequest, detail: "请求体不是有效的 JSON")
        }
    }

    static func jsonResponse(_ problem: Problem, request: Request) -> Response {
        let body = ProblemBody(
            type: problem.type, title: problem.title, status: Int(problem.status.code),
            detail: problem.detail, instance: request.url.path, requestID: request.requestID,
            errors: problem.errors.isEmpty ? nil : problem.errors,
            rows: problem.rows.isEmpty ? nil : problem.rows, rowCount: problem.rowCount,
            rowSummary: problem.rowSummary.isEmpty ? nil : problem.rowSummary,
            conditions: problem.conditions.isEmpty ? nil : problem.conditions)
        var headers = problem.headers
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        let data = (try? JSONEncoder.api.encode(body)) ?? Data("{}".utf8)
        return Response(status: problem.status, headers: headers, body: .init(data: data))
    }
}

extension Request {
    /// Browsers asking for pages get HTML errors; the API and everything else get problem+json.
    var wantsHTML: Bool {
        if url.path.hasPrefix("/api/") { return false }
        return headers[.accept].contains { $0.contains("text/html") }
    }
}

extension JSONEncoder {
    /// Every JSON answer: Swift's camelCase properties become the API's snake_case names
    /// (`totalInvestmentFen` → `total_investment_fen`), dates ISO 8601, keys sorted. Keys of
    /// dictionaries and `JSONValue` objects are data and pass unchanged.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

extension JSONDecoder {
    static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
