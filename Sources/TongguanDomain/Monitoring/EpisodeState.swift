/// Where a monitoring episode stands. `not_included` and `risk_eliminated` end it; the
/// record stays, and the household may have a new episode later.
public enum EpisodeState: String, CaseIterable, Sendable, Codable {
    case candidate
    case verifying
    case publicNotice = "public_notice"
    case townshipChecked = "township_checked"
    case monitored
    case notIncluded = "not_included"
    case eliminationProposed = "elimination_proposed"
    case eliminationNotice = "elimination_notice"
    case riskEliminated = "risk_eliminated"

    public var label: String {
        switch self {
        case .candidate: "待核实"
        case .verifying: "入户核实"
        case .publicNotice: "村级公示"
        case .townshipChecked: "乡镇审核"
        case .monitored: "监测帮扶中"
        case .notIncluded: "未纳入"
        case .eliminationProposed: "拟消除风险"
        case .eliminationNotice: "风险消除公示"
        case .riskEliminated: "风险已消除"
        }
    }

    /// An episode in one of these states is over; any other blocks opening a new one.
    public var isClosed: Bool { self == .notIncluded || self == .riskEliminated }

    /// A public notice runs in this state, so the step after it waits the notice period.
    public var isNotice: Bool { self == .publicNotice || self == .eliminationNotice }

    /// The steps that may be taken from this state, in workflow order.
    public var allowedSteps: [EpisodeStepKind] { EpisodeStepKind.allCases.filter { $0.from.contains(self) } }
}

/// The kinds of step, as the API names them (`POST …/steps {"step": "township_check"}`).
public enum EpisodeStepKind: String, CaseIterable, Sendable, Codable {
    case open
    case visit
    case notice
    case townshipCheck = "township_check"
    case approve
    case reject
    case proposeElimination = "propose_elimination"
    case eliminationNotice = "elimination_notice"
    case eliminate

    public var label: String {
        switch self {
        case .open: "发起监测"
        case .visit: "入户核实"
        case .notice: "村级公示"
        case .townshipCheck: "乡镇审核"
        case .approve: "县级审批纳入"
        case .reject: "不予纳入"
        case .proposeElimination: "提出风险消除"
        case .eliminationNotice: "风险消除公示"
        case .eliminate: "县级审批消除风险"
        }
    }

    /// The states this step may be taken from (`open` starts a new episode instead).
    public var from: Set<EpisodeState> {
        switch self {
        case .open: []
        case .visit: [.candidate]
        case .notice: [.verifying]
        case .townshipCheck: [.publicNotice]
        case .approve: [.townshipChecked]
        case .reject: [.candidate, .verifying, .publicNotice, .townshipChecked]
        case .proposeElimination: [.monitored]
        case .eliminationNotice: [.eliminationProposed]
        case .eliminate: [.eliminationNotice]
        }
    }

    /// The state the step leads to.
    public var to: EpisodeState {
        switch self {
        case .open: .candidate
        case .visit: .verifying
        case .notice: .publicNotice
        case .townshipCheck: .townshipChecked
        case .approve: .monitored
        case .reject: .notIncluded
        case .proposeElimination: .eliminationProposed
        case .eliminationNotice: .eliminationNotice
        case .eliminate: .riskEliminated
        }
    }

    /// Whether the risk-elimination conditions are checked before this step.
    public var checksEliminationConditions: Bool { self == .proposeElimination || self == .eliminate }
}
