import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Monitoring lines and settings (administrators): the page `/monitoring/lines` and its two
/// forms, written through the same service as the API's and audited there.
extension WorkflowFormPages {

    struct LineRow: Encodable, Sendable {
        var division: String
        var divisionName: String
        var year: Int
        var yuan: String
    }

    struct SettingsRow: Encodable, Sendable {
        var division: String
        var divisionName: String
        var values: [String]
    }

    struct ConfigBody: Encodable, Sendable {
        var lines: [LineRow]
        var fieldLabels: [String]
        var defaults: [String]
        var effective: [String]
        var overrides: [SettingsRow]
        var canEdit: Bool
        var lineDivision: String
        var lineYear: String
        var lineYuan: String
        var settingsDivision: String
        var settingsFields: [FormField]
        var errors: [FieldProblem]?
        var errorForm: String
    }

    static func settingValues(_ s: MonitoringSettings) -> [String] {
        [
            s.nearLineFactor.description, s.incomeDropFraction.description, s.largeExpenseFraction.description, String(s.noticePeriodDays),
            String(s.minimumMonitoringMonths),
        ]
    }

    func renderConfig(
        _ req: Request, lineForm: [String: String] = [:], settingsForm: [String: String] = [:], errorForm: String = "",
        errors: FormErrors? = nil
    ) async throws -> Response {
        let caller = try req.caller
        let names = Dictionary(try await Division.query(on: req.db).all().map { ($0.id ?? "", $0.name) }, uniquingKeysWith: { a, _ in a })
        func name(_ d: DivisionCode) -> String { names[d.rawValue] ?? "" }
        let lines = try await MonitoringConfig.lines(on: req.db).rows.filter { MonitoringConfig.visible($0.division, in: caller.scope) }
            .sorted { ($0.year, $0.division.significantPrefix) > ($1.year, $1.division.significantPrefix) }
            .map { LineRow(division: $0.division.significantPrefix, divisionName: name($0.division), year: $0.year, yuan: Self.yuan($0.lineFen)) }
        let overrides = try await MonitoringConfig.overrides(on: req.db)
        let rows = overrides.filter { MonitoringConfig.visible($0.division, in: caller.scope) }
            .sorted { $0.division.significantPrefix < $1.division.significantPrefix }
            .map { o in
                SettingsRow(
                    division: o.division.significantPrefix, divisionName: name(o.division),
                    values: [
                        o.nearLineFactor?.description, o.incomeDropFraction?.description, o.largeExpenseFraction?.description,
                        o.noticePeriodDays.map(String.init), o.minimumMonitoringMonths.map(String.init),
                    ].map { $0 ?? "(沿用上级)" })
            }
        let body = ConfigBody(
            lines: lines, fieldLabels: MonitoringSettings.Field.allCases.map(\.label), defaults: Self.settingValues(.defaults),
            effective: Self.settingValues(MonitoringSettings.resolve(for: caller.scope.root, overrides: overrides)), overrides: rows,
            canEdit: caller.role.canConfigureMonitoring, lineDivision: lineForm["division_code"] ?? "", lineYear: lineForm["year"] ?? "",
            lineYuan: lineForm["yuan"] ?? "", settingsDivision: settingsForm["division_code"] ?? "",
            settingsFields: MonitoringSettings.Field.allCases.map {
                FormField(name: $0.rawValue, label: $0.label, value: settingsForm[$0.rawValue] ?? "")
            },
            errors: (errors?.fields.isEmpty ?? true) ? nil : errors!.fields, errorForm: errorForm)
        return try await req.page(
            "monitoring/workflow-config", title: "监测收入线和参数", active: "/monitoring", status: errors?.status ?? .ok, error: errors?.message,
            body)
    }

    func config(req: Request) async throws -> Response { try await renderConfig(req) }

