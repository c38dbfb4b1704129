import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The administrator's ledger designer: a plain form (no JavaScript) with one row per field
/// and per state; 「增加字段行」 posts the form back with more empty rows. The form becomes the
/// API's definition JSON and goes through the same checks and service as the API, so every
/// problem comes back by field row in Chinese.
struct LedgerDesignPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("new", use: newForm)
        routes.post("new", use: create)
        routes.get(":code", "edit", use: editForm)
        routes.post(":code", "edit", use: update)
        routes.get(":code", "versions", use: versions)
    }

    struct FieldRow: Encodable, Sendable {
        var index: Int
        var key: String
        var label: String
        var types: [SelectOption]
        var required: Bool
        var unique: Bool
        var listed: Bool
        var archived: Bool
        var options: String
        var scale: String
        /// Saved fields keep their key (it names stored values).
        var saved: Bool
        var errors: [String]?
    }

    struct StateRow: Encodable, Sendable {
        var index: Int
        var code: String
        var name: String
        var final: Bool
        var errors: [String]?
    }

    struct Body: Encodable, Sendable {
        var heading: String
        var action: String
        var cancel: String
        var editing: Bool
        var code: String
        var name: String
        var description: String
        var divisions: [SelectOption]
        var hasDueDate: Bool
        var hasOwner: Bool
        var fields: [FieldRow]
        var states: [StateRow]
        var fieldRows: Int
        var stateRows: Int
        var version: String?
        var errors: [String]?
        var general: [String]?
    }

    static let types: [LedgerFieldType] = [
        .text, .integer, .decimal, .money, .date, .bool, .choice, .multiChoice, .division, .unit, .person, .name, .residentID,
    ]

    static func typeOptions(_ selected: String) -> [SelectOption] {
        types.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    // MARK: rendering

    func newForm(req: Request) async throws -> Response {
        let caller = try req.caller
        guard caller.role == .admin else { throw Refusal.forbidden("只有管理员可以定义台账") }
        var form: [String: String] = ["division_code": caller.scope.root.rawValue]
        for (i, state) in LedgerState.defaults.enumerated() {
            form["state_code_\(i)"] = state.code
            form["state_name_\(i)"] = state.name
            if state.final { form["state_final_\(i)"] = "on" }
        }
        form["field_rows"] = "5"
        form["state_rows"] = String(LedgerState.defaults.count + 2)
        return try await render(req, form: form, editing: nil, problems: [])
    }

    func editForm(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        try Self.requireDefiner(ledger, caller: caller)
        var form: [String: String] = [
            "code": definition.code, "name": definition.name, "description": definition.description,
            "division_code": definition.divisionCode.rawValue, "version": String(ledger.version),
        ]
        if definition.hasDueDate { form["has_due_date"] = "on" }
        if definition.hasOwner { form["has_owner"] = "on" }
        for (i, field) in definition.fields.enumerated() {
            form["field_key_\(i)"] = field.key
            form["field_label_\(i)"] = field.label
            form["field_type_\(i)"] = field.type.rawValue
            for (name, on) in [("required", field.required), ("unique", field.unique), ("listed", field.listed), ("archived", field.archived)]
            where on {
                form["field_\(name)_\(i)"] = "on"
            }
            form["field_options_\(i)"] = field.options.joined(separator: String(LedgerField.optionSeparator))
            form["field_scale_\(i)"] = field.scale.map(String.init) ?? ""
            form["field_saved_\(i)"] = "on"
        }
        for (i, state) in definition.states.enumerated() {
            form["state_code_\(i)"] = state.code
            form["state_name_\(i)"] = state.name
            if state.final { form["state_final_\(i)"] = "on" }
        }
        form["field_rows"] = String(definition.fields.count + 2)
        form["state_rows"] = String(definition.states.count + 1)
        return try await render(req, form: form, editing: definition.code, problems: [])
    }

    static func requireDefiner(_ ledger: Ledger, caller: Caller) throws {
        guard let division = DivisionCode(ledger.divisionCode), LedgerService.canDefine(division, caller: caller) else {
            throw Refusal.forbidden("只有台账所属区划(或其上级)的管理员可以修改台账定义")
        }
    }

    func render(
        _ req: Request, form: [String: String], editing: String?, problems: [FieldProblem], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let caller = try req.caller
        let fieldRows = min(200, max(1, Int(form["field_rows"] ?? "") ?? 5))
        let stateRows = min(50, max(1, Int(form["state_rows"] ?? "") ?? 5))
        let rows = Self.rows(form)
        func errors(_ prefix: String) -> [String]? {
            let found = problems.filter { $0.field == prefix || $0.field.hasPrefix(prefix + ".") }.map(\.message)
            return found.isEmpty ? nil : found
        }
        let fields = (0..<fieldRows).map { i -> FieldRow in
            let path = rows.fields.firstIndex(of: i).map { "fields.\($0)" }
            return FieldRow(
                index: i, key: form["field_key_\(i)"] ?? "", label: form["field_label_\(i)"] ?? "",
                types: Self.typeOptions(form["field_type_\(i)"] ?? "text"), required: form["field_required_\(i)"] == "on",
                unique: form["field_unique_\(i)"] == "on", listed: form["field_listed_\(i)"] == "on", archived: form["field_archived_\(i)"] == "on",
                options: form["field_options_\(i)"] ?? "", scale: form["field_scale_\(i)"] ?? "", saved: form["field_saved_\(i)"] == "on",
                errors: path.flatMap(errors))
        }
        let states = (0..<stateRows).map { i -> StateRow in
            let path = rows.states.firstIndex(of: i).map { "states.\($0)" }
            return StateRow(
                index: i, code: form["state_code_\(i)"] ?? "", name: form["state_name_\(i)"] ?? "", final: form["state_final_\(i)"] == "on",
                errors: path.flatMap(errors))
        }
        let labels = [
            "code": "代码", "name": "名称", "description": "说明", "division_code": "所属区划", "fields": "字段", "states": "状态",
        ]
        let general = problems.compactMap { p -> String? in
            let head = String(p.field.split(separator: ".").first ?? "")
            if head == "fields" || head == "states", p.field.split(separator: ".").count > 1 { return nil }
            return "\(labels[head] ?? p.field):\(p.message)"
        }
        let all = problems.map { p -> String in
            let parts = p.field.split(separator: ".")
            if parts.count > 1, let n = Int(parts[1]) {
                if parts[0] == "fields", n < rows.fields.count { return "第\(rows.fields[n] + 1)行字段:\(p.message)" }
                if parts[0] == "states", n < rows.states.count { return "第\(rows.states[n] + 1)行状态:\(p.message)" }
            }
            return "\(labels[String(parts.first ?? "")] ?? p.field):\(p.message)"
        }
        let body = Body(
            heading: editing == nil ? "新建台账" : "修改台账定义", action: editing.map { "/ledgers/\($0)/edit" } ?? "/ledgers/new",
            cancel: editing.map { "/ledgers/\($0)" } ?? "/ledgers", editing: editing != nil, code: form["code"] ?? "", name: form["name"] ?? "",
            description: form["description"] ?? "",
            divisions: try await Division.options(
                in: caller.scope, selected: form["division_code"], levels: [.city, .county, .township], withCode: true, on: req.db),
            hasDueDate: form["has_due_date"] == "on", hasOwner: form["has_owner"] == "on", fields: fields, states: states, fieldRows: fieldRows,
            stateRows: stateRows, version: form["version"], errors: all.isEmpty ? nil : all, general: general.isEmpty ? nil : general)
        return try await req.page(
            "ledgers/design", title: body.heading, active: "/ledgers", status: status,
            error: problems.isEmpty ? nil : "请修改标出的\(problems.count)处问题", body)
    }

    // MARK: reading

    /// The row numbers that hold a field or a state (blank rows are skipped).
    static func rows(_ form: [String: String]) -> (fields: [Int], states: [Int]) {
        let fieldRows = min(200, max(1, Int(form["field_rows"] ?? "") ?? 5))
        let stateRows = min(50, max(1, Int(form["state_rows"] ?? "") ?? 5))
        func filled(_ names: [String]) -> Bool { names.contains { !(form[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty } }
        return (
            (0..<fieldRows).filter { filled(["field_key_\($0)", "field_label_\($0)", "field_options_\($0)"]) },
            (0..<stateRows).filter { filled(["state_code_\($0)", "state_name_\($0)"]) }
        )
    }

    /// The form as the API's definition JSON.
    static func json(_ form: [String: String]) -> LedgerInput {
        let rows = rows(form)
        func text(_ name: String) -> LedgerInput { .string((form[name] ?? "").trimmingCharacters(in: .whitespaces)) }
        func flag(_ name: String) -> LedgerInput { .bool(form[name] == "on") }
        let fields: [LedgerInput] = rows.fields.map { i in
            var members: [String: LedgerInput] = [
                "key": text("field_key_\(i)"), "label": text("field_label_\(i)"), "type": text("field_type_\(i)"),
                "required": flag("field_required_\(i)"), "unique": flag("field_unique_\(i)"), "listed": flag("field_listed_\(i)"),
                "archived": flag("field_archived_\(i)"),
            ]
            let type = form["field_type_\(i)"] ?? ""
            if type == LedgerFieldType.choice.rawValue || type == LedgerFieldType.multiChoice.rawValue {
                let options = (form["field_options_\(i)"] ?? "").split(whereSeparator: { "、,,;;\n".contains($0) })
                    .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                members["options"] = .array(options.map(LedgerInput.string))
            }
            if type == LedgerFieldType.decimal.rawValue {
                let raw = (form["field_scale_\(i)"] ?? "").trimmingCharacters(in: .whitespaces)
                members["scale"] = raw.isEmpty ? .integer(2) : (Int64(raw).map(LedgerInput.integer) ?? .string(raw))
            }
            return .object(members)
        }
        let states: [LedgerInput] = rows.states.map { i in
            .object(["code": text("state_code_\(i)"), "name": text("state_name_\(i)"), "final": flag("state_final_\(i)")])
        }
        var members: [String: LedgerInput] = [
            "code": text("code"), "name": text("name"), "description": .string(form["description"] ?? ""),
            "division_code": text("division_code"), "has_due_date": flag("has_due_date"), "has_owner": flag("has_owner"),
            "fields": .array(fields),
        ]
        if !states.isEmpty { members["states"] = .array(states) }
        return .object(members)
    }

    /// A save, or the refusal's problems by the definition JSON's paths.
    static func problems(of error: any Error) throws -> [FieldProblem] {
        switch error {
        case let failure as ValidationFailure: return failure.problems
        case let refusal as Refusal where refusal.kind == .invalid: return refusal.problems
        case let refusal as Refusal where refusal.kind == .conflict || refusal.kind == .staleVersion:
            return [FieldProblem(field: "definition", message: refusal.message)]
        default: throw error
        }
    }

    /// `more` posts the form back with more empty rows instead of saving.
    static func growing(_ form: inout [String: String]) -> Bool {
        switch form["more"] {
        case "fields": form["field_rows"] = String((Int(form["field_rows"] ?? "") ?? 5) + 3)
        case "states": form["state_rows"] = String((Int(form["state_rows"] ?? "") ?? 5) + 2)
        default: return false
        }
        return true
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        guard caller.role == .admin else { throw Refusal.forbidden("只有管理员可以定义台账") }
        var form = try req.content.decode([String: String].self)
        if Self.growing(&form) { return try await render(req, form: form, editing: nil, problems: []) }
        do {
            let definition = try LedgerDefinition(json: Self.json(form))
            _ = try await LedgerService.create(definition, caller: caller, actor: req.auditActor, on: req.db)
            return req.redirect(to: "/ledgers/\(definition.code)")
        } catch {
            return try await render(req, form: form, editing: nil, problems: try Self.problems(of: error), status: .unprocessableEntity)
        }
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, old) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        try Self.requireDefiner(ledger, caller: caller)
        var form = try req.content.decode([String: String].self)
        form["code"] = old.code
        if Self.growing(&form) { return try await render(req, form: form, editing: old.code, problems: []) }
        do {
            guard form["version"] == String(ledger.version) else { throw Refusal.staleVersion }
            let new = try LedgerDefinition(json: Self.json(form))
            _ = try LedgerDefinitionUpdate(from: old, to: new)
            try await LedgerService.update(ledger, to: new, caller: caller, actor: req.auditActor, on: req.db)
            return req.redirect(to: "/ledgers/\(old.code)")
        } catch {
            return try await render(req, form: form, editing: old.code, problems: try Self.problems(of: error), status: .unprocessableEntity)
        }
    }
}
