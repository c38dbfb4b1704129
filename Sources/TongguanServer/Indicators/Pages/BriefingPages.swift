import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The briefing pages: the list of templates, the template form (with the syntax written
/// out beside it; a template with problems is refused with each line and reason), and the
/// rendered briefing for a period and division — every figure a link to its records, a
/// footnote per figure, the gaps listed at the top — printable on A4 and exportable as
/// Markdown or as a standalone HTML document.
struct BriefingPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let briefings = routes.grouped("indicators", "briefings")
        briefings.get(use: list)
        briefings.get("new", use: new)
        briefings.post(use: create)
        briefings.get(":id", use: show)
        briefings.get(":id", "edit", use: edit)
        briefings.post(":id", use: update)
        briefings.get(":id", "render", use: export)
    }

    struct Row: Encodable, Sendable {
        var id: String
        var name: String
        var description: String
        var period: String
        var division: String
    }

    struct ListBody: Encodable, Sendable {
        var rows: [Row]
        var empty: Bool
        var canDefine: Bool
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let records = try await BriefingService.visible(caller.scope, on: req.db).sort(\.$name).limit(500).all()
        let names = try await Division.names(of: Set(records.map(\.divisionCode)), on: req.db)
        let rows = records.map {
            Row(
                id: $0.id!.uuidString, name: $0.name, description: $0.description, period: $0.defaultPeriod,
                division: names[$0.divisionCode] ?? $0.divisionCode)
        }
        return try await req.page(
            "indicators/briefings", title: "进展简报", active: "/indicators",
            ListBody(rows: rows, empty: rows.isEmpty, canDefine: caller.role.canManageUsers))
    }

    struct Form: Content {
        var name: String?
        var description: String?
        var default_period: String?
        var division_code: String?
        var body: String?
        var version: Int?
    }

    struct FormBody: Encodable, Sendable {
        var id: String?
        var form: Form
        var version: Int
        var divisions: [SelectOption]
        var syntax: String
        var errors: [FieldProblem]?
    }

    func formPage(
        _ req: Request, record: BriefingTemplateRecord?, form: Form, errors: [FieldProblem], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let caller = try req.caller
        let body = FormBody(
            id: record?.id?.uuidString, form: form, version: record?.version ?? 0,
            divisions: try await Division.options(
                in: caller.scope, selected: form.division_code ?? caller.scope.root.rawValue, levels: [.city, .county], withCode: true,
                on: req.db),
            syntax: DocumentationHTML.render(BriefingSyntax.documentation), errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "indicators/briefing-form", title: record == nil ? "新建简报模板" : "修改简报模板", active: "/indicators", status: status,
            error: errors.isEmpty ? nil : "模板有\(errors.count)处问题,未保存", body)
    }

    func new(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        return try await formPage(req, record: nil, form: Form(default_period: "2021-H1", division_code: caller.scope.root.rawValue), errors: [])
    }

    func edit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await BriefingService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        let form = Form(
            name: record.name, description: record.description, default_period: record.defaultPeriod, division_code: record.divisionCode,
            body: record.body, version: record.version)
        return try await formPage(req, record: record, form: form, errors: [])
    }

    /// The form as the API's body, so that both check the same way.
    static func input(_ form: Form) -> InputReader {
        var object: [String: JSONValue] = [:]
        if let v = form.name { object["name"] = .string(v) }
        if let v = form.description { object["description"] = .string(v) }
        if let v = form.default_period { object["default_period"] = .string(v) }
        if let v = form.division_code { object["division_code"] = .string(v) }
        if let v = form.body { object["body"] = .string(v) }
        return InputReader(object: object)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(Form.self)
        var input = Self.input(form)
        let fields = try await BriefingsAPI.read(&input, existing: nil, caller: caller, on: req.db)
        guard input.problems.isEmpty, let fields else {
            return try await formPage(req, record: nil, form: form, errors: input.problems.problems, status: .unprocessableEntity)
        }
        do {
            let record = try await BriefingService.create(fields, actor: req.auditActor, on: req.db)
            return req.redirect(to: "/indicators/briefings/\(record.id!.uuidString)?notice=created")
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await formPage(
                req, record: nil, form: form, errors: errors.fields.isEmpty ? [FieldProblem(field: "name", message: refusal.message)] : errors.fields,
                status: errors.status)
        }
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await BriefingService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        let form = try req.content.decode(Form.self)
        var input = Self.input(form)
        let fields = try await BriefingsAPI.read(&input, existing: record, caller: caller, on: req.db)
        guard input.problems.isEmpty, let fields else {
            return try await formPage(req, record: record, form: form, errors: input.problems.problems, status: .unprocessableEntity)
        }
        do {
            record.version = form.version ?? -1
            try await BriefingService.update(record, with: fields, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            let fresh = try await BriefingService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
            return try await formPage(
                req, record: fresh, form: form,
                errors: errors.fields.isEmpty ? [FieldProblem(field: "version", message: errors.message ?? refusal.message)] : errors.fields,
                status: errors.status)
        }
        return req.redirect(to: "/indicators/briefings/\(record.id!.uuidString)?notice=saved")
    }

    struct ShowBody: Encodable, Sendable {
        var id: String
        var name: String
        var description: String
        var period: String
        var periodText: String
        var division: String
        var divisionCode: String
        var divisions: [SelectOption]
        var html: String
        var gapCount: Int
        var computedAt: String
        var markdownHref: String
        var htmlHref: String
        var canEdit: Bool
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        let record = try await BriefingService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        var q = QueryReader(req)
        let (period, division) = try await BriefingsAPI.context(&q, record: record, caller: caller, on: req.db)
        let rendered = try await BriefingService.render(
            record, period: period, division: division.code, scope: caller.scope, on: req.db, logger: req.logger)
        let id = record.id!.uuidString
        let query = [("period", period.description), ("division", division.code.rawValue)]
        let body = ShowBody(
            id: id, name: record.name, description: record.description, period: period.description, periodText: period.chinese,
            division: division.name, divisionCode: division.code.rawValue,
            divisions: try await Division.options(
                in: caller.scope, selected: division.code.rawValue, levels: [.city, .county], withCode: false, on: req.db),
            html: rendered.html(), gapCount: rendered.briefing.gaps.count, computedAt: rendered.computedAt,
            markdownHref: "/indicators/briefings/\(id)/render" + QueryString.encode(query + [("format", "md")]),
            htmlHref: "/indicators/briefings/\(id)/render" + QueryString.encode(query),
            canEdit: caller.role.canManageUsers && caller.scope.contains(record.divisionCode))
        return try await req.page("indicators/briefing", title: record.name, active: "/indicators", body)
    }

    /// The export: `format=md` (a download) or `html` (a standalone printable document).
    func export(req: Request) async throws -> Response {
        let caller = try req.caller
        let record = try await BriefingService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        var q = QueryReader(req)
        let format = q.enumeration("format", BriefingsAPI.Format.self) ?? .html
        let (period, division) = try await BriefingsAPI.context(&q, record: record, caller: caller, on: req.db)
        let rendered = try await BriefingService.render(
            record, period: period, division: division.code, scope: caller.scope, on: req.db, logger: req.logger)
        switch format {
        case .md:
            var headers: HTTPHeaders = ["Content-Type": "text/markdown; charset=utf-8"]
            let file = "\(record.name)-\(division.name)-\(period.description).md"
            let encoded = file.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "briefing.md"
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"briefing.md\"; filename*=UTF-8''\(encoded)")
            return Response(status: .ok, headers: headers, body: .init(string: rendered.markdown))
        case .html:
            let html = Self.document(title: record.name, subtitle: "\(division.name) · \(period.chinese)", rendered: rendered)
            return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: html))
        }
    }

    /// A standalone printable HTML document of a rendered briefing (the export), with the
    /// application's stylesheet for its A4 print rules.
    static func document(title: String, subtitle: String, rendered: BriefingService.Rendered) -> String {
        let t = Markup.escape(title)
        return """
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>\(t)</title>
            <link rel="stylesheet" href="/css/app.css">
            </head>
            <body class="ind-export">
            <main class="site-main ind-briefing ind-crumbs">
            <h1>\(t)</h1>
            <p class="muted">\(Markup.escape(subtitle)) · 数字计算于\(Markup.escape(rendered.computedAt))</p>
            \(rendered.html())</main>
            </body>
            </html>

            """
    }
}
