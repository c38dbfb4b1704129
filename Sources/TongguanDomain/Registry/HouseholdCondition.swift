/// Why a change to a household is refused, by a stable code (the API's
/// `conditions[].code`) and a Chinese message with no personal data in it.
public enum HouseholdCondition: String, CaseIterable, Sendable, Codable {
    case householdClosed = "household_closed"
    case notAVillage = "not_a_village"
    case noHead = "no_head"
    case severalHeads = "several_heads"
    case headExists = "head_exists"
    case memberExists = "member_exists"
    case memberNotPresent = "member_not_present"
    case departureViaLeave = "departure_via_leave"
    case headRelationChange = "head_relation_change"
    case newHeadRequired = "new_head_required"
    case newHeadInvalid = "new_head_invalid"
    case newHeadUnexpected = "new_head_unexpected"
    case formerHeadRelationRequired = "former_head_relation_required"
    case formerHeadRelationInvalid = "former_head_relation_invalid"
    case relationMemberInvalid = "relation_member_invalid"
    case relationHeadInvalid = "relation_head_invalid"
    case formerHeadAbsent = "former_head_absent"
    case leaverRelation = "leaver_relation"
    case dateInFuture = "date_in_future"
    case dateBeforeBirth = "date_before_birth"
    case membersPresent = "members_present"
    case sameHousehold = "same_household"
    case targetClosed = "target_closed"
    case targetNeedsHead = "target_needs_head"

    public var message: String {
        switch self {
        case .householdClosed: "该户已销户,不能再办理变更"
        case .notAVillage: "户所在区划应为12位村级区划代码"
        case .noHead: "该户没有在户的户主"
        case .severalHeads: "一户只能有一名在户的户主"
        case .headExists: "该户已有户主;如需更换户主,请办理更换户主"
        case .memberExists: "该成员已在本户登记"
        case .memberNotPresent: "该成员不是在户状态"
        case .departureViaLeave: "成员离户须办理离户,不能在修改信息时设置"
        case .headRelationChange: "不能直接修改户主的与户主关系,请办理更换户主"
        case .newHeadRequired: "户主离户而户内还有其他在户成员,须同时指定新户主:在离户时选择「新户主」,或办理「更换户主」并选择原户主离户"
        case .newHeadInvalid: "新户主应为本户另一名在户成员"
        case .newHeadUnexpected: "只有户主离开时才需指定新户主"
        case .formerHeadRelationRequired: "更换户主时须填写原户主与新户主的关系"
        case .formerHeadRelationInvalid: "原户主与新户主的关系不能是户主"
        case .relationMemberInvalid: "只能为本户新户主以外的在户成员填写与新户主的关系"
        case .relationHeadInvalid: "新户主以外的成员与新户主的关系不能是户主"
        case .formerHeadAbsent: "该户没有在户的户主,无需办理原户主离户;直接指定新户主即可"
        case .leaverRelation: "随更换户主离户的原户主不需要填写与新户主的关系"
        case .dateInFuture: "日期不能晚于今天"
        case .dateBeforeBirth: "离户日期不能早于出生日期"
        case .membersPresent: "户内还有在户成员,须先办理离户或转移后才能销户"
        case .sameHousehold: "转入户与转出户不能是同一户"
        case .targetClosed: "转入户已销户"
        case .targetNeedsHead: "转入户没有户主,转入的成员须作为户主"
        }
    }

    public var unmet: UnmetCondition { UnmetCondition(code: rawValue, message: message) }

    /// One refusal listing every unmet condition.
    static func refusal(_ conditions: [HouseholdCondition]) -> Refusal {
        var seen = Set<HouseholdCondition>()
        return .unmet(conditions.filter { seen.insert($0).inserted }.map(\.unmet))
    }
}

extension Refusal {
    /// A resident ID that is already a present member of another household: the fix is a
    /// transfer, never a second record. Names that household's code, never the ID.
    public static func residentElsewhere(_ code: HouseholdCode) -> Refusal {
        .conflict(RegistryMessage.residentElsewhere(code))
    }
}

/// Messages shared by the API, the forms and the import.
public enum RegistryMessage {
    public static func residentElsewhere(_ code: HouseholdCode) -> String {
        "该身份证号已是户码\(code.rawValue)的在户成员;如需迁入,请办理成员转移"
    }
}