    /// The division field of a config form, with the API's messages.
    static func configDivision(_ raw: String?, caller: Caller, problems: inout ProblemList, on db: any Database) async throws -> DivisionCode? {
        let text = TextPolicy.trimmed(raw ?? "")
        guard !text.isEmpty else {
            problems.add("division_code", "请填写区划代码")
            return nil
        }
        let division: DivisionCode
        do { division = try MonitoringConfig.division(prefix: text) } catch {
            problems.add("division_code", error.message + "(也可填2位省级或4位市级前缀)")
            return nil
        }
        guard try await MonitoringConfig.mayConfigure(division, caller: caller, on: db) else {
            problems.add("division_code", "不在您的管辖范围内")
            return nil
        }
        return division
    }

    struct LineInput: Content {
        var division_code: String?
        var year: String?
        var yuan: String?
    }

    func setLine(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canConfigureMonitoring)
        let form = try req.content.decode(LineInput.self)
        let echo = ["division_code": form.division_code ?? "", "year": form.year ?? "", "yuan": form.yuan ?? ""]
        var problems = ProblemList()
        let division = try await Self.configDivision(form.division_code, caller: caller, problems: &problems, on: req.db)
        let year = Int(TextPolicy.trimmed(form.year ?? ""))
        if year == nil { problems.add("year", (form.year ?? "").isEmpty ? "请填写年度" : "年度应为整数,如 2024") }
        var fen: Int64?
        let rawYuan = TextPolicy.trimmed(form.yuan ?? "")
        if rawYuan.isEmpty {
            problems.add("yuan", "请填写监测收入线(元)")
        } else {
            do { fen = try Fen.fromYuan(rawYuan) } catch { problems.add("yuan", error.message) }
        }
        guard problems.isEmpty, let division, let year, let fen else {
            return try await renderConfig(req, lineForm: echo, errorForm: "line", errors: Self.formErrors(problems.problems))
        }
        do {
            try await MonitoringConfig.setLine(MonitoringLine(division: division, year: year, lineFen: fen), actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            var errors = FormErrors(refusal)
            errors.fields = errors.fields.map { $0.field == "line_fen" ? FieldProblem(field: "yuan", message: $0.message) : $0 }
            return try await renderConfig(req, lineForm: echo, errorForm: "line", errors: errors)
        }
        return req.redirect(to: "/monitoring/lines?notice=saved")
    }

    func setSettings(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canConfigureMonitoring)
        let form = try req.content.decode([String: String].self)
        var echo: [String: String] = [:]
        for key in ["division_code"] + MonitoringSettings.Field.allCases.map(\.rawValue) { echo[key] = form[key] ?? "" }
        var problems = ProblemList()
        let division = try await Self.configDivision(form["division_code"], caller: caller, problems: &problems, on: req.db)
        typealias F = MonitoringSettings.Field
        func text(_ field: F) -> String? {
            let t = TextPolicy.trimmed(form[field.rawValue] ?? "")
            return t.isEmpty ? nil : t
        }
        func permille(_ field: F) -> MonitoringSettings.Permille? {
            guard let raw = text(field) else { return nil }
            guard let value = MonitoringSettings.Permille(parsing: raw) else {
                problems.add(field.rawValue, "\(field.label)应为最多3位小数的数字,如 1.5 或 0.3")
                return nil
            }
            return value
        }
        func whole(_ field: F) -> Int? {
            guard let raw = text(field) else { return nil }
            guard let value = Int(raw), (0...1000).contains(value) else {
                problems.add(field.rawValue, "\(field.label)应为整数")
                return nil
            }
            return value
        }
        var o = MonitoringSettingsOverride(division: division ?? DivisionCode("141100")!)
        o.nearLineFactor = permille(.nearLineFactor)
        o.incomeDropFraction = permille(.incomeDropFraction)
        o.largeExpenseFraction = permille(.largeExpenseFraction)
        o.noticePeriodDays = whole(.noticePeriodDays)
        o.minimumMonitoringMonths = whole(.minimumMonitoringMonths)
        for p in o.problems { problems.add(p.field, p.message) }
        guard problems.isEmpty, division != nil else {
            return try await renderConfig(req, settingsForm: echo, errorForm: "settings", errors: Self.formErrors(problems.problems))
        }
        do {
            try await MonitoringConfig.setSettings(o, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            return try await renderConfig(req, settingsForm: echo, errorForm: "settings", errors: FormErrors(refusal))
        }
        return req.redirect(to: "/monitoring/lines?notice=saved")
    }
}
