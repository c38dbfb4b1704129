/// One thing wrong with one field of user input. Validation collects every problem before
/// answering, so a form or an API caller sees all of them at once.
public struct FieldProblem: Hashable, Sendable, Codable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Thrown when input breaks one or more rules; the server turns it into a 422
/// problem+json (API) or re-renders the form with the messages (web).
public struct ValidationFailure: Error, Sendable {
    public let problems: [FieldProblem]
    public init(_ problems: [FieldProblem]) { self.problems = problems }
}

/// Collects problems while a validator walks through fields.
public struct ProblemList: Sendable {
    public private(set) var problems: [FieldProblem] = []
    public init() {}

    public var isEmpty: Bool { problems.isEmpty }

    public mutating func add(_ field: String, _ message: String) {
        problems.append(FieldProblem(field: field, message: message))
    }

    public func throwIfAny() throws(ValidationFailure) {
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
