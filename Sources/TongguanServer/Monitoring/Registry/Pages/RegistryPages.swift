import Fluent
import Foundation
import TongguanDomain
import Vapor

/// 监测 → 农户: the household list with filters, a household's page with its members (IDs
/// masked; the reveal form with a reason for admins and supervisors), the new-household form
/// (with its head), the add-member form, and the member sheet's upload. Every rule is the
/// API's: `RegistryForms`, `RegistryService`, `HouseholdFilter`, `Disclosure`.
struct RegistryPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let households = routes.grouped("monitoring", "households")
        households.get(use: list)
        households.post(use: create)
        households.get("new", use: newForm)
        households.get("import", use: importForm)
        households.upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
        households.get(":code", use: show)
        households.post(":code", "members", use: addMember)
        routes.grouped("monitoring", "members").post(":id", "reveal", use: reveal)
    }

    static let active = "/monitoring"

    static func choices<V: RegistryVocabulary>(_ type: V.Type, selected: String?) -> [SelectOption] where V.RawValue == String {
        V.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    static func label<V: RegistryVocabulary>(_ type: V.Type, _ raw: String?) -> String where V.RawValue == String {
        raw.flatMap { V(rawValue: $0)?.label } ?? (raw ?? "")
    }

    // MARK: list

    struct Row: Encodable, Sendable {
        var code: String
        var village: String
        var head: String
        var members: Int
        var status: String
    }

    struct ListBody: Encodable, Sendable {
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var previous: String?
        var next: String?
        var q: String
        var divisions: [SelectOption]
        var statuses: [SelectOption]
        var exportCSV: String
        var canEdit: Bool
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let (paging, filter) = try HouseholdsAPI.listRequest(req)
        let (rows, total) = try await RegistryQueries.list(filter, scope: caller.scope, paging: paging, on: req.db)
        let names = try await Division.names(of: Set(rows.map(\.division_code)), on: req.db)
        let disclosure = Disclosure(role: caller.role)
        let link = { (page: Int) -> String in "/monitoring/households" + filter.queryString(adding: [("page", String(page))]) }
        let body = ListBody(
            rows: rows.map {
                Row(
                    code: $0.household_code, village: names[$0.division_code] ?? $0.division_code,
                    head: $0.head_name.map(disclosure.name) ?? "(无户主)", members: $0.member_count,
                    status: Self.label(HouseholdStatus.self, $0.status))
            },
            total: total, page: paging.page, pages: max(1, (total + paging.per - 1) / paging.per),
            previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + rows.count < total ? link(paging.page + 1) : nil,
            q: filter.q ?? "",
            divisions: try await Division.options(
                in: caller.scope, selected: filter.division?.rawValue, levels: Division.scopeLevels(below: caller.scope), on: req.db),
            statuses: Self.choices(HouseholdStatus.self, selected: filter.status?.rawValue),
            exportCSV: "/api/v1/households/export" + filter.queryString(adding: [("format", "csv")]),
            canEdit: caller.role.canEditRecords)
        return try await req.page("monitoring/households", title: "农户", active: Self.active, body)
    }

    // MARK: a household

    struct MemberRow: Encodable, Sendable {
        var id: String
        var name: String
        var residentID: String
        var revealed: Bool
        var sex: String
        var birthDate: String
        var age: Int
        var relation: String
        var labour: String
        var school: String
        var work: String
        var flags: String
        var status: String
        var present: Bool
    }

    struct AuditRow: Encodable, Sendable {
        var time: String
        var actor: String
        var action: String
        var changes: String
    }

    struct DetailBody: Encodable, Sendable {
        var code: String
        var village: String
        var villageCode: String
        var address: String
        var phone: String
        var status: String
        var headName: String
        var memberCount: Int
        var members: [MemberRow]
        var canEdit: Bool
        var canReveal: Bool
        var canAudit: Bool
        var audit: [AuditRow]
        var form: MemberFormBody?
    }

    /// `revealed`: the one member whose ID this answer shows in full (just revealed).
    func detail(
        _ req: Request, _ household: Household, revealed: (UUID, String)? = nil, form: MemberFormBody? = nil,
        status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws -> Response {
        let caller = try req.caller
        let members = try await RegistryFinder.members(of: household, on: req.db)
        let disclosure = Disclosure(role: caller.role)
        let dtos = RegistryQueries.memberDTOs(
            members, householdCode: household.code, ring: try req.registryKeys, disclosure: disclosure, today: RegistryFinder.today())
        let dto = HouseholdDTO(household, members: dtos, disclosure: disclosure)
        let names = try await Division.names(of: [household.divisionCode], on: req.db)
        var audit: [AuditRow] = []
        if caller.role.canReadAudit {
            let filter = AuditFilter(entityType: "household", entityID: household.code)
            let (rows, _) = try await filter.run(scope: caller.scope, paging: PageRequest(page: 1, per: 50), on: req.db)
            audit = rows.map { r in
                AuditRow(
                    time: ChinaDate.display(r.occurred_at), actor: r.actor, action: AuditLabels.action(r.action),
                    changes: AuditChange.decode(r.changes).map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: ";"))
            }
        }
        let body = DetailBody(
            code: household.code, village: names[household.divisionCode] ?? household.divisionCode, villageCode: household.divisionCode,
            address: dto.address ?? "", phone: dto.phone ?? "", status: Self.label(HouseholdStatus.self, household.status),
            headName: dto.headName ?? "(无户主)", memberCount: dto.memberCount,
            members: dtos.map { m in
                let shown = revealed.flatMap { $0.0 == m.id ? $0.1 : nil }
                var flags: [String] = []
                if m.disability { flags.append("残疾") }
                if m.chronicIllness { flags.append("慢性病") }
                flags.append(m.basicMedicalInsurance ? "已参加基本医保" : "未参加基本医保")
                return MemberRow(
                    id: m.id.uuidString, name: m.name, residentID: shown ?? m.residentID, revealed: shown != nil,
                    sex: m.sex == "female" ? "女" : "男", birthDate: m.birthDate, age: m.age,
                    relation: Self.label(TongguanDomain.Relation.self, m.relation), labour: Self.label(LabourCapacity.self, m.labourCapacity),
                    school: Self.label(SchoolStage.self, m.schoolStage), work: Self.label(WorkStatus.self, m.workStatus),
                    flags: flags.joined(separator: "、"),
                    status: m.status == MemberStatus.present.rawValue
                        ? "在户" : "已离户(\(Self.label(LeaveReason.self, m.leaveReason)),\(m.leftOn ?? ""))",
                    present: m.status == MemberStatus.present.rawValue)
            },
            canEdit: caller.role.canEditRecords && household.status == HouseholdStatus.active.rawValue,
            canReveal: caller.role.canRevealResidentIDs, canAudit: caller.role.canReadAudit, audit: audit,
            form: form ?? (caller.role.canEditRecords ? Self.memberForm(action: "/monitoring/households/\(household.code)/members") : nil))
        let response = try await req.page(
            "monitoring/household", title: "农户 \(household.code)", active: Self.active, status: status, error: error, body)
        // A page that may hold a revealed ID is never kept by a cache.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func show(req: Request) async throws -> Response {
        try await detail(req, try await HouseholdsAPI.household(req))
    }

    struct RevealForm: Content {
        var reason: String?
    }

    func reveal(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canRevealResidentIDs)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(RevealForm.self)
        let reason = (try? TextPolicy.singleLine(form.reason ?? "")) ?? ""
        guard reason.count >= 2, reason.count <= 200 else {
            return try await detail(req, household, status: .unprocessableEntity, error: "请写明查看完整身份证号的原因(2到200个字)")
        }
        let clear = try await RegistryService.reveal(
            member, in: household, reason: reason, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        return try await detail(req, household, revealed: (member.id!, clear))
    }

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

    // MARK: import

    struct ImportBody: Encodable, Sendable {
        var header: String
    }

    func importForm(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await req.page(
            "monitoring/household-import", title: "导入农户成员表", active: Self.active,
            ImportBody(header: MemberSheet.header.joined(separator: "、")))
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                MemberImport.Report.chooseAFile, title: "导入农户成员表", active: Self.active, filename: "",
                back: "/monitoring/households", backLabel: "返回农户列表")
        }
        let report = try await MemberImport.run(
            .data(data), options: .init(dryRun: form.dryRun), scope: caller.scope, ring: try req.registryKeys, actor: req.auditActor,
            on: req.db)
        return try await req.importReport(
            report, title: "导入农户成员表", active: Self.active, filename: filename, back: "/monitoring/households", backLabel: "返回农户列表")
    }
}
