/// The time limits of one source, as data an administrator edits (`GET/PUT
/// /api/v1/cases/policies`). A step's due date is the last day on which it is on time.
///
/// JSON (snake_case, absent keys = the step has no limit):
/// `{"source":"hotline","counting":"working","handle_days":5,"handle_from":"routed","extension_max_days":10}`
public struct DeadlinePolicy: Hashable, Sendable, Codable {
    /// Which step's date the handling limit counts from: petitions count from acceptance
    /// (信访工作条例 art. 35), the other channels from routing.
    public enum HandleFrom: String, Sendable, Codable, CaseIterable {
        case routed, accepted
    }

    public var source: CaseSource
    public var counting: DayCounting
    /// Register and route, from `received_on`.
    public var routeDays: Int?
    /// Tell the petitioner whether it is accepted, from routing.
    public var acceptDays: Int?
    /// Handle and answer, from `handleFrom` (or from a reopening).
    public var handleDays: Int
    public var handleFrom: HandleFrom
    /// The one extension's most days, counted from the current handle due date; nil: none.
    public var extensionMaxDays: Int?
    /// The days after an answer in which a petitioner may ask for review or re-review.
    public var reviewRequestDays: Int?
    /// Answer a review (复查), from the request.
    public var reviewDays: Int?
    /// Answer a re-review (复核), from the request.
    public var reReviewDays: Int?

    public init(
        source: CaseSource, counting: DayCounting, routeDays: Int? = nil, acceptDays: Int? = nil, handleDays: Int,
        handleFrom: HandleFrom, extensionMaxDays: Int? = nil, reviewRequestDays: Int? = nil,
        reviewDays: Int? = nil, reReviewDays: Int? = nil
    ) {
        self.source = source
        self.counting = counting
        self.routeDays = routeDays
        self.acceptDays = acceptDays
        self.handleDays = handleDays
        self.handleFrom = handleFrom
        self.extensionMaxDays = extensionMaxDays
        self.reviewRequestDays = reviewRequestDays
        self.reviewDays = reviewDays
        self.reReviewDays = reReviewDays
    }

    enum CodingKeys: String, CodingKey {
        case source, counting
        case routeDays = "route_days"
        case acceptDays = "accept_days"
        case handleDays = "handle_days"
        case handleFrom = "handle_from"
        case extensionMaxDays = "extension_max_days"
        case reviewRequestDays = "review_request_days"
        case reviewDays = "review_days"
        case reReviewDays = "re_review_days"
    }

    /// The shipped defaults: 信访工作条例 for petitions (calendar days), 12345 practice for
    /// the hotline, 15 working days for the other channels.
    public static func shipped(_ source: CaseSource) -> DeadlinePolicy {
        switch source {
        case .petition:
            DeadlinePolicy(
                source: .petition, counting: .calendar, routeDays: 15, acceptDays: 15, handleDays: 60,
                handleFrom: .accepted, extensionMaxDays: 30, reviewRequestDays: 30, reviewDays: 30, reReviewDays: 30)
        case .hotline:
            DeadlinePolicy(source: .hotline, counting: .working, handleDays: 5, handleFrom: .routed, extensionMaxDays: 10)
        case .liaisonStation, .leaderVisit, .online:
            DeadlinePolicy(source: source, counting: .working, handleDays: 15, handleFrom: .routed, extensionMaxDays: 15)
        }
    }

    /// The most days any one limit may be: a year of calendar days, or of working days.
    public static func maxDays(_ counting: DayCounting) -> Int { counting == .calendar ? 365 : 250 }

    /// Every problem of an edited policy; field names are the JSON keys, prefixed.
    public func problems(prefix: String = "") -> [FieldProblem] {
        var list = ProblemList()
        let max = DeadlinePolicy.maxDays(counting)
        func check(_ value: Int?, _ key: CodingKeys, _ name: String) {
            guard let value else { return }
            if !(1...max).contains(value) {
                list.add(prefix + key.rawValue, "\(name)应为1到\(max)个\(counting.label)")
            }
        }
        check(routeDays, .routeDays, "交办时限")
        check(acceptDays, .acceptDays, "受理时限")
        check(handleDays, .handleDays, "办理时限")
        check(extensionMaxDays, .extensionMaxDays, "延期上限")
        check(reviewRequestDays, .reviewRequestDays, "申请复查复核的期限")
        check(reviewDays, .reviewDays, "复查时限")
        check(reReviewDays, .reReviewDays, "复核时限")
        if source.isPetition {
            if handleFrom != .accepted { list.add(prefix + CodingKeys.handleFrom.rawValue, "信访件的办理时限应自受理之日起算") }
            for (value, key, name) in [
                (reviewRequestDays, CodingKeys.reviewRequestDays, "申请复查复核的期限"),
                (reviewDays, .reviewDays, "复查时限"), (reReviewDays, .reReviewDays, "复核时限"),
            ] where value == nil {
                list.add(prefix + key.rawValue, "信访件须设置\(name)")
            }
        } else {
            for (value, key) in [(reviewRequestDays, CodingKeys.reviewRequestDays), (reviewDays, .reviewDays), (reReviewDays, .reReviewDays)]
            where value != nil {
                list.add(prefix + key.rawValue, "复查、复核仅适用于信访件")
            }
        }
        if handleFrom == .accepted, acceptDays == nil {
            list.add(prefix + CodingKeys.acceptDays.rawValue, "办理时限自受理起算时须设置受理时限")
        }
        return list.problems
    }

    public func validated() throws(ValidationFailure) -> DeadlinePolicy {
        let problems = problems()
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return self
    }
}

/// One policy per source: what `GET /api/v1/cases/policies` answers and `PUT` replaces,
/// as `{"policies":[...]}` in `CaseSource.allCases` order.
public struct DeadlinePolicies: Hashable, Sendable, Codable {
    public private(set) var policies: [DeadlinePolicy]

    public static let shipped = DeadlinePolicies(unchecked: CaseSource.allCases.map(DeadlinePolicy.shipped))

    private init(unchecked policies: [DeadlinePolicy]) {
        self.policies = policies.sorted { CaseSource.allCases.firstIndex(of: $0.source)! < CaseSource.allCases.firstIndex(of: $1.source)! }
    }

    /// Every source exactly once and every policy valid, or every problem
    /// (`policies[2].handle_days`).
    public init(validating policies: [DeadlinePolicy]) throws(ValidationFailure) {
        var list = ProblemList()
        var seen: Set<CaseSource> = []
        for (i, policy) in policies.enumerated() {
            if !seen.insert(policy.source).inserted { list.add("policies[\(i)].source", "来源「\(policy.source.label)」重复") }
            for problem in policy.problems(prefix: "policies[\(i)].") { list.add(problem.field, problem.message) }
        }
        for source in CaseSource.allCases where !seen.contains(source) {
            list.add("policies", "缺少来源「\(source.label)」的时限设置")
        }
        try list.throwIfAny()
        self.init(unchecked: policies)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let list = try container.decode([DeadlinePolicy].self, forKey: .policies)
        do { try self.init(validating: list) } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: error.problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")))
        }
    }

    public subscript(source: CaseSource) -> DeadlinePolicy {
        policies.first { $0.source == source } ?? .shipped(source)
    }

    /// The set with one source's policy replaced, validated.
    public func replacing(_ policy: DeadlinePolicy) throws(ValidationFailure) -> DeadlinePolicies {
        try DeadlinePolicies(validating: policies.filter { $0.source != policy.source } + [policy])
    }
}
