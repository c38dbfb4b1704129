/// 离户原因: why a member is no longer present. Members are never deleted; they leave.
public enum LeaveReason: String, RegistryVocabulary {
    case death
    case movedOut = "moved_out"
    case marriage
    case other

    public var label: String {
        switch self {
        case .death: "死亡"
        case .movedOut: "迁出"
        case .marriage: "婚嫁"
        case .other: "其他"
        }
    }
}

/// Whether a member is counted in the household now.
public enum MemberStatus: String, RegistryVocabulary {
    case present, left

    public var label: String {
        switch self {
        case .present: "在户"
        case .left: "已离户"
        }
    }
}

/// A member's leaving: the reason and the day. A member with a departure is `left`.
public struct Departure: Hashable, Sendable, Codable {
    public var reason: LeaveReason
    public var date: CivilDate

    public init(reason: LeaveReason, date: CivilDate) {
        self.reason = reason
        self.date = date
    }
}

/// 销户原因: why a household was closed. Households are never deleted; they are closed.
/// A household that moves village is not closed: it keeps its code and changes its
/// `division_code`.
public enum HouseholdCloseReason: String, RegistryVocabulary {
    /// Every member has died.
    case allDeceased = "all_deceased"
    /// The whole household moved out of the city's registry.
    case movedOut = "moved_out"
    /// Its members joined another household (by transfer).
    case merged
    /// Registered twice or in error; its members are recorded in the other household.
    case duplicate
    case other

    public var label: String {
        switch self {
        case .allDeceased: "全户死亡"
        case .movedOut: "全户迁出"
        case .merged: "并入他户"
        case .duplicate: "重复登记"
        case .other: "其他"
        }
    }
}

/// Whether a household is still in the registry's working set.
public enum HouseholdStatus: String, RegistryVocabulary {
    case active, closed

    public var label: String {
        switch self {
        case .active: "在册"
        case .closed: "已销户"
        }
    }
}

/// A household's closing: the reason and the day. A household with a closure is `closed`.
public struct HouseholdClosure: Hashable, Sendable, Codable {
    public var reason: HouseholdCloseReason
    public var date: CivilDate

    public init(reason: HouseholdCloseReason, date: CivilDate) {
        self.reason = reason
        self.date = date
    }
}
