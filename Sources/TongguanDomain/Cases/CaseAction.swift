import Foundation

/// One workflow step asked for. Inputs a step needs are optional here so that a missing
/// one is reported by the workflow together with every other unmet condition.
public enum CaseAction: Hashable, Sendable {
    case route(unitId: UUID?)
    case accept
    case `return`(reason: String?)
    case start
    case extend(days: Int?, reason: String?)
    case reply(outcome: CaseOutcome?, text: String?)
    case close
    case followUp(satisfaction: Satisfaction?)
    case reopen(reason: String?)
    case review
    case reReview

    /// The action's name in the API path and in events.
    public enum Name: String, Sendable, Codable, CaseIterable {
        case route, accept
        case `return`
        case start, extend, reply, close
        case followUp = "follow_up"
        case reopen, review
        case reReview = "re_review"

        public var label: String {
            switch self {
            case .route: "交办"
            case .accept: "受理"
            case .return: "退回"
            case .start: "开始办理"
            case .extend: "延期"
            case .reply: "答复"
            case .close: "办结"
            case .followUp: "回访"
            case .reopen: "重新办理"
            case .review: "复查"
            case .reReview: "复核"
            }
        }
    }

    public var name: Name {
        switch self {
        case .route: .route
        case .accept: .accept
        case .return: .return
        case .start: .start
        case .extend: .extend
        case .reply: .reply
        case .close: .close
        case .followUp: .followUp
        case .reopen: .reopen
        case .review: .review
        case .reReview: .reReview
        }
    }
}

/// The JSON body of `POST /api/v1/cases/{id}/actions/{name}`: every field any action takes,
/// all optional and as sent, so that a bad value is a field problem rather than a decoding
/// failure. `date` defaults to today.
public struct CaseActionInput: Hashable, Sendable, Codable {
    public var unitId: String?
    public var reason: String?
    public var days: Int?
    public var outcome: String?
    public var text: String?
    public var satisfaction: String?
    public var date: String?
    public var note: String?

    public init(
        unitId: String? = nil, reason: String? = nil, days: Int? = nil, outcome: String? = nil, text: String? = nil,
        satisfaction: String? = nil, date: String? = nil, note: String? = nil
    ) {
        self.unitId = unitId
        self.reason = reason
        self.days = days
        self.outcome = outcome
        self.text = text
        self.satisfaction = satisfaction
        self.date = date
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case unitId = "unit_id"
        case reason, days, outcome, text, satisfaction, date, note
    }
}

/// An action with its date and note, ready for `CaseWorkflow.apply`.
public struct CaseRequest: Hashable, Sendable {
    public var action: CaseAction
    public var date: CivilDate
    public var note: String?

    public init(_ action: CaseAction, date: CivilDate, note: String? = nil) {
        self.action = action
        self.date = date
        self.note = note
    }

    /// Reads an action from its name and body. Values of the wrong form (a date that is not
    /// `YYYY-MM-DD`, an unknown outcome, a malformed unit id) are field problems, all at
    /// once; values that are simply missing are left to the workflow's conditions.
    public init(name: CaseAction.Name, input: CaseActionInput, today: CivilDate) throws(Refusal) {
        var list = ProblemList()
        func blankToNil(_ s: String?) -> String? {
            guard let s, !TextPolicy.trimmed(s).isEmpty else { return nil }
            return s
        }
        var date = today
        if let raw = blankToNil(input.date) {
            if let parsed = CivilDate(iso: TextPolicy.trimmed(raw)) { date = parsed } else { list.add("date", "日期应为 YYYY-MM-DD 格式的真实日期") }
        }
        var unitId: UUID? = nil
        if let raw = blankToNil(input.unitId) {
            unitId = UUID(uuidString: TextPolicy.trimmed(raw))
            if unitId == nil { list.add("unit_id", "承办单位编号格式不正确") }
        }
        var outcome: CaseOutcome? = nil
        if let raw = blankToNil(input.outcome) {
            outcome = CaseOutcome(rawValue: TextPolicy.trimmed(raw))
            if outcome == nil { list.add("outcome", "办理结果应为 " + CaseOutcome.allCases.map(\.rawValue).joined(separator: "、")) }
        }
        var satisfaction: Satisfaction? = nil
        if let raw = blankToNil(input.satisfaction) {
            satisfaction = Satisfaction(rawValue: TextPolicy.trimmed(raw))
            if satisfaction == nil { list.add("satisfaction", "满意度应为 " + Satisfaction.allCases.map(\.rawValue).joined(separator: "、")) }
        }
        if !list.isEmpty { throw Refusal.invalid(list.problems) }
        let action: CaseAction =
            switch name {
            case .route: .route(unitId: unitId)
            case .accept: .accept
            case .return: .return(reason: input.reason)
            case .start: .start
            case .extend: .extend(days: input.days, reason: input.reason)
            case .reply: .reply(outcome: outcome, text: input.text)
            case .close: .close
            case .followUp: .followUp(satisfaction: satisfaction)
            case .reopen: .reopen(reason: input.reason)
            case .review: .review
            case .reReview: .reReview
            }
        self.init(action, date: date, note: input.note)
    }
}
