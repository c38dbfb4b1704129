import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The targets page: every target in scope with its progress bar (SVG), status and the
/// rule the status follows, written out; administrators add targets here.
struct TargetPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let targets = routes.grouped("indicators", "targets")
        targets.get(use: list)
        targets.post(use: create)
        targets.post(":id", "delete", use: delete)
    }

    struct Row: Encodable, Sendable {
        var id: String
        var indicator: String
        var code: String
        var division: String
        var target: String
        var due: String
        var baseline: String
        var latest: String
        var status: String
        var statusLabel: String
        var reason: String
        var bar: String
        var note: String
    }

    struct Form: Content {
        var indicator: String?
        var division_code: String?
        var value: String?
        var due: String?
        var baseline_period: String?
        var baseline_value: String?
        var note: String?
    }

    struct Body: Encodable, Sendable {
        var rows: [Row]
        var empty: Bool
        var asOf: String
        var rule: String
        var statuses: [SelectOption]
        var canDefine: Bool
        var indicators: [SelectOption]
        var divisions: [SelectOption]
        var form: Form
        var errors: [FieldProblem]?
    }

    func list(req: Request) async throws -> Response {
        try await page(req, form: Form(), errors: [])
    }

    func page(_ req: Request, form: Form, errors: [FieldProblem], status code: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.caller
        var q = QueryReader(req)
        let asOf = q.date("as_of") ?? TargetService.today
        let status = q.enumeration("status", TargetStatus.self)
        try q.finish()
        let records = try await TargetService.visible(caller.scope, on: req.db).sort(\.$due).sort(\.$divisionCode).limit(500).all()
        var assessed = try await TargetService.assessed(records, asOf: asOf, scope: caller.scope, on: req.db)
        if let status { assessed = assessed.filter { $0.assessment.status == status } }
        let names = try await Division.names(of: Set(assessed.map(\.record.divisionCode)), on: req.db)
        let rows = assessed.map { a -> Row in
            let i = a.indicator.indicator
            return Row(
                id: a.record.id!.uuidString, indicator: i.name, code: i.code.rawValue,
                division: names[a.record.divisionCode] ?? a.record.divisionCode,
                target: i.displayText(a.target.value), due: a.record.due,
                baseline: a.target.baseline.map { "\(i.displayText($0.value))(\(a.record.baselinePeriod ?? ""))" } ?? "—",
                latest: a.assessment.latest.map { "\(i.displayText($0.value))(截至\($0.date))" } ?? "尚无数值",
                status: a.assessment.status.rawValue, statusLabel: a.assessment.status.label, reason: a.assessment.reason,
                bar: IndicatorSVG.progressBar(a.assessment.progress, status: a.assessment.status), note: a.record.note)
        }
        let catalogue = try await IndicatorService.catalogue(caller.scope, on: req.db)
        let body = Body(
            rows: rows, empty: rows.isEmpty, asOf: asOf.description, rule: DocumentationHTML.render(Target.statusRule),
            statuses: [SelectOption(value: "", label: "全部", selected: status == nil)]
                + TargetStatus.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == status) },
            canDefine: caller.role.canManageUsers,
            indicators: catalogue.map { SelectOption(value: $0.code, label: "\($0.name)(\($0.code))", selected: $0.code == form.indicator) },
            divisions: try await Division.options(
                in: caller.scope, selected: form.division_code ?? caller.scope.root.rawValue, levels: [.city, .county], withCode: true, on: req.db),
            form: form, errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "indicators/targets", title: "目标与进度", active: "/indicators", status: code, error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    /// The same checks as `POST /api/v1/targets`.
    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(Form.self)
        var problems = ProblemList()
        let record = try? await IndicatorService.find(form.indicator, scope: caller.scope, on: req.db)
        if record == nil { problems.add("indicator", "请选择指标") }
        var division: DivisionCode?
        if let raw = form.division_code, let code = DivisionCode(raw), try await Division.find(raw, in: caller.scope, on: req.db) != nil {
            division = code
        } else {
            problems.add("division_code", "区划不存在或不在您的管辖范围内")
        }
        var fields = TargetService.Fields()
        func decimal(_ raw: String?, _ field: String) -> ExactDecimal? {
            do throws(ExactDecimal.Problem) { return try ExactDecimal((raw ?? "").filter { $0 != "," }) } catch {
                problems.add(field, error.message)
                return nil
            }
        }
        if let v = decimal(form.value, "value"), let i = record?.indicator {
            fields.value = try? ValueService.stored(v, for: i)
        }
        do { fields.due = try CivilDate.validatingISO(TextPolicy.trimmed(form.due ?? "")) } catch { problems.add("due", error.message) }
        let bp = TextPolicy.trimmed(form.baseline_period ?? ""), bv = TextPolicy.trimmed(form.baseline_value ?? "")
        if !bp.isEmpty || !bv.isEmpty {
            var period: Period?
            do { period = try Period(bp) } catch { problems.add("baseline_period", error.message) }
            if let value = decimal(bv, "baseline_value"), let period, let i = record?.indicator, let stored = try? ValueService.stored(value, for: i)
            {
                fields.baseline = .some((period, stored))
            }
        }
        do { fields.note = try TextPolicy.singleLine(form.note ?? "") } catch { problems.add("note", error.message) }
        guard problems.isEmpty, let record, let division else {
            return try await page(req, form: form, errors: problems.problems, status: .unprocessableEntity)
        }
        do {
            _ = try await TargetService.create(indicator: record, division: division, fields: fields, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await page(
                req, form: form, errors: errors.fields.isEmpty ? [FieldProblem(field: "target", message: refusal.message)] : errors.fields,
                status: errors.status)
        }
        return req.redirect(to: "/indicators/targets?notice=created")
    }

    func delete(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await TargetService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        try await TargetService.delete(record, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/indicators/targets?notice=deleted")
    }
}
