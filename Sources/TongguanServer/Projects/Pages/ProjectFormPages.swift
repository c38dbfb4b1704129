import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The project form (new and edit): amounts typed in 万元, every field's problem shown
/// beside it in Chinese, the input kept. Validation is ProjectFields', as for the API.
extension ProjectPages {
    /// What the form posts; everything is text until ProjectFields has read it.
    struct ProjectForm: Content {
        var name: String?
        var investor_name: String?
        var credit_code: String?
        var division_code: String?
        var development_zone: String?
        var industry: String?
        var total_investment_wan: String?
        var expected_annual_output_wan: String?
        var contact_person: String?
        var contact_phone: String?
        var notes: String?
        var version: String?

        init() {}

        init(_ p: Project) {
            name = p.name; investor_name = p.investorName; credit_code = p.creditCode; division_code = p.divisionCode
            development_zone = p.developmentZone; industry = p.industry
            total_investment_wan = Fen.wanText(p.totalInvestmentFen)
            expected_annual_output_wan = Fen.wanText(p.expectedAnnualOutputFen)
            contact_person = p.contactPerson; contact_phone = p.contactPhone; notes = p.notes; version = String(p.version)
        }
    }

    struct FormField: Encodable, Sendable {
        var name: String
        var label: String
        var kind: String
        var value: String
        var required: Bool
        var hint: String?
        var error: String?
        var choices: [SelectOption]
    }

    struct FormBody: Encodable, Sendable {
        var heading: String
        var action: String
        var cancel: String
        var version: String?
        var fields: [FormField]
        /// nil when there are none (Leaf treats an empty array as true).
        var errors: [FieldProblem]?
        var reload: String?
    }

    /// Form field → ProjectFields key where they differ (amounts are typed in 万元, stored in 分).
    static let moneyFields = [("total_investment_wan", "total_investment_fen"), ("expected_annual_output_wan", "expected_annual_output_fen")]

