import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The indicator definition form (administrators): new and edit, with the computed kinds'
/// parameters explained beside it. What is valid is the domain's `IndicatorDraft` and the
/// service's rules, the same as the API's.
extension IndicatorPages {

    struct DefinitionForm: Content {
        var code: String?
        var name: String?
        var unit: String?
        var display_scale: String?
        var decimals: String?
        var direction: String?
        var roll_up: String?
        var division_code: String?
        var source_type: String?
        var query_kind: String?
        var query_parameters: String?
        var denominator_kind: String?
        var denominator_parameters: String?
        var version: Int?
    }

    struct FormBody: Encodable, Sendable {
        var code: String?
        var form: DefinitionForm
        var directions: [SelectOption]
        var rollUps: [SelectOption]
        var sources: [SelectOption]
        var kinds: [SelectOption]
        var denominatorKinds: [SelectOption]
        var divisions: [SelectOption]
        var kindHelp: [Fact]
        var version: Int
        var errors: [FieldProblem]?
    }

    static func form(_ i: Indicator) -> DefinitionForm {
        var f = DefinitionForm(
            code: i.code.rawValue, name: i.name, unit: i.unit, display_scale: String(i.displayScale), decimals: String(i.decimals),
            direction: i.direction.rawValue, roll_up: i.rollUp.rawValue, division_code: i.ownerDivision.rawValue, source_type: "manual")
        if case .computed(let q, let d) = i.source {
            f.source_type = "computed"
            f.query_kind = q.kind
            f.query_parameters = q.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            f.denominator_kind = d?.kind
            f.denominator_parameters = d?.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        }
        return f
    }

