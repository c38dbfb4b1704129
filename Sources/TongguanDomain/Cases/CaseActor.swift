/// The acting user as the workflow needs to know them: their role and scope, and the two
/// relations only the server can tell (it knows users' units and the case's owner leader).
///
/// The role rules, in one place:
/// - **dispatcher** (交办): an `admin` whose scope is a county or above and contains the
///   case's division. Routes, records review/re-review requests and their answers, closes,
///   follows up, reopens. Supervisors do not route: supervision and dispatch are kept apart.
/// - **handler** (承办): an `operator` or `admin` of the unit the case is routed to.
///   Accepts, returns, starts, extends, replies, closes, manages subtasks.
/// - **supervisor** (督办): an `admin` or `supervisor` whose scope contains the case's
///   division. Supervises (reminder and flagged) and follows up.
/// - **owner leader** (包案领导): may send reminders on the case they own.
public struct CaseActor: Hashable, Sendable {
    public var role: Role
    public var scope: DivisionScope
    /// The user belongs to the unit the case is currently routed to.
    public var inCaseUnit: Bool
    /// The user is the case's 包案 leader.
    public var isOwnerLeader: Bool

    public init(role: Role, scope: DivisionScope, inCaseUnit: Bool = false, isOwnerLeader: Bool = false) {
        self.role = role
        self.scope = scope
        self.inCaseUnit = inCaseUnit
        self.isOwnerLeader = isOwnerLeader
    }

    /// The scope is a county, a city or a province: the levels that dispatch cases.
    public var atCountyOrAbove: Bool {
        switch scope.root.level {
        case .province, .city, .county: true
        case .township, .village: false
        }
    }

    public func covers(_ division: DivisionCode) -> Bool { scope.contains(division) }

    public func isDispatcher(for division: DivisionCode) -> Bool {
        role == .admin && atCountyOrAbove && covers(division)
    }

    /// Unit membership decides, not scope: a county bureau handles cases from any township.
    public var isHandler: Bool { inCaseUnit && role.canEditRecords }

    public func isSupervisor(for division: DivisionCode) -> Bool { role.canSupervise && covers(division) }
}
