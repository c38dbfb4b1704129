import Foundation
import TongguanDomain
import Vapor

/// Ledger JSON goes through the domain's `LedgerInput`, never through the API's snake_case
/// coders: field keys, option texts and state codes are data and must pass unchanged.
enum LedgerJSON {
    static func parse(_ data: Data) throws -> LedgerInput {
        try JSONDecoder().decode(LedgerInput.self, from: data)
    }

    static func data(_ input: LedgerInput) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(input)) ?? Data("null".utf8)
    }

    static func text(_ input: LedgerInput) -> String { String(decoding: data(input), as: UTF8.self) }

    /// A JSON request body as `LedgerInput`: 415 for other media, 400 for what is not JSON.
    static func body(_ req: Request) throws -> LedgerInput {
        guard req.headers.contentType?.subType == "json" || req.headers.contentType == nil else {
            throw Problem(.unsupportedMediaType, detail: "请以 application/json 提交数据")
        }
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw Problem(.badRequest, detail: "请求体为空,应为 JSON 对象") }
        let input: LedgerInput
        do { input = try parse(Data(buffer: buffer)) } catch { throw Problem(.badRequest, detail: "请求体不是有效的 JSON") }
        guard case .object = input else { throw Problem(.badRequest, detail: "请求体应为 JSON 对象") }
        return input
    }

    static func response(_ input: LedgerInput, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: data(input)))
    }
}

extension LedgerInput {
    /// For building answers: `nil` becomes JSON null.
    static func optional(_ text: String?) -> LedgerInput { text.map(LedgerInput.string) ?? .null }

    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
}
