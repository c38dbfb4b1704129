/// A place in a template: 1-based line, and 1-based column counted in characters as a
/// person sees them (a Chinese character is one column).
public struct TemplateLocation: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: Self, b: Self) -> Bool { (a.line, a.column) < (b.line, b.column) }

    public var description: String { "第\(line)行第\(column)列" }
}

/// One reason a template is refused, located where the writer must fix it.
public struct TemplateProblem: Error, Hashable, Sendable, Codable {
    public let line: Int
    public let column: Int
    public let message: String

    public init(_ location: TemplateLocation, _ message: String) {
        line = location.line
        column = location.column
        self.message = message
    }

    public var location: TemplateLocation { TemplateLocation(line: line, column: column) }

    /// `第3行第12列:未知指标「air.pm10」`.
    public var text: String { location.description + ":" + message }
}

/// Every problem of a template, in reading order; a template with one is not saved.
public struct TemplateProblems: Error, Equatable, Sendable {
    public let problems: [TemplateProblem]

    public init(_ problems: [TemplateProblem]) {
        self.problems = problems.sorted { $0.location < $1.location }
    }

    /// The refusal a save answers with: one field problem per template problem, on `field`.
    public func refusal(field: String = "body") -> Refusal {
        .invalid(problems.map { FieldProblem(field: field, message: $0.text) })
    }
}
