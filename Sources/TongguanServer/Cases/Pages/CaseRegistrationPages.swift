import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Registering a case by hand (`/cases/new`): the form, with every field's problem in place
/// and the domain's messages; the write is `CaseService`'s, the same as the API's.
extension CasePages {

    struct CaseForm: Content {
        var source: String?
        var kind: String?
        var title: String?
        var content: String?
        var requester_name: String?
        var requester_phone: String?
        var requester_resident_id: String?
        var division_code: String?
        var received_on: String?
        var station_name: String?
        var station_batch: String?
        var owner_leader_id: String?
        var backlog: String?
        var handed_down_by: String?
        var original_received_on: String?

        var input: CaseInput {
            let station = source == CaseSource.liaisonStation.rawValue ? CaseInput.Station(name: station_name, batch: station_batch) : nil
            return CaseInput(
                source: source, kind: kind, title: title, content: content,
                requester: .init(name: requester_name, phone: requester_phone, residentId: requester_resident_id), divisionCode: division_code,
                receivedOn: received_on, station: station, ownerLeaderId: owner_leader_id, backlog: backlog == "on",
                handedDownBy: handed_down_by, originalReceivedOn: original_received_on)
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
        var fields: [FormField]
        var errors: [FieldProblem]?
    }

    /// Domain field names (`requester.name`) as the form's (`requester_name`).
    static func formName(_ field: String) -> String { field.replacingOccurrences(of: ".", with: "_") }

    func formPage(
        req: Request, form: CaseForm, errors: [FieldProblem], status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws
        -> Response
    {
        let caller = try req.caller
        let problems = errors.map { FieldProblem(field: Self.formName($0.field), message: $0.message) }
        func message(_ name: String) -> String? {
            let m = problems.filter { $0.field == name || ($0.field == "station" && name.hasPrefix("station")) }.map(\.message)
            return m.isEmpty ? nil : m.joined(separator: ";")
        }
        func field(
            _ name: String, _ label: String, _ value: String?, required: Bool = false, kind: String = "text", hint: String? = nil,
            choices: [SelectOption] = []
        )
            -> FormField
        {
            FormField(
                name: name, label: label, kind: kind, value: value ?? "", required: required, hint: hint, error: message(name), choices: choices)
        }
        let leaders = try await LeaderService.choices(for: caller.scope, on: req.db)
        let fields = [
            field(
                "source", "来源", form.source, required: true, kind: "select",
                choices: CaseSource.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.source) }),
            field(
                "kind", "类别", form.kind, required: true, kind: "select", hint: "信访件用 建议意见、检举控告、申诉求决;其他来源用 咨询、投诉、求助、建议、举报",
                choices: CaseKind.allCases.map { SelectOption(value: $0.label, label: $0.label, selected: $0.label == form.kind) }),
            field("title", "标题", form.title, required: true),
            field("content", "内容", form.content, required: true, kind: "textarea"),
            field("requester_name", "诉求人", form.requester_name, required: true),
            field("requester_phone", "联系电话", form.requester_phone, required: true, hint: "手机号或带区号的固定电话"),
            field("requester_resident_id", "身份证号", form.requester_resident_id, hint: "可不填;加密保存,只显示遮蔽后的号码"),
            field(
                "division_code", "区划", form.division_code, required: true, kind: "select",
                choices: try await Division.options(in: caller.scope, selected: form.division_code, on: req.db)),
            field("received_on", "登记日期", form.received_on ?? CaseClock.today().description, required: true, kind: "date"),
            field("station_name", "联络站", form.station_name, hint: "来源为人大代表联络站时填写"),
            field("station_batch", "接待批次", form.station_batch, hint: "如 2021年第3批"),
            field(
                "owner_leader_id", "包案领导", form.owner_leader_id, kind: "select",
                choices: leaders.map {
                    SelectOption(value: $0.id!.uuidString, label: "\($0.name)(\($0.title))", selected: $0.id?.uuidString == form.owner_leader_id)
                }),
            field("backlog", "积案", form.backlog, kind: "checkbox"),
            field("handed_down_by", "交办机关", form.handed_down_by, hint: "积案填写,如 中央联席办"),
            field("original_received_on", "原始登记日期", form.original_received_on, kind: "date", hint: "积案填写"),
        ]
        return try await req.page(
            "cases/form", title: "登记诉求", active: "/cases", status: status,
            error: error ?? (errors.isEmpty ? nil : "请修改标出的\(errors.count)处问题"),
            FormBody(fields: fields, errors: problems.isEmpty ? nil : problems))
    }

    func newForm(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await formPage(req: req, form: CaseForm(), errors: [])
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(CaseForm.self)
        let (details, problems) = try await CaseFields.check(form.input, scope: caller.scope, on: req.db)
        guard let details else { return try await formPage(req: req, form: form, errors: problems, status: .unprocessableEntity) }
        let app = req.application
        do {
            let c = try await CaseService.register(details, actor: req.auditActor, keys: { try app.dataKeys }, on: req.db)
            return req.redirect(to: "/cases/\(c.id!.uuidString)?notice=created")
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await formPage(req: req, form: form, errors: errors.fields, status: errors.status, error: errors.message)
        }
    }
}
