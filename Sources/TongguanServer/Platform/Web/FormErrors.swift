import TongguanDomain
import Vapor

/// A service's refusal as a form shows it: field problems beside their fields, anything else
/// as one message above the form. The one place pages turn refusals into what people see,
/// so no page inspects HTTP statuses.
struct FormErrors: Sendable {
    var fields: [FieldProblem] = []
    var message: String?
    /// The record changed under the form: the page offers to reload it.
    var stale = false
    var status: HTTPResponseStatus = .unprocessableEntity

    init() {}

    init(_ refusal: Refusal) {
        switch refusal.kind {
        case .invalid:
            fields = refusal.problems
            message = "请修改标出的\(refusal.problems.count)处问题"
        case .staleVersion:
            message = refusal.message
            stale = true
            status = .conflict
        case .preconditionUnmet:
            message = refusal.message
            fields = refusal.conditions.map { FieldProblem(field: $0.code, message: $0.message) }
            status = .conflict
        case .conflict:
            message = refusal.message
            status = .conflict
        case .forbidden:
            message = refusal.message
            status = .forbidden
        case .notFound:
            message = refusal.message
            status = .notFound
        }
    }

    init(fields: [FieldProblem]) {
        self.init(.invalid(fields))
    }

    var isEmpty: Bool { fields.isEmpty && message == nil }

    /// For templates: nil when there are none (Leaf treats an empty array as true).
    var fieldList: [FieldProblem]? { fields.isEmpty ? nil : fields }

    /// The problems of one field, joined, for the message beside it.
    func message(for field: String) -> String? {
        let m = fields.filter { $0.field == field }.map(\.message)
        return m.isEmpty ? nil : m.joined(separator: ";")
    }
}
