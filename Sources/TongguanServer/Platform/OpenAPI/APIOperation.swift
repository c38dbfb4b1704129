import Vapor

/// The description of one `/api/v1` route, attached to the route where it is registered so
/// the document can never drift from the routes that exist.
struct APIOperation: Sendable {
    struct Parameter: Sendable {
        var name: String
        var description: String
        var schema: JSONSchema = .string()
        var required = false
    }

    var summary: String
    var tag: String
    var query: [Parameter] = []
    var headers: [Parameter] = []
    var body: JSONSchema? = nil
    var response: JSONSchema? = nil
    var status: Int = 200
    /// Other success statuses answering the same response: a PUT that creates what was not
    /// there answers 201, one that replaces it 200 (RFC 9110 §9.3.4).
    var alsoStatus: [Int] = []
    /// Error statuses besides the ones every authenticated route can answer.
    var errors: [Int] = []
    var authenticated = true
    /// A body that is a file rather than JSON: the media types it may be sent as.
    var bodyMediaTypes: [String]? = nil
    /// A response that is a file rather than JSON: the media types it comes as.
    var responseMediaTypes: [String]? = nil

    static let userInfoKey = "openapi"

    /// The sheet files every import takes and every export gives.
    static let sheetMediaTypes = ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
}

extension APIOperation.Parameter {
    static let page = APIOperation.Parameter(name: "page", description: "页码(空值视为未填)", schema: .integer(minimum: 1, maximum: 1_000_000))
    static let per = APIOperation.Parameter(
        name: "per", description: "每页条数(空值视为未填)", schema: .integer(minimum: 1, maximum: Int64(PageRequest.maxPer)))
}

extension Route {
    @discardableResult
    func openAPI(_ operation: APIOperation) -> Route {
        userInfo[AnySendableHashable(APIOperation.userInfoKey)] = operation
        return self
    }

    var apiOperation: APIOperation? {
        userInfo[AnySendableHashable(APIOperation.userInfoKey)] as? APIOperation
    }
}