    func formPage(
        _ req: Request, record: IndicatorRecord?, form: DefinitionForm, errors: [FieldProblem], status: HTTPResponseStatus = .ok
    ) async throws
        -> Response
    {
        let caller = try req.caller
        let specs = IndicatorService.registry.specs.values.sorted { $0.kind < $1.kind }
        let kinds = specs.map { SelectOption(value: $0.kind, label: "\($0.label)(\($0.kind))", selected: $0.kind == form.query_kind) }
        let body = FormBody(
            code: record?.code, form: form,
            directions: Direction.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.direction) },
            rollUps: RollUp.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (form.roll_up ?? "none")) },
            sources: [("manual", "手工填报"), ("computed", "由记录计算")].map {
                SelectOption(value: $0.0, label: $0.1, selected: $0.0 == (form.source_type ?? "manual"))
            },
            kinds: kinds,
            denominatorKinds: [SelectOption(value: "", label: "(无,不是比值)", selected: (form.denominator_kind ?? "").isEmpty)]
                + specs.map { SelectOption(value: $0.kind, label: "\($0.label)(\($0.kind))", selected: $0.kind == form.denominator_kind) },
            divisions: try await Division.options(
                in: caller.scope, selected: form.division_code ?? caller.scope.root.rawValue, levels: [.city, .county], withCode: true, on: req.db),
            kindHelp: specs.map { spec in
                Fact(
                    label: spec.kind,
                    value: spec.parameters.map { p in
                        "\(p.name)(\(p.label)\(p.required ? ",必填" : ""))"
                            + (p.allowedValues.isEmpty ? "" : ":" + p.allowedValues.joined(separator: "|"))
                    }.joined(separator: ";"))
            },
            version: record?.version ?? 0, errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "indicators/form", title: record == nil ? "新建指标" : "修改指标", active: "/indicators", status: status,
            error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    /// The form as the domain's draft: parameters are `名称=值` lines (or `;`-separated).
    static func read(
        _ f: DefinitionForm, existing: IndicatorRecord?, scope: DivisionScope, on db: any Database
    ) async throws -> (Indicator?, [FieldProblem]) {
        var problems = ProblemList()
        func parameters(_ text: String?, field: String) -> [String: String] {
            var result: [String: String] = [:]
            for piece in (text ?? "").split(whereSeparator: { $0 == "\n" || $0 == ";" || $0 == "\r\n" }) {
                let pair = piece.split(separator: "=", maxSplits: 1).map { TextPolicy.trimmed(String($0)) }
                guard pair.count == 2, !pair[0].isEmpty else {
                    problems.add(field, "参数应写作「名称=值」,每行一个:「\(piece)」")
                    continue
                }
                result[pair[0]] = pair[1]
            }
            return result
        }
        let type = f.source_type ?? "manual"
        var source = IndicatorDraft.SourceDraft(type: type)
        if type == "computed" {
            source.query = IndicatorQuery(kind: f.query_kind ?? "", parameters: parameters(f.query_parameters, field: "source.query"))
            if let d = f.denominator_kind, !d.isEmpty {
                source.denominator = IndicatorQuery(kind: d, parameters: parameters(f.denominator_parameters, field: "source.denominator"))
            }
        }
        let int = { (raw: String?, field: String) -> Int in
            let text = TextPolicy.trimmed(raw ?? "")
            if text.isEmpty { return 0 }
            guard let n = Int(text) else {
                problems.add(field, "应为整数")
                return 0
            }
            return n
        }
        let draft = IndicatorDraft(
            code: TextPolicy.trimmed(existing?.code ?? f.code ?? ""), name: f.name ?? "", unit: f.unit ?? "",
            displayScale: int(f.display_scale, "display_scale"), decimals: int(f.decimals, "decimals"), direction: f.direction ?? "",
            rollUp: type == "computed" ? "none" : (f.roll_up ?? "none"), ownerDivision: f.division_code ?? scope.root.rawValue, source: source)
        var indicator: Indicator?
        do { indicator = try draft.validated(queryKinds: IndicatorService.registry) } catch {
            for p in error.problems { problems.add(p.field == "owner_division" ? "division_code" : p.field, p.message) }
        }
        if let indicator {
            for p in try await IndicatorService.problems(indicator, existing: existing, scope: scope, on: db) { problems.add(p.field, p.message) }
        }
        return (problems.isEmpty ? indicator : nil, problems.problems)
    }

    func newForm(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        return try await formPage(
            req, record: nil,
            form: DefinitionForm(
                decimals: "0", direction: "higher_is_better", roll_up: "none", division_code: caller.scope.root.rawValue, source_type: "manual"),
            errors: [])
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(DefinitionForm.self)
        let (indicator, problems) = try await Self.read(form, existing: nil, scope: caller.scope, on: req.db)
        guard let indicator else { return try await formPage(req, record: nil, form: form, errors: problems, status: .unprocessableEntity) }
        _ = try await IndicatorService.create(indicator, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/indicators/\(indicator.code.rawValue)?notice=created")
    }

    func edit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await IndicatorService.findEditable(req.parameters.get("code"), scope: caller.scope, on: req.db)
        return try await formPage(req, record: record, form: Self.form(record.indicator), errors: [])
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await IndicatorService.findEditable(req.parameters.get("code"), scope: caller.scope, on: req.db)
        let form = try req.content.decode(DefinitionForm.self)
        let (indicator, problems) = try await Self.read(form, existing: record, scope: caller.scope, on: req.db)
        guard let indicator else { return try await formPage(req, record: record, form: form, errors: problems, status: .unprocessableEntity) }
        do {
            record.version = form.version ?? -1
            try await IndicatorService.update(record, to: indicator, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let fresh = try await IndicatorService.findEditable(req.parameters.get("code"), scope: caller.scope, on: req.db)
            let errors = FormErrors(refusal)
            return try await formPage(
                req, record: fresh, form: form, errors: [FieldProblem(field: "version", message: errors.message ?? refusal.message)] + errors.fields,
                status: errors.status)
        }
        return req.redirect(to: "/indicators/\(indicator.code.rawValue)?notice=saved")
    }
}
