import Foundation

/// One member as the rules see them: the stored facts without name, resident ID or phone
/// (no rule needs those, so no rule can leak them). The server fills it from a row; the
/// birth date comes from the resident ID (`ResidentIdentity.birthDate`).
public struct MemberSnapshot: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var relation: Relation
    public var birthDate: CivilDate
    public var sex: Sex
    public var labourCapacity: LabourCapacity
    public var disability: Bool
    public var chronicIllness: Bool
    public var schoolStage: SchoolStage
    public var workStatus: WorkStatus
    public var basicMedicalInsurance: Bool
    /// nil while the member is present.
    public var departure: Departure?

    public init(
        id: UUID, relation: Relation, birthDate: CivilDate, sex: Sex, labourCapacity: LabourCapacity,
        disability: Bool, chronicIllness: Bool, schoolStage: SchoolStage, workStatus: WorkStatus,
        basicMedicalInsurance: Bool, departure: Departure? = nil
    ) {
        self.id = id
        self.relation = relation
        self.birthDate = birthDate
        self.sex = sex
        self.labourCapacity = labourCapacity
        self.disability = disability
        self.chronicIllness = chronicIllness
        self.schoolStage = schoolStage
        self.workStatus = workStatus
        self.basicMedicalInsurance = basicMedicalInsurance
        self.departure = departure
    }

    public var status: MemberStatus { departure == nil ? .present : .left }
    public var isPresent: Bool { departure == nil }
    public var isPresentHead: Bool { isPresent && relation == .head }

    public func age(on date: CivilDate) -> Int { birthDate.wholeYears(until: date) }
}

/// One household with all its members, present and left, as the rules see it.
public struct HouseholdSnapshot: Hashable, Sendable {
    public var code: HouseholdCode
    /// The village the household lives in now (its code may name another: see HouseholdCode).
    public var divisionCode: DivisionCode
    /// nil while the household is active.
    public var closure: HouseholdClosure?
    public var members: [MemberSnapshot]

    public init(code: HouseholdCode, divisionCode: DivisionCode, closure: HouseholdClosure? = nil, members: [MemberSnapshot]) {
        self.code = code
        self.divisionCode = divisionCode
        self.closure = closure
        self.members = members
    }

    public var status: HouseholdStatus { closure == nil ? .active : .closed }
    public var isActive: Bool { closure == nil }
    public var presentMembers: [MemberSnapshot] { members.filter(\.isPresent) }
    public var presentHeads: [MemberSnapshot] { members.filter(\.isPresentHead) }
    /// The head, when there is exactly one present head.
    public var head: MemberSnapshot? {
        let heads = presentHeads
        return heads.count == 1 ? heads[0] : nil
    }

    public func member(_ id: UUID) -> MemberSnapshot? { members.first { $0.id == id } }

    /// Every rule the stored state breaks (empty for a consistent household): an active
    /// household with present members has exactly one present head; a closed one has no
    /// present members; the household lives in a village. The server can run this after
    /// each change as a guard, and the quality page reports the same facts to people.
    public var ruleViolations: [HouseholdCondition] {
        var result: [HouseholdCondition] = []
        if divisionCode.level != .village { result.append(.notAVillage) }
        let present = presentMembers
        let heads = present.filter { $0.relation == .head }.count
        if isActive {
            if !present.isEmpty && heads == 0 { result.append(.noHead) }
        } else if !present.isEmpty {
            result.append(.membersPresent)
        }
        if heads > 1 { result.append(.severalHeads) }
        return result
    }
}
