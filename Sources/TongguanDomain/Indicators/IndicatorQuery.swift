/// One question a computed indicator asks a module: a registered query kind
/// (`projects.summary`, `cases.stats`, `ledger.aggregate` ...) and its parameters as
/// strings (`stage=signed`, `measure=investment`). The period and the division are not
/// parameters: they are given each time the indicator is evaluated.
public struct IndicatorQuery: Hashable, Sendable, Codable {
    public var kind: String
    public var parameters: [String: String]

    public init(kind: String, parameters: [String: String] = [:]) {
        self.kind = kind
        self.parameters = parameters
    }

    /// The same query with some parameters replaced (a template's `round:` or `filter.x:`).
    public func overriding(_ values: [String: String]) -> IndicatorQuery {
        IndicatorQuery(kind: kind, parameters: parameters.merging(values) { _, new in new })
    }
}

/// Where an indicator's values come from.
public enum IndicatorSource: Hashable, Sendable {
    /// Entered per period and division by people (with who entered it and a note).
    case manual
    /// Evaluated by a module for any period and division; with a denominator the value is
    /// the ratio query ÷ denominator (resolved ÷ received), as a fraction.
    case computed(IndicatorQuery, denominator: IndicatorQuery?)

    public var isManual: Bool { self == .manual }

    /// Every query involved (none for manual).
    public var queries: [IndicatorQuery] {
        switch self {
        case .manual: []
        case .computed(let q, let d): [q] + (d.map { [$0] } ?? [])
        }
    }
}

/// One parameter a query kind accepts.
public struct QueryParameterSpec: Hashable, Sendable {
    public var name: String
    public var label: String
    public var required: Bool
    /// Allowed values; empty means free text (a round's name, a ledger's code).
    public var allowedValues: [String]

    public init(name: String, label: String, required: Bool = false, allowedValues: [String] = []) {
        self.name = name
        self.label = label
        self.required = required
        self.allowedValues = allowedValues
    }
}

/// A query kind a module offers to computed indicators. Modules register their kinds at
/// start-up; this module knows none of them by name.
public struct QueryKindSpec: Hashable, Sendable {
    public var kind: String
    public var label: String
    public var parameters: [QueryParameterSpec]

    public init(kind: String, label: String, parameters: [QueryParameterSpec]) {
        self.kind = kind
        self.label = label
        self.parameters = parameters
    }

    public func parameter(_ name: String) -> QueryParameterSpec? { parameters.first { $0.name == name } }

    /// Every problem of `query` against this kind, each with the field it belongs to.
    public func problems(of query: IndicatorQuery, field: String) -> [FieldProblem] {
        var result: [FieldProblem] = []
        for name in query.parameters.keys.sorted() {
            let value = query.parameters[name] ?? ""
            let path = field + ".parameters." + name
            guard let spec = parameter(name) else {
                let known = parameters.map(\.name).joined(separator: "、")
                result.append(FieldProblem(field: path, message: "查询「\(label)」没有参数「\(name)」" + (known.isEmpty ? "" : ",可用参数:" + known)))
                continue
            }
            if let problem = TextPolicy.firstProblem(in: value) {
                result.append(FieldProblem(field: path, message: problem.message))
            } else if value.isEmpty || value != TextPolicy.trimmed(value) {
                result.append(FieldProblem(field: path, message: "参数「\(spec.label)」不能为空,也不能以空格开头或结尾"))
            } else if !spec.allowedValues.isEmpty, !spec.allowedValues.contains(value) {
                result.append(FieldProblem(field: path, message: "参数「\(spec.label)」应为" + spec.allowedValues.joined(separator: "、") + "之一"))
            }
        }
        for spec in parameters where spec.required && query.parameters[spec.name] == nil {
            result.append(FieldProblem(field: field + ".parameters." + spec.name, message: "缺少必填参数「\(spec.label)」"))
        }
        return result
    }
}

/// The query kinds the modules registered.
public struct QueryKindRegistry: Sendable {
    public private(set) var specs: [String: QueryKindSpec] = [:]

    public init(_ specs: [QueryKindSpec] = []) {
        for spec in specs { self.specs[spec.kind] = spec }
    }

    /// Adds or replaces a kind (a module calls this once at start-up).
    public mutating func register(_ spec: QueryKindSpec) { specs[spec.kind] = spec }

    public func spec(_ kind: String) -> QueryKindSpec? { specs[kind] }

    /// Every problem of one query, located under `field` (`source.query`).
    public func problems(of query: IndicatorQuery, field: String) -> [FieldProblem] {
        guard let spec = specs[query.kind] else {
            let known = specs.keys.sorted().joined(separator: "、")
            return [FieldProblem(field: field + ".kind", message: "未知的查询类型「\(query.kind)」" + (known.isEmpty ? "" : ",已登记的类型:" + known))]
        }
        return spec.problems(of: query, field: field)
    }

    /// Whether the query (or, for a ratio, one of its two queries) accepts `parameter`.
    public func accepts(_ parameter: String, in source: IndicatorSource) -> Bool {
        source.queries.contains { specs[$0.kind]?.parameter(parameter) != nil }
    }
}
