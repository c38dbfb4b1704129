/// What a user may do; where they may do it is their `DivisionScope`.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Manages users and everything in scope.
    case admin
    /// Creates and edits records in scope.
    case `operator`
    /// Reads everything in scope, supervises and approves.
    case supervisor
    /// Reads only.
    case viewer

    public var label: String {
        switch self {
        case .admin: "管理员"
        case .operator: "经办人"
        case .supervisor: "督办人"
        case .viewer: "查看者"
        }
    }

    public var canManageUsers: Bool { self == .admin }
    public var canEditRecords: Bool { self == .admin || self == .operator }
    public var canReadAudit: Bool { self == .admin || self == .supervisor }
    public var canSupervise: Bool { self == .admin || self == .supervisor }
}
