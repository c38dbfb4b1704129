/// Where a case stands. The main line is registered → routed → accepted → in_progress →
/// replied → closed; `returned` sends it back to the dispatcher; petitions add the
/// 复查 / 复核 rounds after an answer.
public enum CaseState: String, Sendable, Codable, CaseIterable {
    case registered
    case routed
    /// The unit refused it as not its matter; the dispatcher routes it again.
    case returned
    case accepted
    case inProgress = "in_progress"
    /// Answered to the citizen (反馈答复), with an outcome.
    case replied
    /// 办结. Not the same as resolved (化解): see `CaseOutcome.resolved`.
    case closed
    /// 复查中: a petitioner asked for review of the answer.
    case underReview = "under_review"
    /// 复核中: a petitioner asked for re-review of the review's answer.
    case underReReview = "under_re_review"

    public var label: String {
        switch self {
        case .registered: "已登记"
        case .routed: "已交办"
        case .returned: "已退回"
        case .accepted: "已受理"
        case .inProgress: "办理中"
        case .replied: "已答复"
        case .closed: "已办结"
        case .underReview: "复查中"
        case .underReReview: "复核中"
        }
    }

    /// The label, the raw value, or the words hand-kept lists use (登记, 交办, 在办, 办结).
    public init?(label raw: String) {
        let text = raw.trimmedCell
        if let state = CaseState.allCases.first(where: { $0.label == text || $0.rawValue == text }) {
            self = state
            return
        }
        switch text {
        case "登记", "待交办": self = .registered
        case "交办", "待受理": self = .routed
        case "退回": self = .returned
        case "受理": self = .accepted
        case "在办", "办理", "正在办理": self = .inProgress
        case "答复", "已反馈": self = .replied
        case "办结", "已结案", "结案": self = .closed
        case "复查": self = .underReview
        case "复核": self = .underReReview
        default: return nil
        }
    }

    /// Not yet 办结: counts as pending work and can fall overdue.
    public var isOpen: Bool { self != .closed }

    /// States in which an answer is being prepared (subtasks, extension, reply apply).
    public var isHandling: Bool { self == .accepted || self == .inProgress || self == .underReview || self == .underReReview }
}
