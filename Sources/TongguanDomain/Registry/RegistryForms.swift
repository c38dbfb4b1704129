import Foundation

/// Field validation for the registry's API and forms: raw values in, checked values out, or
/// every problem at once keyed by the API field name. The import sheet has its own reader
/// (`MemberSheet`) with the same rules and sheet labels.
public enum RegistryForms {
    /// A member as the API or a form sends it; enum fields by raw value (labels also pass).
    public struct MemberInput: Sendable, Equatable {
        public var name: String
        public var residentID: String
        public var relation: String
        public var labourCapacity: String
        public var disability: Bool
        public var chronicIllness: Bool
        public var schoolStage: String
        public var workStatus: String
        public var basicMedicalInsurance: Bool

        public init(
            name: String, residentID: String, relation: String, labourCapacity: String, disability: Bool,
            chronicIllness: Bool, schoolStage: String, workStatus: String, basicMedicalInsurance: Bool
        ) {
            self.name = name
            self.residentID = residentID
            self.relation = relation
            self.labourCapacity = labourCapacity
            self.disability = disability
            self.chronicIllness = chronicIllness
            self.schoolStage = schoolStage
            self.workStatus = workStatus
            self.basicMedicalInsurance = basicMedicalInsurance
        }
    }

    /// A member's checked fields. The server stores `resident.id` sealed
    /// (`KeyRing.seal`) with its blind index, and the birth date and sex it derives.
    public struct MemberFields: Sendable, Equatable {
        public var name: String
        public var resident: ResidentIdentity
        public var relation: Relation
        public var labourCapacity: LabourCapacity
        public var disability: Bool
        public var chronicIllness: Bool
        public var schoolStage: SchoolStage
        public var workStatus: WorkStatus
        public var basicMedicalInsurance: Bool

        public func snapshot(id: UUID, departure: Departure? = nil) -> MemberSnapshot {
            MemberSnapshot(
                id: id, relation: relation, birthDate: resident.birthDate, sex: resident.sex,
                labourCapacity: labourCapacity, disability: disability, chronicIllness: chronicIllness,
                schoolStage: schoolStage, workStatus: workStatus,
                basicMedicalInsurance: basicMedicalInsurance, departure: departure)
        }
    }

    public static func member(_ input: MemberInput, today: CivilDate) throws(ValidationFailure) -> MemberFields {
        var problems = ProblemList()
        let name = personName(input.name, field: "name", into: &problems)
        var resident: ResidentIdentity?
        do { resident = try ResidentIdentity(validating: input.residentID, today: today) } catch {
            problems.add("resident_id", input.residentID.trimmedCell.isEmpty ? "不能为空" : error.message)
        }
        let relation = choice(Relation.self, input.relation, field: "relation", into: &problems)
        let labour = choice(LabourCapacity.self, input.labourCapacity, field: "labour_capacity", into: &problems)
        let school = choice(SchoolStage.self, input.schoolStage, field: "school_stage", into: &problems)
        let work = choice(WorkStatus.self, input.workStatus, field: "work_status", into: &problems)
        try problems.throwIfAny()
        return MemberFields(
            name: name!, resident: resident!, relation: relation!, labourCapacity: labour!,
            disability: input.disability, chronicIllness: input.chronicIllness, schoolStage: school!,
            workStatus: work!, basicMedicalInsurance: input.basicMedicalInsurance)
    }

    /// A household's own fields: the village it lives in, its address and phone (both optional).
    public struct HouseholdFields: Sendable, Equatable {
        public var divisionCode: DivisionCode
        public var address: String?
        public var phone: String?
    }

    public static func household(divisionCode: String, address: String?, phone: String?) throws(ValidationFailure) -> HouseholdFields {
        var problems = ProblemList()
        var village: DivisionCode?
        do {
            let code = try DivisionCode(validating: divisionCode.trimmedCell)
            if code.level == .village { village = code } else { problems.add("division_code", "应为12位村级区划代码") }
        } catch { problems.add("division_code", error.message) }
        var cleanAddress: String?
        if let address, !TextPolicy.trimmed(address).isEmpty {
            do {
                let text = try TextPolicy.singleLine(address)
                if text.count > MemberSheet.maximumAddressLength {
                    problems.add("address", "不能超过\(MemberSheet.maximumAddressLength)个字符")
                } else {
                    cleanAddress = text
                }
            } catch { problems.add("address", error.message) }
        }
        var cleanPhone: String?
        if let phone, !phone.trimmedCell.isEmpty {
            if let normalized = PhoneNumber.normalized(phone.trimmedCell) {
                cleanPhone = normalized
            } else {
                problems.add("phone", PhoneNumber.problemMessage)
            }
        }
        try problems.throwIfAny()
        return HouseholdFields(divisionCode: village!, address: cleanAddress, phone: cleanPhone)
    }

    /// A leaving or closing as sent: the reason's raw value and an ISO date. Whether the
    /// date may be used (not after today, not before birth) is the change's rule.
    public static func departure(reason: String, date: String) throws(ValidationFailure) -> Departure {
        var problems = ProblemList()
        let why = choice(LeaveReason.self, reason, field: "reason", into: &problems)
        let day = CivilDate(iso: date.trimmedCell) ?? CivilDate(parsing: date)
        if day == nil { problems.add("date", "日期应为 2024-06-15 的形式") }
        try problems.throwIfAny()
        return Departure(reason: why!, date: day!)
    }

    public static func closure(reason: String, date: String) throws(ValidationFailure) -> HouseholdClosure {
        var problems = ProblemList()
        let why = choice(HouseholdCloseReason.self, reason, field: "reason", into: &problems)
        let day = CivilDate(iso: date.trimmedCell) ?? CivilDate(parsing: date)
        if day == nil { problems.add("date", "日期应为 2024-06-15 的形式") }
        try problems.throwIfAny()
        return HouseholdClosure(reason: why!, date: day!)
    }

    static func personName(_ raw: String, field: String, into problems: inout ProblemList) -> String? {
        do {
            let name = try TextPolicy.singleLine(raw)
            if name.isEmpty { problems.add(field, "不能为空"); return nil }
            if name.count > MemberSheet.maximumNameLength { problems.add(field, "不能超过\(MemberSheet.maximumNameLength)个字符"); return nil }
            return name
        } catch { problems.add(field, error.message); return nil }
    }

    static func choice<V: RegistryVocabulary>(_: V.Type, _ raw: String, field: String, into problems: inout ProblemList) -> V? {
        if let value = V(parsing: raw) { return value }
        problems.add(field, raw.trimmedCell.isEmpty ? "不能为空" : "应为" + V.allCases.map { "\($0.rawValue)(\($0.label))" }.joined(separator: "、") + "之一")
        return nil
    }
}
