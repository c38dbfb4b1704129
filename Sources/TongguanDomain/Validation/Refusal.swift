/// Why the domain or a service will not do what was asked. Services throw this (never an
/// HTTP type); the server maps it once to problem+json for the API and once to messages on
/// a form, so a page never inspects status codes.
public struct Refusal: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The record does not exist or is outside the caller's scope (the two look alike).
        case notFound
        /// The caller read an older version than the one stored.
        case staleVersion
        /// The request contradicts data that exists (a duplicate, a record still referenced).
        case conflict
        /// Input breaks field rules; `problems` lists every one.
        case invalid
        /// The caller's role may not do this.
        case forbidden
        /// A workflow step whose conditions are not met; `conditions` lists every unmet one.
        case preconditionUnmet
    }

    public var kind: Kind
    /// One Chinese sentence for the person who asked.
    public var message: String
    public var problems: [FieldProblem]
    public var conditions: [UnmetCondition]

    public init(_ kind: Kind, _ message: String, problems: [FieldProblem] = [], conditions: [UnmetCondition] = []) {
        self.kind = kind
        self.message = message
        self.problems = problems
        self.conditions = conditions
    }

    public static let notFound = Refusal(.notFound, "请求的记录不存在或不在您的管辖范围内")
    public static let forbidden = Refusal(.forbidden, "您的角色不能执行此操作")
    /// The one message of every optimistic-lock failure.
    public static let staleVersion = Refusal(.staleVersion, "该记录已被他人修改,请刷新后重试")

    public static func forbidden(_ message: String) -> Refusal { Refusal(.forbidden, message) }
    public static func conflict(_ message: String) -> Refusal { Refusal(.conflict, message) }

    public static func invalid(_ problems: [FieldProblem]) -> Refusal {
        Refusal(.invalid, "共有\(problems.count)处错误,请逐项修改", problems: problems)
    }

    public static func invalid(_ field: String, _ message: String) -> Refusal {
        invalid([FieldProblem(field: field, message: message)])
    }

    /// Every unmet condition at once, so the person can fix them all before trying again.
    public static func unmet(_ conditions: [UnmetCondition]) -> Refusal {
        let summary = conditions.map(\.message).joined(separator: ";")
        return Refusal(.preconditionUnmet, "条件未满足:" + summary, conditions: conditions)
    }
}

/// One condition of a workflow step that does not hold, named by a stable code a client can
/// switch on (`notice_period`, `monitored_6_months`, ...) with the Chinese reason.
public struct UnmetCondition: Hashable, Sendable, Codable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

extension ValidationFailure {
    /// Field problems are one kind of refusal.
    public var refusal: Refusal { .invalid(problems) }
}
