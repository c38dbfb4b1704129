import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The edit forms: a household's address and phone, a present member's facts. Each carries
/// the version it was read at (the page's If-Match): a change saved by someone else in
/// between is refused with a reload link, never overwritten. The resident ID is not edited
/// here (it is shown masked and never sent back); a wrong ID is corrected by an admin
/// through `PATCH /api/v1/members/{id}` with `resident_id` (audited, the blind index checked
/// for a present holder elsewhere), or the member leaves (原因「其他」) and is registered
/// again with the right ID.
extension RegistryPages {
    static let residentIDNote =
        "身份证号不在此处修改。如号码录入有误,请联系管理员通过接口 PATCH /api/v1/members/{id} 更正(记入审计);"
        + "或以「其他」原因办理该成员离户后,用正确号码重新登记。"

    struct EditBody: Encodable, Sendable {
        var heading: String
        var action: String
        var cancel: String
        var version: Int
        var fields: [Field]
        var errors: [FieldProblem]?
        var reload: String?
        /// The member form: the masked ID and how a wrong one is corrected.
        var maskedID: String?
        var note: String?
    }

    func editPage(
        _ req: Request, view: String, title: String, _ body: EditBody, status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws -> Response {
        let response = try await req.page(view, title: title, active: Self.active, status: status, error: error, body)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: a household's address and phone

    struct HouseholdEditForm: Content {
        var address: String?
        var phone: String?
        var version: Int?
    }

    static func householdFields(_ form: HouseholdEditForm, errors: [FieldProblem]) -> [Field] {
        func error(_ name: String) -> String? {
            let found = errors.filter { $0.field == name }.map(\.message)
            return found.isEmpty ? nil : found.joined(separator: ";")
        }
        return [
            Field(name: "address", label: "住址", kind: "text", value: form.address ?? "", error: error("address"), choices: []),
            Field(name: "phone", label: "联系电话", kind: "text", value: form.phone ?? "", error: error("phone"), choices: []),
        ]
    }

    func householdEditPage(
        _ req: Request, _ household: Household, form: HouseholdEditForm? = nil, errors: [FieldProblem] = [], reload: Bool = false,
        status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws -> Response {
        let shown = form ?? HouseholdEditForm(address: household.address, phone: household.phone, version: household.version)
        let path = "/monitoring/households/\(household.code)"
        let body = EditBody(
            heading: "修改农户 \(household.code)", action: path + "/edit", cancel: path,
            version: reload ? household.version : (shown.version ?? household.version),
            fields: Self.householdFields(shown, errors: errors), errors: errors.isEmpty ? nil : errors, reload: reload ? path + "/edit" : nil)
        return try await editPage(req, view: "monitoring/registry-edit", title: "修改农户", body, status: status, error: error)
    }

    func editHousehold(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        guard household.status == HouseholdStatus.active.rawValue else { throw HouseholdConditionRefusal.closed }
        return try await householdEditPage(req, household)
    }

    func updateHousehold(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        let form = try req.content.decode(HouseholdEditForm.self)
        let checked: RegistryForms.HouseholdFields
        do {
            checked = try RegistryForms.household(divisionCode: household.divisionCode, address: form.address, phone: form.phone)
        } catch {
            return try await householdEditPage(
                req, household, form: form, errors: error.problems, status: .unprocessableEntity,
                error: "请修改标出的\(error.problems.count)处问题")
        }
        var change = RegistryService.HouseholdChange()
        change.address = .some(checked.address)
        change.phone = .some(checked.phone)
        do {
            // The version the form was read at is the one the change must find.
            household.version = form.version ?? -1
            try await RegistryService.updateHousehold(household, change, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            let fresh = try await HouseholdsAPI.household(req)
            return try await householdEditPage(
                req, fresh, form: form, errors: errors.fields, reload: errors.stale, status: errors.status, error: errors.message)
        }
        return req.redirect(to: "/monitoring/households/\(household.code)")
    }

    // MARK: a member's facts

    struct MemberEditForm: Content {
        var name: String?
        var relation: String?
        var labour_capacity: String?
        var disability: String?
        var chronic_illness: String?
        var school_stage: String?
        var work_status: String?
        var basic_medical_insurance: String?
        var version: Int?

        var memberForm: MemberForm {
            MemberForm(
                name: name, resident_id: nil, relation: relation, labour_capacity: labour_capacity, disability: disability,
                chronic_illness: chronic_illness, school_stage: school_stage, work_status: work_status,
                basic_medical_insurance: basic_medical_insurance)
        }
    }

    static func editForm(_ member: Member) -> MemberEditForm {
        MemberEditForm(
            name: member.name, relation: member.relation, labour_capacity: member.labourCapacity, disability: member.disability ? "on" : nil,
            chronic_illness: member.chronicIllness ? "on" : nil, school_stage: member.schoolStage, work_status: member.workStatus,
            basic_medical_insurance: member.basicMedicalInsurance ? "on" : nil, version: member.version)
    }

    /// The member form without the ID, the relation with every label (户主 too: the household
    /// rules decide whether the change is possible).
    static func memberEditFields(_ form: MemberEditForm, errors: [FieldProblem]) -> [Field] {
        var fields = memberFields(form.memberForm, errors: errors, head: false).filter { $0.name != "resident_id" }
        if let i = fields.firstIndex(where: { $0.name == "relation" }) {
            fields[i].choices = choices(TongguanDomain.Relation.self, selected: form.relation)
        }
        return fields
    }

    func memberEditPage(
        _ req: Request, _ member: Member, _ household: Household, form: MemberEditForm? = nil, errors: [FieldProblem] = [],
        reload: Bool = false, status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws -> Response {
        let shown = form ?? Self.editForm(member)
        let back = "/monitoring/households/\(household.code)"
        let body = EditBody(
            heading: "修改成员信息(户码 \(household.code))", action: "/monitoring/members/\(member.id!.uuidString)/edit", cancel: back,
            version: reload ? member.version : (shown.version ?? member.version),
            fields: Self.memberEditFields(shown, errors: errors), errors: errors.isEmpty ? nil : errors,
            reload: reload ? "/monitoring/members/\(member.id!.uuidString)/edit" : nil,
            maskedID: RegistryQueries.maskedID(member.residentIDSealed, ring: try req.registryKeys), note: Self.residentIDNote)
        return try await editPage(req, view: "monitoring/registry-edit", title: "修改成员信息", body, status: status, error: error)
    }

    func presentMember(_ req: Request) async throws -> (Member, Household) {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        guard member.status == MemberStatus.present.rawValue else {
            throw Refusal.conflict("该成员已离户,不能修改;如需更正,请查看变更记录")
        }
        guard household.status == HouseholdStatus.active.rawValue else { throw HouseholdConditionRefusal.closed }
        return (member, household)
    }

    func editMember(req: Request) async throws -> Response {
        let (member, household) = try await presentMember(req)
        return try await memberEditPage(req, member, household)
    }

    func updateMember(req: Request) async throws -> Response {
        let (member, household) = try await presentMember(req)
        let form = try req.content.decode(MemberEditForm.self)
        let ring = try req.registryKeys
        let clear: String
        do { clear = try ring.open(member.residentIDSealed) } catch { throw Refusal.conflict(error.message) }
        // The stored ID goes through the same rules (sex and birth date come from it); it is
        // never written into the page.
        var input = form.memberForm
        input.resident_id = clear
        let (fields, problems) = Self.read(input)
        guard let fields else {
            return try await memberEditPage(
                req, member, household, form: form, errors: problems, status: .unprocessableEntity,
                error: "请修改标出的\(problems.count)处问题")
        }
        do {
            member.version = form.version ?? -1
            try await RegistryService.updateMember(
                member, in: household, fields, residentChanged: false, ring: ring, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            let (fresh, freshHousehold) = try await presentMember(req)
            return try await memberEditPage(
                req, fresh, freshHousehold, form: form, errors: errors.fields, reload: errors.stale, status: errors.status,
                error: errors.message)
        }
        return req.redirect(to: "/monitoring/households/\(household.code)")
    }
}
