import Foundation
import TongguanDomain
import Vapor

/// What answers show of personal data: resident IDs always masked (`141124********1234`),
/// names masked for viewers (`张*`), phones and addresses too.
struct Disclosure: Sendable {
    var role: Role

    var masksNames: Bool { role == .viewer }
    func name(_ name: String) -> String { NameMask.shown(name, to: role) }
    func phone(_ phone: String?) -> String? { masksNames ? phone.map(PersonalData.phone.mask) : phone }
    func address(_ address: String?) -> String? { masksNames ? address.map(PersonalData.address.mask) : address }
}

struct MemberDTO: Content {
    var id: UUID
    var householdCode: String
    var name: String
    /// Always masked.
    var residentID: String
    var sex: String
    var birthDate: String
    var age: Int
    var relation: String
    var labourCapacity: String
    var disability: Bool
    var chronicIllness: Bool
    var schoolStage: String
    var workStatus: String
    var basicMedicalInsurance: Bool
    var status: String
    var leaveReason: String?
    var leftOn: String?
    var version: Int

    /// `maskedID` comes from the sealed value (opened in memory, masked before it leaves).
    init(_ m: Member, householdCode: String, maskedID: String, disclosure: Disclosure, today: CivilDate) {
        id = m.id!; self.householdCode = householdCode; name = disclosure.name(m.name); residentID = maskedID
        sex = m.sex; birthDate = m.birthDate; age = CivilDate(iso: m.birthDate).map { $0.wholeYears(until: today) } ?? 0
        relation = m.relation; labourCapacity = m.labourCapacity; disability = m.disability; chronicIllness = m.chronicIllness
        schoolStage = m.schoolStage; workStatus = m.workStatus; basicMedicalInsurance = m.basicMedicalInsurance
        status = m.status; leaveReason = m.leaveReason; leftOn = m.leftOn; version = m.version
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("household_code", .string(description: "户码")), ("name", .string(description: "姓名(查看者为脱敏形式)")),
            ("resident_id", .string(description: "身份证号,脱敏显示,如 141124********1234")),
            ("sex", .string(values: Sex.allCases.map(\.rawValue))), ("birth_date", .date), ("age", .integer(description: "周岁")),
            ("relation", .string(values: TongguanDomain.Relation.allCases.map(\.rawValue))),
            ("labour_capacity", .string(values: LabourCapacity.allCases.map(\.rawValue))), ("disability", .boolean),
            ("chronic_illness", .boolean), ("school_stage", .string(values: SchoolStage.allCases.map(\.rawValue))),
            ("work_status", .string(values: WorkStatus.allCases.map(\.rawValue))), ("basic_medical_insurance", .boolean),
            ("status", .string(values: MemberStatus.allCases.map(\.rawValue))),
            ("leave_reason", .nullable(.string(values: LeaveReason.allCases.map(\.rawValue)))), ("left_on", .nullable(.date)),
            ("version", .integer()),
        ],
        required: [
            "id", "household_code", "name", "resident_id", "sex", "birth_date", "age", "relation", "labour_capacity", "disability",
            "chronic_illness", "school_stage", "work_status", "basic_medical_insurance", "status", "version",
        ])

    /// A new member's fields (`relation` is 户主 for a household's head and is not sent then).
    static func inputSchema(relation: Bool) -> JSONSchema {
        var fields: [(String, JSONSchema)] = [
            ("name", .string()), ("resident_id", .string(description: "18位公民身份号码")),
            ("labour_capacity", .string(values: LabourCapacity.allCases.map(\.rawValue))), ("disability", .boolean),
            ("chronic_illness", .boolean), ("school_stage", .string(values: SchoolStage.allCases.map(\.rawValue))),
            ("work_status", .string(values: WorkStatus.allCases.map(\.rawValue))), ("basic_medical_insurance", .boolean),
        ]
        var required = ["name", "resident_id", "labour_capacity", "school_stage", "work_status"]
        if relation {
            fields.insert(("relation", .string(values: TongguanDomain.Relation.allCases.map(\.rawValue))), at: 2)
            required.append("relation")
        }
        return .object(fields, required: required)
    }

    static let changeSchema = JSONSchema.object(
        [
            ("name", .string()), ("resident_id", .string(description: "更正身份证号")),
            ("relation", .string(values: TongguanDomain.Relation.allCases.map(\.rawValue))),
            ("labour_capacity", .string(values: LabourCapacity.allCases.map(\.rawValue))), ("disability", .boolean),
            ("chronic_illness", .boolean), ("school_stage", .string(values: SchoolStage.allCases.map(\.rawValue))),
            ("work_status", .string(values: WorkStatus.allCases.map(\.rawValue))), ("basic_medical_insurance", .boolean),
        ], required: [])
}

struct HouseholdSummaryDTO: Content {
    var householdCode: String
    var divisionCode: String
    var headName: String?
    var memberCount: Int
    var status: String
    var version: Int

    static let schema = JSONSchema.object(
        [
            ("household_code", .string(description: "户码(17位)")), ("division_code", .divisionCode),
            ("head_name", .nullable(.string(description: "户主姓名(查看者为脱敏形式)"))), ("member_count", .integer(description: "在户人数")),
            ("status", .string(values: HouseholdStatus.allCases.map(\.rawValue))), ("version", .integer()),
        ], required: ["household_code", "division_code", "member_count", "status", "version"])
}

struct HouseholdDTO: Content {
    var householdCode: String
    var divisionCode: String
    var address: String?
    var phone: String?
    var status: String
    var closeReason: String?
    var closedOn: String?
    var headName: String?
    var memberCount: Int
    var members: [MemberDTO]
    var version: Int

    init(_ h: Household, members: [MemberDTO], disclosure: Disclosure) {
        householdCode = h.code; divisionCode = h.divisionCode; address = disclosure.address(h.address); phone = disclosure.phone(h.phone)
        status = h.status; closeReason = h.closeReason; closedOn = h.closedOn; version = h.version
        let present = members.filter { $0.status == MemberStatus.present.rawValue }
        headName = present.first { $0.relation == TongguanDomain.Relation.head.rawValue }?.name
        memberCount = present.count
        self.members = members
    }

    static let schema = JSONSchema.object(
        [
            ("household_code", .string(description: "户码(17位)")), ("division_code", .divisionCode), ("address", .nullable(.string())),
            ("phone", .nullable(.string())), ("status", .string(values: HouseholdStatus.allCases.map(\.rawValue))),
            ("close_reason", .nullable(.string(values: HouseholdCloseReason.allCases.map(\.rawValue)))), ("closed_on", .nullable(.date)),
            ("head_name", .nullable(.string())), ("member_count", .integer()), ("members", .array(.ref("Member"))), ("version", .integer()),
        ], required: ["household_code", "division_code", "status", "member_count", "members", "version"])

    static let createSchema = JSONSchema.object(
        [
            ("division_code", .string(description: "12位村级区划代码")), ("address", .nullable(.string())),
            ("phone", .nullable(.string(description: "手机或带区号固定电话"))), ("head", .ref("NewHead")),
        ], required: ["division_code", "head"])

    static let changeSchema = JSONSchema.object(
        [
            ("division_code", .string(description: "迁往的村(户码不变)")), ("address", .nullable(.string())),
            ("phone", .nullable(.string())),
        ], required: [])
}

struct RevealDTO: Content {
    var residentID: String
}

struct LookupDTO: Content {
    var memberID: UUID
    var householdCode: String
    var divisionCode: String
}
