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
    /// Error statuses besides the ones every authenticated route can answer.
    var errors: [Int] = []
    var authenticated = true

    static let userInfoKey = "openapi"
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
