import Foundation

/// One step of the identify → assist → eliminate workflow with what it carries.
public enum EpisodeStep: Hashable, Sendable {
    case open(channel: MonitoringChannel, warningIDs: [UUID])
    /// 入户核实: the household signed (or refused) the consent and authorisation (承诺授权).
    case visit(consent: Bool)
    case notice
    case townshipCheck
    case approve(category: MonitoringCategory, riskTypes: [MonitoringRiskType])
    case reject(reason: String)
    case proposeElimination
    case eliminationNotice
    case eliminate

    public var kind: EpisodeStepKind {
        switch self {
        case .open: .open
        case .visit: .visit
        case .notice: .notice
        case .townshipCheck: .townshipCheck
        case .approve: .approve
        case .reject: .reject
        case .proposeElimination: .proposeElimination
        case .eliminationNotice: .eliminationNotice
        case .eliminate: .eliminate
        }
    }
}

/// Who takes a step: their role and the level of their scope's root. The server checks
/// that the household lies inside the scope; the domain decides what the level allows.
public struct MonitoringActor: Hashable, Sendable {
    public var role: Role
    public var scopeLevel: DivisionCode.Level

    public init(role: Role, scopeLevel: DivisionCode.Level) {
        self.role = role
        self.scopeLevel = scopeLevel
    }

    public init(role: Role, scope: DivisionScope) { self.init(role: role, scopeLevel: scope.root.level) }

    /// A scope rooted at `level` or wider (a county user is "township or above").
    public func isAtLeast(_ level: DivisionCode.Level) -> Bool {
        let order = DivisionCode.Level.allCases  // province … village, widest first
        return order.firstIndex(of: scopeLevel)! <= order.firstIndex(of: level)!
    }
}

extension EpisodeStepKind {
    /// Who may take the step, and the refusal otherwise. Recording what happened in the
    /// village (opening, visits, notices, proposals) is an editor's work at any level; the
    /// township check needs an editor scoped to a township or wider; the decisions the
    /// policy gives to the county (approve, reject, eliminate) need an admin or supervisor
    /// scoped to a county or wider.
    public func permits(_ actor: MonitoringActor) -> Refusal? {
        switch self {
        case .open, .visit, .notice, .proposeElimination, .eliminationNotice:
            return actor.role.canEditRecords ? nil : .forbidden("「\(label)」须由管理员或经办人办理")
        case .townshipCheck:
            return actor.role.canEditRecords && actor.isAtLeast(.township)
                ? nil : .forbidden("「\(label)」须由乡镇或以上区划的管理员或经办人办理")
        case .approve, .reject, .eliminate:
            return actor.role.canSupervise && actor.isAtLeast(.county)
                ? nil : .forbidden("「\(label)」须由县级或以上区划的管理员或督办人办理")
        }
    }
}

/// The log entry of one step, stored as the episode's history (the server adds who).
public struct EpisodeStepRecord: Hashable, Sendable {
    public let step: EpisodeStep
    public let date: CivilDate
    public let note: String
    public let from: EpisodeState?
    public let to: EpisodeState

    public init(step: EpisodeStep, date: CivilDate, note: String, from: EpisodeState?, to: EpisodeState) {
        self.step = step
        self.date = date
        self.note = note
        self.from = from
        self.to = to
    }
}

/// What a step changes beyond the episode itself, for the server to carry out (mark the
/// household as a monitored household, record the exit) and to show.
public enum EpisodeEffect: Hashable, Sendable {
    /// A public notice started; the next step may be taken from `nextStepFrom`.
    case noticeStarted(nextStepFrom: CivilDate)
    case identified(category: MonitoringCategory, riskTypes: [MonitoringRiskType], on: CivilDate)
    case notIncluded(reason: String)
    case riskEliminated(on: CivilDate)
}

/// A step's outcome: the episode as it now stands, the record to append, and the effects.
public struct EpisodeTransition: Hashable, Sendable {
    public let episode: MonitoringEpisode
    public let record: EpisodeStepRecord
    public let effects: [EpisodeEffect]
}
