import Foundation

/// The data-quality checks of the registry (the quality page and
/// `GET /api/v1/households/quality`). They flag records for people to look at; none of
/// them blocks anything, because each has real exceptions (a head of 110, a 子女 recorded
/// against a step-parent).
public enum QualityCheck: String, CaseIterable, Sendable, Codable {
    /// An active household with present members and no present head.
    case noHead = "no_head"
    /// More than one present head (the rules refuse it; old or imported data may hold it).
    case severalHeads = "several_heads"
    /// A present 子女 born before the head.
    case childOlderThanHead = "child_older_than_head"
    /// A present member older than 110 on today's date (whole years > 110).
    case over110 = "over_110"
    /// An active household with no present member: close it or register its members.
    case emptyHousehold = "empty_household"
    /// A present member aged 6 to 15 (whole years, on today's date) recorded as not at school.
    case schoolStageMismatch = "school_stage_mismatch"

    public var label: String {
        switch self {
        case .noHead: "无户主"
        case .severalHeads: "多名户主"
        case .childOlderThanHead: "子女年龄大于户主"
        case .over110: "年龄超过110岁"
        case .emptyHousehold: "空户"
        case .schoolStageMismatch: "适龄未登记在校学段"
        }
    }

    /// What the check found, for the page; never names the person.
    public var message: String {
        switch self {
        case .noHead: "该户有在户成员但没有户主"
        case .severalHeads: "该户有多名在户户主"
        case .childOlderThanHead: "与户主关系为子女的成员出生早于户主,请核对关系或身份证号"
        case .over110: "成员年龄超过110岁,请核对身份证号或是否已离户"
        case .emptyHousehold: "该户已无在户成员,请核实后销户或补录成员"
        case .schoolStageMismatch: "成员为6至15周岁,在校学段却登记为无,请核对"
        }
    }
}

/// One finding: which check, which household, and the member when it is about one.
public struct QualityFinding: Hashable, Sendable, Codable {
    public let check: QualityCheck
    public let householdCode: HouseholdCode
    public let memberID: UUID?

    public init(check: QualityCheck, householdCode: HouseholdCode, memberID: UUID? = nil) {
        self.check = check
        self.householdCode = householdCode
        self.memberID = memberID
    }

    enum CodingKeys: String, CodingKey {
        case check, householdCode = "household_code", memberID = "member_id"
    }
}

public enum HouseholdQuality {
    public static let maximumPlausibleAge = 110
    /// Ages (whole years) at which a child is expected at school (compulsory education).
    public static let schoolAges = 6...15

    /// Every finding for one household on `today`, household-level first, then members in
    /// their stored order. Closed households and members who left are not checked.
    public static func findings(_ household: HouseholdSnapshot, today: CivilDate) -> [QualityFinding] {
        guard household.isActive else { return [] }
        let code = household.code
        let present = household.presentMembers
        var result: [QualityFinding] = []
        guard !present.isEmpty else { return [QualityFinding(check: .emptyHousehold, householdCode: code)] }
        let heads = present.filter { $0.relation == .head }
        if heads.isEmpty { result.append(QualityFinding(check: .noHead, householdCode: code)) }
        if heads.count > 1 { result.append(QualityFinding(check: .severalHeads, householdCode: code)) }
        // With several heads (itself a finding), a child is flagged only when older than all.
        let headBirth = heads.map(\.birthDate).min()
        for member in present {
            if member.relation == .child, let headBirth, member.birthDate < headBirth {
                result.append(QualityFinding(check: .childOlderThanHead, householdCode: code, memberID: member.id))
            }
            let age = member.age(on: today)
            if age > maximumPlausibleAge {
                result.append(QualityFinding(check: .over110, householdCode: code, memberID: member.id))
            }
            if schoolAges.contains(age) && member.schoolStage == SchoolStage.none {
                result.append(QualityFinding(check: .schoolStageMismatch, householdCode: code, memberID: member.id))
            }
        }
        return result
    }

    /// Findings for many households (a stream from the database works: pass a lazy sequence).
    public static func findings<S: Sequence>(_ households: S, today: CivilDate) -> [QualityFinding]
    where S.Element == HouseholdSnapshot {
        households.flatMap { findings($0, today: today) }
    }
}
