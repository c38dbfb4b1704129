import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Creating, editing and deleting 活动批次 from the pages; the rules are `RoundService`'s,
/// the same as the API's.
struct RoundFormPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let rounds = routes.grouped("projects", "rounds")
        rounds.get("new", use: newForm)
        rounds.post(use: create)
        rounds.get(":id", "edit", use: edit)
        rounds.post(":id", use: update)
        rounds.post(":id", "delete", use: delete)
    }

    struct Form: Content {
        var name: String?
        var date: String?
        var venue: String?
        var division_code: String?
        var version: Int?
    }

    struct Body: Encodable, Sendable {
        var id: String?
        var form: Form
        var divisions: [SelectOption]
        var version: Int
        /// nil rather than empty: Leaf treats an empty array as true.
        var errors: [FieldProblem]?
    }

    func page(_ req: Request, round: Round?, form: Form, errors: [FieldProblem], status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.caller
        let selected = form.division_code ?? round?.divisionCode ?? caller.scope.root.rawValue
        let divisions = try await Division.options(in: caller.scope, selected: selected, levels: [.city, .county], withCode: true, on: req.db)
        let body = Body(
            id: round?.id?.uuidString, form: form, divisions: divisions,
            version: round?.version ?? 0, errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "projects/round-form", title: round == nil ? "新建活动批次" : "修改活动批次", active: "/projects",
            status: status, error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    /// The form's values checked like the API's, every problem at once.
    func read(_ form: Form, req: Request, round: Round?) async throws -> (RoundService.Fields, [FieldProblem]) {
        var problems = ProblemList()
        var fields = RoundService.Fields()
        do {
            let name = try TextPolicy.singleLine(form.name ?? "")
            if name.isEmpty {
                problems.add("name", "此项为必填")
            } else if name.count > 50 {
                problems.add("name", "不能超过50个字符")
            } else {
                fields.name = name
            }
        } catch { problems.add("name", error.message) }
        do { fields.date = try CivilDate.validatingISO(TextPolicy.trimmed(form.date ?? "")) } catch {
            problems.add("date", (form.date ?? "").isEmpty ? "请填写日期" : error.message)
        }
        do {
            let venue = try TextPolicy.singleLine(form.venue ?? "")
            if venue.count > 100 { problems.add("venue", "不能超过100个字符") }
            fields.venue = .some(venue.isEmpty ? nil : venue)
        } catch { problems.add("venue", error.message) }
        fields.division = form.division_code.flatMap(DivisionCode.init)
        for p in try await RoundService.problems(fields, scope: try req.caller.scope, round: round, on: req.db) { problems.add(p.field, p.message) }
        return (fields, problems.problems)
    }

    func newForm(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await page(req, round: nil, form: Form(date: ChinaDate.display(StoredInstant.string(Date())).prefix(10).description), errors: [])
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(Form.self)
        let (fields, problems) = try await read(form, req: req, round: nil)
        guard problems.isEmpty else { return try await page(req, round: nil, form: form, errors: problems, status: .unprocessableEntity) }
        let round = try await RoundService.create(fields, scope: caller.scope, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/projects/rounds/\(round.id!.uuidString)?notice=created")
    }

    func edit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        return try await page(
            req, round: round, form: Form(name: round.name, date: round.date, venue: round.venue, division_code: round.divisionCode), errors: [])
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        let form = try req.content.decode(Form.self)
        let (fields, problems) = try await read(form, req: req, round: round)
        guard problems.isEmpty else { return try await page(req, round: round, form: form, errors: problems, status: .unprocessableEntity) }
        do {
            // The version the form was read at is the one the change must find.
            round.version = form.version ?? -1
            try await RoundService.update(round, with: fields, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            let fresh = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
            let errors = FormErrors(refusal)
            return try await page(
                req, round: fresh, form: form, errors: [FieldProblem(field: "version", message: errors.message ?? refusal.message)] + errors.fields,
                status: errors.status)
        }
        return req.redirect(to: "/projects/rounds/\(round.id!.uuidString)?notice=saved")
    }

    func delete(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        do {
            try await RoundService.delete(round, actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            return try await page(
                req, round: round, form: Form(name: round.name, date: round.date, venue: round.venue, division_code: round.divisionCode),
                errors: [FieldProblem(field: "round", message: refusal.message)], status: FormErrors(refusal).status)
        }
        return req.redirect(to: "/projects/rounds?notice=deleted")
    }
}
