import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Reading registry fields from JSON (the API) or a form (the pages, through the same
/// object), with every problem at once under the API's field names.
enum RegistryInput {
    /// A full member: for creation. `relation` nil reads the relation from the input; the
    /// head of a new household passes `.head`.
    static func member(_ reader: inout InputReader, relation fixed: TongguanDomain.Relation? = nil, today: CivilDate) -> RegistryForms.MemberFields? {
        let name = reader.string("name", required: true, maxLength: MemberSheet.maximumNameLength) ?? ""
        let resident = reader.string("resident_id", required: true, maxLength: 40) ?? ""
        let relation = fixed?.rawValue ?? reader.string("relation", required: true, maxLength: 40) ?? ""
        let labour = reader.string("labour_capacity", required: true, maxLength: 40) ?? ""
        let school = reader.string("school_stage", required: true, maxLength: 40) ?? ""
        let work = reader.string("work_status", required: true, maxLength: 40) ?? ""
        let disability = reader.bool("disability") ?? false
        let chronic = reader.bool("chronic_illness") ?? false
        let insurance = reader.bool("basic_medical_insurance") ?? false
        return check(
            RegistryForms.MemberInput(
                name: name, residentID: resident, relation: relation, labourCapacity: labour, disability: disability,
                chronicIllness: chronic, schoolStage: school, workStatus: work, basicMedicalInsurance: insurance),
            into: &reader, prefix: "", today: today)
    }

    /// A change to a stored member: fields not sent keep their stored values (the stored ID
    /// is opened in memory only to re-check the whole member).
    static func memberChange(
        _ input: inout InputReader, current: Member, clearID: String, today: CivilDate
    ) -> (RegistryForms.MemberFields?, residentChanged: Bool) {
        let name = input.string("name", maxLength: MemberSheet.maximumNameLength)
        let resident = input.string("resident_id", maxLength: 40)
        let relation = input.string("relation", maxLength: 40)
        let labour = input.string("labour_capacity", maxLength: 40)
        let school = input.string("school_stage", maxLength: 40)
        let work = input.string("work_status", maxLength: 40)
        let disability = input.bool("disability")
        let chronic = input.bool("chronic_illness")
        let insurance = input.bool("basic_medical_insurance")
        let fields = check(
            RegistryForms.MemberInput(
                name: name ?? current.name, residentID: resident ?? clearID, relation: relation ?? current.relation,
                labourCapacity: labour ?? current.labourCapacity, disability: disability ?? current.disability,
                chronicIllness: chronic ?? current.chronicIllness, schoolStage: school ?? current.schoolStage,
                workStatus: work ?? current.workStatus, basicMedicalInsurance: insurance ?? current.basicMedicalInsurance),
            into: &input, prefix: "", today: today)
        let changed = resident != nil && fields.map { $0.resident.id != clearID.uppercased() } == true
        return (fields, changed)
    }

    static func check(
        _ raw: RegistryForms.MemberInput, into input: inout InputReader, prefix: String, today: CivilDate
    ) -> RegistryForms.MemberFields? {
        do { return try RegistryForms.member(raw, today: today) } catch {
            let already = Set(input.problems.problems.map(\.field))
            for p in error.problems where !already.contains(prefix + p.field) { input.add(prefix + p.field, p.message) }
            return nil
        }
    }

    /// A village the caller may put a household in: it exists and is in scope.
    static func village(
        _ code: DivisionCode?, field: String, scope: DivisionScope, into input: inout InputReader, on db: any Database
    )
        async throws -> DivisionCode?
    {
        guard let code else { return nil }
        guard code.level == .village else { input.add(field, "应为12位村级区划代码"); return nil }
        guard try await Division.find(code.rawValue, in: scope, on: db) != nil else {
            input.add(field, "该村不存在或不在您的管辖范围内")
            return nil
        }
        return code
    }

    /// `reason` for a reveal: 2 to 200 characters.
    static func reason(_ input: inout InputReader) -> String? {
        guard let reason = input.string("reason", required: true, maxLength: 200) else { return nil }
        guard reason.count >= 2 else { input.add("reason", "请写明查看完整身份证号的原因(至少2个字)"); return nil }
        return reason
    }
}
