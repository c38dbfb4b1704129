import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The item form, generated from the ledger's definition: one input per field in the forms
/// the sheet takes (是/否, 元, option text, 、 between options, a person's name and phone),
/// read by the import's own row rules (`LedgerSheet.draft`, `LedgerImport.plan`), so a form
/// and a sheet row can never disagree; every problem is shown beside its field in Chinese.
struct LedgerFormPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("items", "new", use: newForm)
        routes.post("items", "new", use: create)
        routes.get("items", ":id", "edit", use: editForm)
        routes.post("items", ":id", "edit", use: update)
    }

    struct Input: Encodable, Sendable {
        var name: String
        var label: String
        /// text, number, date, select, checks, person, textarea
        var kind: String
        var value: String
        var phone: String
        var required: Bool
        var hint: String?
        var error: String?
        var choices: [SelectOption]
    }

    struct Body: Encodable, Sendable {
        var heading: String
        var code: String
        var ledgerName: String
        var action: String
        var cancel: String
        var version: String?
        var inputs: [Input]
        var errors: [String]?
    }

    // MARK: the form's names ↔ the sheet's columns

    static func name(_ column: LedgerSheet.Column) -> String {
        switch column {
        case .fixed(.division): "division_code"
        case .fixed(.state): "state"
        case .fixed(.dueDate): "due_date"
        case .fixed(.ownerUnit): "owner_unit"
        case .fixed(.ownerPerson): "owner_person"
        case .field(let key): "v_" + key
        case .phone(let key): "v_" + key + "_phone"
        }
    }

    /// The form as a sheet row, in the columns' order.
    static func row(_ form: [String: String], definition: LedgerDefinition) -> (SheetRow, [LedgerSheet.Column: Int]) {
        let columns = LedgerSheet.columns(for: definition)
        var cells: [SheetCell] = []
        for column in columns {
            var text = form[name(column)] ?? ""
            if case .field(let key) = column, let field = definition.field(key), field.type == .multiChoice {
                text = field.options.enumerated().filter { form["v_\(key)_\($0.offset)"] == "on" }.map(\.element)
                    .joined(separator: String(LedgerField.optionSeparator))
            }
            cells.append(.text(text))
        }
        return (SheetRow(line: 2, cells: cells), Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) }))
    }

    /// The item as the form shows it (resident IDs masked: left as they are, they keep the
    /// stored number).
    static func form(_ content: LedgerItemContent, definition: LedgerDefinition) -> [String: String] {
        let cells = LedgerSheet.exportRow(content, definition: definition)
        var form: [String: String] = [:]
        for (column, text) in zip(LedgerSheet.columns(for: definition), cells) { form[name(column)] = text }
        for field in definition.activeFields where field.type == .multiChoice {
            if case .multiChoice(let chosen) = content.values[field.key] {
                for (i, option) in field.options.enumerated() where chosen.contains(option) { form["v_\(field.key)_\(i)"] = "on" }
            }
        }
        return form
    }

    // MARK: rendering

    static func render(
        _ req: Request, ctx: LedgerContext, form: [String: String], record: LedgerItemRecord?, problems: [String: [String]],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let caller = try req.caller
        let definition = ctx.definition
        func error(_ name: String) -> String? { problems[name].map { $0.joined(separator: ";") } }
        var inputs: [Input] = []
        for column in LedgerSheet.columns(for: definition) {
            let name = name(column)
            let value = form[name] ?? ""
            switch column {
            case .fixed(.division):
                let options = try await Division.options(
                    in: caller.scope, selected: value.isEmpty ? nil : value, levels: Division.scopeLevels(below: caller.scope), withCode: true,
                    on: req.db)
                inputs.append(
                    Input(name: name, label: "区划", kind: "select", value: value, phone: "", required: true, error: error(name), choices: options))
            case .fixed(.state):
                let options = definition.states.map {
                    SelectOption(
                        value: $0.name, label: $0.name, selected: $0.name == (value.isEmpty && record == nil ? definition.initialState.name : value))
                }
                inputs.append(
                    Input(name: name, label: "状态", kind: "select", value: value, phone: "", required: false, error: error(name), choices: options))
            case .fixed(.dueDate):
                inputs.append(
                    Input(name: name, label: "截止日期", kind: "date", value: value, phone: "", required: false, error: error(name), choices: []))
            case .fixed(.ownerUnit):
                inputs.append(
                    Input(name: name, label: "责任单位", kind: "text", value: value, phone: "", required: false, error: error(name), choices: []))
            case .fixed(.ownerPerson):
                inputs.append(
                    Input(name: name, label: "责任人", kind: "text", value: value, phone: "", required: false, error: error(name), choices: []))
            case .phone:
                continue
            case .field(let key):
                guard let field = definition.field(key) else { continue }
                var input = Input(
                    name: name, label: field.label, kind: "text", value: value, phone: "", required: field.required,
                    error: ([error(name), error(name + "_phone")].compactMap { $0 }).joined(separator: ";").nonEmpty, choices: [])
                switch field.type {
                case .text, .unit: break
                case .name: input.hint = "姓名"
                case .integer: input.kind = "number"; input.hint = "整数"
                case .decimal: input.kind = "number"; input.hint = "最多\(field.scale ?? 2)位小数"
                case .money: input.kind = "number"; input.hint = "单位:元,最多2位小数"
                case .date: input.kind = "date"
                case .bool: input.kind = "select"; input.choices = ["是", "否"].map { SelectOption(value: $0, label: $0, selected: $0 == value) }
                case .choice: input.kind = "select"; input.choices = field.options.map { SelectOption(value: $0, label: $0, selected: $0 == value) }
                case .multiChoice:
                    input.kind = "checks"
                    input.choices = field.options.enumerated().map {
                        SelectOption(value: "v_\(key)_\($0.offset)", label: $0.element, selected: form["v_\(key)_\($0.offset)"] == "on")
                    }
                case .division: input.hint = "区划代码,如 141124"
                case .person: input.kind = "person"; input.phone = form[name + "_phone"] ?? ""
                case .residentID: input.hint = record == nil ? "18位身份证号" : "显示为脱敏号码;不改动则保留原号码"
                }
                inputs.append(input)
            }
        }
        let all = problems.sorted { $0.key < $1.key }.flatMap { name, messages in
            let label = inputs.first { $0.name == name || $0.name + "_phone" == name }.map { name.hasSuffix("_phone") ? $0.label + "电话" : $0.label }
            return messages.map { "「\(label ?? name)」\($0)" }
        }
        let base = "/ledgers/\(definition.code)"
        let body = Body(
            heading: record.map { "修改第\($0.seq)号" } ?? "新增条目", code: definition.code, ledgerName: definition.name,
            action: record.map { "\(base)/items/\($0.id!.uuidString)/edit" } ?? "\(base)/items/new",
            cancel: record.map { "\(base)/items/\($0.id!.uuidString)" } ?? base, version: record.map { String($0.version) }, inputs: inputs,
            errors: all.isEmpty ? nil : all)
        return try await req.page(
            "ledgers/item-form", title: "\(definition.name) \(body.heading)", active: "/ledgers", status: status,
            error: problems.isEmpty ? nil : "请修改标出的\(all.count)处问题", body)
    }

    // MARK: routes

    static func load(_ req: Request) async throws -> (Caller, LedgerContext) {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        return (caller, try LedgerContext(ledger, definition))
    }

    func newForm(req: Request) async throws -> Response {
        let (caller, ctx) = try await Self.load(req)
        try caller.require(\.canEditRecords)
        return try await Self.render(req, ctx: ctx, form: [:], record: nil, problems: [:])
    }

    func editForm(req: Request) async throws -> Response {
        let (caller, ctx) = try await Self.load(req)
        try caller.require(\.canEditRecords)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let content = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: LedgerProtection(req.application))
        return try await Self.render(req, ctx: ctx, form: Self.form(content, definition: ctx.definition), record: record, problems: [:])
    }

    /// The form read by the sheet's row rules, planned against the item it edits; problems
    /// by form name.
    static func plan(
        _ form: [String: String], ctx: LedgerContext, existing: (LedgerItemRecord, LedgerItemContent)?, caller: Caller, on db: any Database
    ) async throws -> Result<LedgerImport.Action, FormProblems> {
        let definition = ctx.definition
        let columns = LedgerSheet.columns(for: definition)
        var names: [String: String] = [:]
        for column in columns { names[column.title(in: definition)] = name(column) }
        var problems: [String: [String]] = [:]
        let (row, positions) = row(form, definition: definition)
        let draft: LedgerSheet.Draft
        switch LedgerSheet.draft(row, columns: positions, definition: definition) {
        case .failure(let failure):
            for p in failure.problems { problems[names[p.column] ?? p.column, default: []].append(p.message) }
            return .failure(FormProblems(byName: problems))
        case .success(let d): draft = d
        }
        let action: LedgerImport.Action
        switch LedgerImport.plan(draft, matched: existing.map { (String($0.0.seq), $0.1) }, definition: definition, role: caller.role) {
        case .failure(let failure):
            for p in failure.problems { problems[names[p.column] ?? p.column, default: []].append(p.message) }
            return .failure(FormProblems(byName: problems))
        case .success(let a): action = a
        }
        let content: LedgerItemContent
        switch action {
        case .create(let c, _), .update(_, let c, _): content = c
        case .unchanged: return .success(action)
        }
        var found = LedgerItemService.valueProblems(content, ctx: ctx, scope: caller.scope)
        if existing?.1.divisionCode != content.divisionCode {
            found += try await LedgerItemService.divisionProblems(content, ctx: ctx, scope: caller.scope, on: db)
        }
        for p in found {
            let name = p.field == "division_code" ? "division_code" : "v_" + p.field.replacingOccurrences(of: "values.", with: "")
            problems[name, default: []].append(p.message)
        }
        return problems.isEmpty ? .success(action) : .failure(FormProblems(byName: problems))
    }

    /// Problems by form name.
    struct FormProblems: Error {
        var byName: [String: [String]]
    }

    /// A service's refusal (a unique value taken, a stale version) beside its field.
    static func problems(of refusal: Refusal) -> [String: [String]] {
        var problems: [String: [String]] = [:]
        for p in refusal.problems {
            let name = p.field.hasPrefix("values.") ? "v_" + p.field.dropFirst("values.".count) : p.field
            problems[name, default: []].append(p.message)
        }
        if problems.isEmpty { problems["form", default: []].append(refusal.message) }
        return problems
    }

    func create(req: Request) async throws -> Response {
        let (caller, ctx) = try await Self.load(req)
        try caller.require(\.canEditRecords)
        let form = try req.content.decode([String: String].self)
        switch try await Self.plan(form, ctx: ctx, existing: nil, caller: caller, on: req.db) {
        case .failure(let problems):
            return try await Self.render(req, ctx: ctx, form: form, record: nil, problems: problems.byName, status: .unprocessableEntity)
        case .success(.create(let content, let event)):
            do {
                let record = try await LedgerItemService.create(
                    content, event: event, in: ctx, actor: req.auditActor, protection: LedgerProtection(req.application), on: req.db)
                return req.redirect(to: "/ledgers/\(ctx.definition.code)/items/\(record.id!.uuidString)")
            } catch let refusal as Refusal {
                return try await Self.render(
                    req, ctx: ctx, form: form, record: nil, problems: Self.problems(of: refusal), status: FormErrors(refusal).status)
            }
        case .success:
            return req.redirect(to: "/ledgers/\(ctx.definition.code)")
        }
    }

    func update(req: Request) async throws -> Response {
        let (caller, ctx) = try await Self.load(req)
        try caller.require(\.canEditRecords)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let protection = LedgerProtection(req.application)
        let old = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection)
        let form = try req.content.decode([String: String].self)
        let back = "/ledgers/\(ctx.definition.code)/items/\(record.id!.uuidString)"
        guard form["version"] == String(record.version) else {
            return try await Self.render(
                req, ctx: ctx, form: form, record: record, problems: ["form": [Refusal.staleVersion.message]], status: .conflict)
        }
        switch try await Self.plan(form, ctx: ctx, existing: (record, old), caller: caller, on: req.db) {
        case .failure(let problems):
            return try await Self.render(req, ctx: ctx, form: form, record: record, problems: problems.byName, status: .unprocessableEntity)
        case .success(.update(_, let new, let event)):
            do {
                try await LedgerItemService.update(
                    record, from: old, to: new, event: event, in: ctx, actor: req.auditActor, protection: protection, on: req.db)
            } catch let refusal as Refusal {
                return try await Self.render(
                    req, ctx: ctx, form: form, record: record, problems: Self.problems(of: refusal), status: FormErrors(refusal).status)
            }
            return req.redirect(to: back)
        case .success:
            return req.redirect(to: back)
        }
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
