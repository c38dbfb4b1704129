import Fluent
import Foundation
import TongguanDomain

/// 成员: one person of a household. The resident ID is stored only sealed (AES-GCM under the
/// data key, `FieldCipher`) with its blind index (HMAC) for exact look-up and uniqueness;
/// birth date and sex are derived from it and kept in clear (see README, 身份证号的保护).
/// Never deleted: a member leaves, or is transferred (the same row changes household).
final class Member: Model, Versioned, @unchecked Sendable {
    static let schema = "members"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    // references

    @Field(key: "household_id")
    var householdID: UUID

    // data

    @Field(key: "name")
    var name: String

    /// `v1.<key id>.<base64url>`: never the clear ID.
    @Field(key: "resident_id_sealed")
    var residentIDSealed: String

    /// 64 hex characters of HMAC-SHA256; unique among present members.
    @Field(key: "resident_id_index")
    var residentIDIndex: String

    /// `YYYY-MM-DD`, from the ID.
    @Field(key: "birth_date")
    var birthDate: String

    /// `Sex` raw value, from the ID.
    @Field(key: "sex")
    var sex: String

    @Field(key: "relation")
    var relation: String

    @Field(key: "labour_capacity")
    var labourCapacity: String

    @Field(key: "disability")
    var disability: Bool

    @Field(key: "chronic_illness")
    var chronicIllness: Bool

    @Field(key: "school_stage")
    var schoolStage: String

    @Field(key: "work_status")
    var workStatus: String

    @Field(key: "basic_medical_insurance")
    var basicMedicalInsurance: Bool

    /// `MemberStatus` raw value.
    @Field(key: "status")
    var status: String

    @OptionalField(key: "leave_reason")
    var leaveReason: String?

    @OptionalField(key: "left_on")
    var leftOn: String?

    init() {}

    var isPresent: Bool { status == MemberStatus.present.rawValue }

    var departure: Departure? {
        guard let reason = leaveReason.flatMap(LeaveReason.init(rawValue:)), let date = leftOn.flatMap(CivilDate.init(iso:)) else { return nil }
        return Departure(reason: reason, date: date)
    }

    /// The member as the household rules see them.
    var snapshot: MemberSnapshot {
        MemberSnapshot(
            id: id!, relation: TongguanDomain.Relation(rawValue: relation) ?? .other,
            birthDate: CivilDate(iso: birthDate) ?? CivilDate(year: 1900, month: 1, day: 1)!,
            sex: Sex(rawValue: sex) ?? .male, labourCapacity: LabourCapacity(rawValue: labourCapacity) ?? .none,
            disability: disability, chronicIllness: chronicIllness, schoolStage: SchoolStage(rawValue: schoolStage) ?? .none,
            workStatus: WorkStatus(rawValue: workStatus) ?? .none, basicMedicalInsurance: basicMedicalInsurance,
            departure: isPresent ? nil : (departure ?? Departure(reason: .other, date: CivilDate(year: 1900, month: 1, day: 1)!)))
    }

    /// Copies the checked fields in (the sealed ID and index are set by the caller).
    func apply(_ fields: RegistryForms.MemberFields) {
        name = fields.name
        birthDate = fields.resident.birthDate.description
        sex = fields.resident.sex.rawValue
        relation = fields.relation.rawValue
        labourCapacity = fields.labourCapacity.rawValue
        disability = fields.disability
        chronicIllness = fields.chronicIllness
        schoolStage = fields.schoolStage.rawValue
        workStatus = fields.workStatus.rawValue
        basicMedicalInsurance = fields.basicMedicalInsurance
    }

    /// Writes a snapshot's changeable facts back (relation and departure after a change).
    func apply(_ snapshot: MemberSnapshot) {
        relation = snapshot.relation.rawValue
        labourCapacity = snapshot.labourCapacity.rawValue
        disability = snapshot.disability
        chronicIllness = snapshot.chronicIllness
        schoolStage = snapshot.schoolStage.rawValue
        workStatus = snapshot.workStatus.rawValue
        basicMedicalInsurance = snapshot.basicMedicalInsurance
        status = snapshot.status.rawValue
        leaveReason = snapshot.departure?.reason.rawValue
        leftOn = snapshot.departure?.date.description
    }
}