    /// Reads the form through ProjectFields (the API's reader), converting 万元 to 分 first;
    /// problems come back under the form's field names.
    static func read(_ form: ProjectForm, scope: DivisionScope, on db: any Database) async throws -> (ProjectFields, [FieldProblem]) {
        var object: [String: JSONValue] = [:]
        let texts: [(String, String?)] = [
            ("name", form.name), ("investor_name", form.investor_name), ("credit_code", form.credit_code),
            ("division_code", form.division_code), ("development_zone", form.development_zone), ("industry", form.industry),
            ("contact_person", form.contact_person), ("contact_phone", form.contact_phone), ("notes", form.notes),
        ]
        for (key, value) in texts { object[key] = .string(value ?? "") }
        var moneyProblems: [String: String] = [:]
        for ((formKey, fieldKey), raw) in zip(moneyFields, [form.total_investment_wan, form.expected_annual_output_wan]) {
            let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }  // ProjectFields says it is required
            do { object[fieldKey] = .number(Double(try Fen.fromWan(text))) } catch { moneyProblems[formKey] = error.message }
        }
        var input = InputReader(object: object)
        let fields = ProjectFields.read(&input, required: true)
        var problems = ProblemList()
        for p in input.problems.problems + (try await fields.problems(scope: scope, on: db)) {
            let formKey = moneyFields.first { $0.1 == p.field }?.0 ?? p.field
            if moneyProblems[formKey] != nil { continue }
            let isMoney = formKey != p.field
            problems.add(formKey, isMoney && p.message.hasPrefix("应在") ? Fen.Problem.tooLarge.message : p.message)
        }
        for (formKey, _) in moneyFields { if let m = moneyProblems[formKey] { problems.add(formKey, m) } }
        return (fields, problems.problems)
    }

    func formPage(
        req: Request, form: ProjectForm, project: Project?, errors: [FieldProblem], status: HTTPResponseStatus = .ok,
        error: String? = nil, reload: Bool = false
    ) async throws -> Response {
        let caller = try req.caller
        let message = { (field: String) -> String? in
            let m = errors.filter { $0.field == field }.map(\.message)
            return m.isEmpty ? nil : m.joined(separator: ";")
        }
        func field(
            _ name: String, _ label: String, _ value: String?, required: Bool = false, kind: String = "text",
            hint: String? = nil, choices: [SelectOption] = []
        ) -> FormField {
            FormField(
                name: name, label: label, kind: kind, value: value ?? "", required: required, hint: hint,
                error: message(name), choices: choices)
        }
        let divisions = try await Division.options(
            in: caller.scope, selected: form.division_code, levels: [.county, .township, .village], on: req.db
        )
        .filter { DivisionCode($0.value).map { $0.level != .province && $0.level != .city } ?? false }
        let industries = try await Industry.names(on: req.db).map { SelectOption(value: $0, label: $0, selected: $0 == form.industry) }
        let fields = [
            field("name", "项目名称", form.name, required: true),
            field("investor_name", "项目单位", form.investor_name, required: true),
            field("credit_code", "统一社会信用代码", form.credit_code, required: true, hint: "18位,如 91350100M000100Y43"),
            field("division_code", "所属区划", form.division_code, required: true, kind: "select", choices: divisions),
            field("development_zone", "所在开发区", form.development_zone),
            field("industry", "产业类别", form.industry, required: true, kind: "select", choices: industries),
            field("total_investment_wan", "总投资(万元)", form.total_investment_wan, required: true, kind: "money", hint: "单位:万元,最多6位小数"),
            field("expected_annual_output_wan", "预计年产值(万元)", form.expected_annual_output_wan, required: true, kind: "money", hint: "单位:万元"),
            field("contact_person", "联系人", form.contact_person),
            field("contact_phone", "联系电话", form.contact_phone, hint: "手机号或带区号的固定电话"),
            field("notes", "备注", form.notes, kind: "textarea"),
        ]
        let id = project?.id?.uuidString
        let body = FormBody(
            heading: project == nil ? "新建项目" : "修改项目", action: id.map { "/projects/\($0)" } ?? "/projects",
            cancel: id.map { "/projects/\($0)" } ?? "/projects", version: project == nil ? nil : (form.version ?? ""),
            fields: fields, errors: errors.isEmpty ? nil : errors, reload: reload ? id.map { "/projects/\($0)/edit" } : nil)
        return try await req.page(
            "projects/form", title: body.heading, active: "/projects", status: status,
            error: error ?? (errors.isEmpty ? nil : "请修改标出的\(errors.count)处问题"), body)
    }

    func newForm(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await formPage(req: req, form: ProjectForm(), project: nil, errors: [])
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(ProjectForm.self)
        var (fields, problems) = try await Self.read(form, scope: caller.scope, on: req.db)
        if try await ProjectService.nameTaken(fields, on: req.db) {
            problems.append(FieldProblem(field: "name", message: "该单位已有同名项目"))
        }
        guard problems.isEmpty else {
            return try await formPage(req: req, form: form, project: nil, errors: problems, status: .unprocessableEntity)
        }
        let project = try await ProjectService.create(fields, milestones: [], actor: req.auditActor, on: req.db)
        return req.redirect(to: "/projects/\(project.id!.uuidString)?notice=created")
    }

    func edit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        return try await formPage(req: req, form: ProjectForm(project), project: project, errors: [])
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let project = try await ProjectService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(ProjectForm.self)
        var (fields, problems) = try await Self.read(form, scope: caller.scope, on: req.db)
        if try await ProjectService.nameTaken(fields, except: project, on: req.db) {
            problems.append(FieldProblem(field: "name", message: "该单位已有同名项目"))
        }
        guard problems.isEmpty else {
            return try await formPage(req: req, form: form, project: project, errors: problems, status: .unprocessableEntity)
        }
        do {
            // The version the form was read at is the one the change must find.
            project.version = form.version.flatMap { Int($0) } ?? -1
            try await ProjectService.update(project, with: fields, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await formPage(
                req: req, form: form, project: project, errors: errors.fields, status: errors.status,
                error: errors.message, reload: errors.stale)
        }
        return req.redirect(to: "/projects/\(project.id!.uuidString)?notice=saved")
    }
}
