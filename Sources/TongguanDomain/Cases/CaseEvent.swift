import Foundation

/// One step in a case's history. The server adds who and the exact instant, and stores it
/// as is. It carries no requester identity (name, phone, ID); free text (note, reason, reply)
/// is what staff wrote.
public struct CaseEvent: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case registered, route, accept
        case `return`
        case start, extend, reply, close
        case followUp = "follow_up"
        case reopen, review
        case reReview = "re_review"
        case supervise
        case subtaskAdded = "subtask_added"
        case subtaskDone = "subtask_done"

        public init(_ name: CaseAction.Name) { self = Kind(rawValue: name.rawValue)! }

        public var label: String {
            switch self {
            case .registered: "登记"
            case .supervise: "督办"
            case .subtaskAdded: "分解任务"
            case .subtaskDone: "完成任务"
            default: CaseAction.Name(rawValue: rawValue)!.label
            }
        }
    }

    public var kind: Kind
    /// The date the step happened (may be earlier than the day it was entered).
    public var on: CivilDate
    public var from: CaseState?
    public var to: CaseState
    public var note: String?
    public var unitId: UUID?
    public var reason: String?
    public var days: Int?
    public var outcome: CaseOutcome?
    public var text: String?
    public var satisfaction: Satisfaction?
    public var level: SupervisionLevel?
    /// The handle due date after an extension or a reopening, for the history's reader.
    public var handleDue: CivilDate?

    public init(
        kind: Kind, on: CivilDate, from: CaseState?, to: CaseState, note: String? = nil, unitId: UUID? = nil,
        reason: String? = nil, days: Int? = nil, outcome: CaseOutcome? = nil, text: String? = nil,
        satisfaction: Satisfaction? = nil, level: SupervisionLevel? = nil, handleDue: CivilDate? = nil
    ) {
        self.kind = kind
        self.on = on
        self.from = from
        self.to = to
        self.note = note
        self.unitId = unitId
        self.reason = reason
        self.days = days
        self.outcome = outcome
        self.text = text
        self.satisfaction = satisfaction
        self.level = level
        self.handleDue = handleDue
    }

    /// One Chinese line for the history list (the reply text and note are shown apart).
    public var summary: String {
        var s = kind.label
        if let from, from != to { s += ":\(from.label) → \(to.label)" }
        if let days { s += ",延期\(days)天" }
        if let handleDue { s += ",办理期限至\(handleDue.chinese)" }
        if let outcome { s += ",结果「\(outcome.label)」" }
        if let satisfaction { s += ",满意度「\(satisfaction.label)」" }
        if let level { s += "(\(level.label))" }
        if let reason { s += ",理由:\(reason)" }
        return s
    }
}
