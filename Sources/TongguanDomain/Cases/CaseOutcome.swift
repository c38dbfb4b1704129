/// The answer's outcome. `closed` (办结) and `resolved` (化解) are reported apart: a case
/// closed as `explained` is closed, not resolved.
public enum CaseOutcome: String, Sendable, Codable, CaseIterable {
    /// 化解: the underlying problem is settled (信访: 支持 and done).
    case resolved
    /// 解释说明
    case explained
    /// 不予支持
    case notSupported = "not_supported"
    /// 导入法定程序: the matter belongs to litigation, arbitration or administrative review.
    case redirected

    public var label: String {
        switch self {
        case .resolved: "化解"
        case .explained: "解释说明"
        case .notSupported: "不予支持"
        case .redirected: "导入法定程序"
        }
    }

    public init?(label raw: String) {
        let text = raw.trimmedCell
        if let outcome = CaseOutcome.allCases.first(where: { $0.label == text || $0.rawValue == text }) {
            self = outcome
            return
        }
        switch text {
        case "已化解": self = .resolved
        case "解释": self = .explained
        case "导入诉讼", "导入法律程序", "依法导入": self = .redirected
        default: return nil
        }
    }

    public var isResolved: Bool { self == .resolved }
}

/// The citizen's rating at follow-up (回访).
public enum Satisfaction: String, Sendable, Codable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case unsatisfied

    public var label: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .unsatisfied: "不满意"
        }
    }
}
