import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The new-household form (with its head) and the add-member form.
extension RegistryPages {
    // MARK: forms

    struct Field: Encodable, Sendable {
        var name: String
        var label: String
        var kind: String
        var value: String
        var error: String?
        var choices: [SelectOption]
    }

    struct MemberFormBody: Encodable, Sendable {
        var action: String
        var fields: [Field]
        var errors: [FieldProblem]?
    }

    /// What the member part of a form posts.
    struct MemberForm: Content {
        var name: String?
        var resident_id: String?
        var relation: String?
        var labour_capacity: String?
        var disability: String?
        var chronic_illness: String?
        var school_stage: String?
        var work_status: String?
        var basic_medical_insurance: String?
    }

    static func memberFields(_ form: MemberForm?, errors: [FieldProblem], head: Bool) -> [Field] {
        func error(_ name: String) -> String? {
            let found = errors.filter { $0.field == name }.map(\.message)
            return found.isEmpty ? nil : found.joined(separator: ";")
        }
        func field(_ name: String, _ label: String, _ kind: String = "text", value: String?, _ choices: [SelectOption] = []) -> Field {
            Field(name: name, label: label, kind: kind, value: value ?? "", error: error(name), choices: choices)
        }
        var fields = [
            field("name", head ? "户主姓名" : "姓名", value: form?.name),
            // A typed ID is never sent back (pages show IDs masked only): it is typed again.
            field("resident_id", "身份证号", value: nil),
        ]
        if !head {
            fields.append(
                field(
                    "relation", "与户主关系", "select", value: form?.relation,
                    choices(TongguanDomain.Relation.self, selected: form?.relation).filter { $0.value != TongguanDomain.Relation.head.rawValue }))
        }
        fields += [
            field("labour_capacity", "劳动能力", "select", value: form?.labour_capacity, choices(LabourCapacity.self, selected: form?.labour_capacity)),
            field("school_stage", "在校学段", "select", value: form?.school_stage, choices(SchoolStage.self, selected: form?.school_stage ?? "none")),
            field("work_status", "务工状态", "select", value: form?.work_status, choices(WorkStatus.self, selected: form?.work_status)),
            field("disability", "残疾", "check", value: form?.disability),
            field("chronic_illness", "慢性病", "check", value: form?.chronic_illness),
            field("basic_medical_insurance", "参加基本医保", "check", value: form?.basic_medical_insurance ?? (form == nil ? "on" : nil)),
        ]
        return fields
    }

    static func memberForm(action: String, _ form: MemberForm? = nil, errors: [FieldProblem] = []) -> MemberFormBody {
        MemberFormBody(action: action, fields: memberFields(form, errors: errors, head: false), errors: errors.isEmpty ? nil : errors)
    }

    /// The member part through the API's rules; problems named by the form's fields.
    static func read(_ form: MemberForm, relation: TongguanDomain.Relation? = nil) -> (RegistryForms.MemberFields?, [FieldProblem]) {
        let input = RegistryForms.MemberInput(
            name: form.name ?? "", residentID: form.resident_id ?? "", relation: relation?.rawValue ?? form.relation ?? "",
            labourCapacity: form.labour_capacity ?? "", disability: form.disability == "on", chronicIllness: form.chronic_illness == "on",
            schoolStage: form.school_stage ?? "", workStatus: form.work_status ?? "", basicMedicalInsurance: form.basic_medical_insurance == "on")
        do { return (try RegistryForms.member(input, today: RegistryFinder.today()), []) } catch { return (nil, error.problems) }
    }

    func addMember(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        let form = try req.content.decode(MemberForm.self)
        let action = "/monitoring/households/\(household.code)/members"
        let (fields, problems) = Self.read(form)
        guard let fields else {
            return try await detail(
                req, household, form: Self.memberForm(action: action, form, errors: problems), status: .unprocessableEntity,
                error: "请修改标出的\(problems.count)处问题")
        }
        do {
            _ = try await RegistryService.addMember(household, fields, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await detail(
                req, household, form: Self.memberForm(action: action, form, errors: errors.fields), status: errors.status, error: errors.message)
        }
        return req.redirect(to: "/monitoring/households/\(household.code)")
    }

    struct HouseholdForm: Content {
        var division_code: String?
        var address: String?
        var phone: String?
    }

    struct NewBody: Encodable, Sendable {
        var villages: [SelectOption]
        var address: String
        var phone: String
        var householdErrors: [String: String]
        var fields: [Field]
        var errors: [FieldProblem]?
    }

    func newPage(
        _ req: Request, household: HouseholdForm? = nil, head: MemberForm? = nil, errors: [FieldProblem] = [],
        status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var householdErrors: [String: String] = [:]
        for e in errors where ["division_code", "address", "phone"].contains(e.field) { householdErrors[e.field] = e.message }
        let body = NewBody(
            villages: try await Division.options(in: caller.scope, selected: household?.division_code, levels: [.village], withCode: true, on: req.db)
                .filter { DivisionCode($0.value)?.level == .village },
            address: household?.address ?? "", phone: household?.phone ?? "", householdErrors: householdErrors,
            fields: Self.memberFields(head, errors: errors, head: true), errors: errors.isEmpty ? nil : errors)
        return try await req.page("monitoring/household-new", title: "新建农户", active: Self.active, status: status, error: error, body)
    }

    func newForm(req: Request) async throws -> Response { try await newPage(req) }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try req.content.decode(HouseholdForm.self)
        let head = try req.content.decode(MemberForm.self)
        var problems: [FieldProblem] = []
        var fields: RegistryForms.HouseholdFields?
        do {
            fields = try RegistryForms.household(divisionCode: household.division_code ?? "", address: household.address, phone: household.phone)
            if let village = fields?.divisionCode, !caller.scope.contains(village.rawValue) {
                problems.append(FieldProblem(field: "division_code", message: "该村不在您的管辖范围内"))
            }
        } catch { problems += error.problems }
        let (member, memberProblems) = Self.read(head, relation: .head)
        problems += memberProblems
        guard problems.isEmpty, let fields, let member else {
            return try await newPage(
                req, household: household, head: head, errors: problems, status: .unprocessableEntity, error: "请修改标出的\(problems.count)处问题")
        }
        let created: Household
        do {
            created = try await RegistryService.createHousehold(fields, head: member, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await newPage(req, household: household, head: head, errors: errors.fields, status: errors.status, error: errors.message)
        }
        return req.redirect(to: "/monitoring/households/\(created.code)")
    }
}
