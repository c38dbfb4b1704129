import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The ledger pages: the list of ledgers, a ledger's items (the API's filters in the query
/// string, its aggregate per county as a chart), the item page with its history, the import
/// upload and the downloads. Forms are in `LedgerFormPages` and `LedgerDesignPages`.
struct LedgerPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let ledgers = routes.grouped("ledgers")
        ledgers.get(use: index)
        try LedgerDesignPages().boot(routes: ledgers)
        let ledger = ledgers.grouped(":code")
        ledger.get(use: items)
        // The address aggregates and indicators link to (`LedgerQueries.itemsLink`).
        ledger.get("items", use: items)
        ledger.upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
        ledger.get("export", use: download)
        ledger.post("export", use: downloadFull)
        ledger.get("template", use: template)
        try LedgerFormPages().boot(routes: ledger)
        ledger.get("items", ":id", use: item)
        ledger.post("items", ":id", "state", use: changeState)
        ledger.post("items", ":id", "reveal", use: reveal)
    }

    // MARK: the list of ledgers

    struct IndexRow: Encodable, Sendable {
        var code: String
        var name: String
        var description: String
        var division: String
        var count: Int
    }

    struct IndexBody: Encodable, Sendable {
        var rows: [IndexRow]
        var canDefine: Bool
    }

    func index(req: Request) async throws -> Response {
        let caller = try req.caller
        let ledgers = try await LedgerService.visible(caller.scope, on: req.db).sort(\.$code).limit(500).all()
        let names = try await Self.divisionNames(ledgers.map(\.divisionCode), on: req.db)
        var rows: [IndexRow] = []
        for ledger in ledgers {
            let definition = try ledger.definition
            let count = try await LedgerQueries.itemCount(try LedgerContext(ledger, definition), scope: caller.scope, on: req.db)
            rows.append(
                IndexRow(
                    code: ledger.code, name: definition.name, description: definition.description,
                    division: names[ledger.divisionCode] ?? ledger.divisionCode, count: count))
        }
        return try await req.page("ledgers/index", title: "台账", active: "/ledgers", IndexBody(rows: rows, canDefine: caller.role == .admin))
    }

    static func divisionNames(_ codes: [String], on db: any Database) async throws -> [String: String] {
        let unique = Array(Set(codes))
        guard !unique.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for start in stride(from: 0, to: unique.count, by: 500) {
            for d in try await Division.query(on: db).filter(\.$id ~~ Array(unique[start..<min(start + 500, unique.count)])).all() {
                names[d.id ?? ""] = d.name
            }
        }
        return names
    }

    // MARK: a ledger's items

    struct Column: Encodable, Sendable { var label: String }
    struct Cell: Encodable, Sendable { var text: String }
    struct Row: Encodable, Sendable {
        var id: String
        var number: Int64
        var division: String
        var cells: [Cell]
        var state: String
        var due: String
        var overdue: Bool
    }

    struct ChoiceFilter: Encodable, Sendable {
        var name: String
        var label: String
        var options: [SelectOption]
    }

    struct ItemsBody: Encodable, Sendable {
        var code: String
        var name: String
        var description: String
        var columns: [Column]
        var rows: [Row]
        var total: Int
        var page: Int
        var pages: Int
        var previous: String?
        var next: String?
        var states: [SelectOption]
        var divisions: [SelectOption]
        var choices: [ChoiceFilter]
        var q: String
        var overdue: Bool
        var dueFrom: String
        var dueTo: String
        var hasDueDate: Bool
        var canEdit: Bool
        var canDefine: Bool
        var chart: String?
        var figures: [Figure]
        var exportCSV: String
        var exportXLSX: String
        var personalExport: PersonalExport.FormBody?
    }

    struct Figure: Encodable, Sendable {
        var label: String
        var value: String
        var href: String
    }

    /// Names of the page's own query parameters that are not the API's filters.
    static let pageParameters: Set<String> = ["page", "per", "overdue"]

    func items(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        let ctx = try LedgerContext(ledger, definition)
        var parameters = LedgerItemsAPI.parameters(req).filter { !$0.value.isEmpty }
        let today = LedgerItemService.chinaDay(Date())
        let overdue = parameters["overdue"] == "on"
        if overdue { parameters["overdue_on"] = today.description }
        let paging = try PageRequest(from: req)
        let query: LedgerItemQuery
        var error: String?
        do {
            query = try LedgerQueries.itemQuery(parameters.filter { !Self.pageParameters.contains($0.key) }, definition: definition)
        } catch let failure as ValidationFailure {
            error = "筛选条件有误:" + failure.problems.map(\.message).joined(separator: ";")
            query = LedgerItemQuery()
        } catch let refusal as Refusal {
            error = "筛选条件有误:" + (refusal.problems.map(\.message).joined(separator: ";"))
            query = LedgerItemQuery()
        }
        let protection = LedgerProtection(req.application)
        let result = try await LedgerItemSearch.run(query, ctx: ctx, scope: caller.scope, paging: paging, keys: nil, on: req.db.sql)
        let names = try await Self.divisionNames(result.items.map(\.divisionCode), on: req.db)
        let listed = definition.listedFields
        var rows: [Row] = []
        for record in result.items {
            let content = try LedgerItemCodec.decode(record, definition: definition, protection: protection)
            rows.append(
                Row(
                    id: record.id?.uuidString ?? "", number: record.seq, division: names[record.divisionCode] ?? record.divisionCode,
                    cells: listed.map { Cell(text: content.values[$0.key]?.displayText ?? "") },
                    state: definition.state(content.stateCode)?.name ?? content.stateCode, due: content.dueDate?.description ?? "",
                    overdue: content.isOverdue(on: today, in: definition)))
        }
        let pages = max(1, (result.total + paging.per - 1) / paging.per)
        func link(page: Int) -> String {
            var pairs = parameters.filter { $0.key != "page" && $0.key != "overdue_on" }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            pairs.append(("page", String(page)))
            return "/ledgers/\(ledger.code)" + QueryString.encode(pairs)
        }
        let exportPairs = parameters.filter { !Self.pageParameters.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let choices = definition.activeFields.filter { $0.type == .choice || $0.type == .multiChoice || $0.type == .bool }.map { field in
            let options = field.type == .bool ? [("true", "是"), ("false", "否")] : field.options.map { ($0, $0) }
            return ChoiceFilter(
                name: "f.\(field.key)", label: field.label,
                options: options.map { SelectOption(value: $0.0, label: $0.1, selected: parameters["f.\(field.key)"] == $0.0) })
        }
        // The aggregate per county (or per division below the caller's county), every bar a link.
        let aggregate = try await LedgerQueries.aggregate(code: ledger.code, scope: caller.scope, groupBy: "division", on: req.db)
        let groupNames = try await Self.divisionNames(aggregate.rows.compactMap(\.group), on: req.db)
        var figures: [Figure] = []
        var bars: [BarChart.Bar] = []
        for row in aggregate.rows {
            guard let group = row.group, case .count(let n) = row.value else { continue }
            let href = aggregate.groupLinks[group] ?? aggregate.link
            let label = groupNames[group] ?? group
            figures.append(Figure(label: label, value: String(n), href: href))
            bars.append(BarChart.Bar(label: label, value: Int64(n), valueText: "\(n) 条", href: href))
        }
        let body = ItemsBody(
            code: ledger.code, name: definition.name, description: definition.description, columns: listed.map { Column(label: $0.label) },
            rows: rows, total: result.total, page: paging.page, pages: pages,
            previous: paging.page > 1 ? link(page: paging.page - 1) : nil, next: paging.page < pages ? link(page: paging.page + 1) : nil,
            states: definition.states.map { SelectOption(value: $0.code, label: $0.name, selected: parameters["state"] == $0.code) },
            divisions: try await Division.options(
                in: caller.scope, selected: parameters["division"], levels: [.city, .county, .township], on: req.db),
            choices: choices, q: parameters["q"] ?? "", overdue: overdue, dueFrom: parameters["due_from"] ?? "",
            dueTo: parameters["due_to"] ?? "", hasDueDate: definition.hasDueDate,
            canEdit: caller.role.canEditRecords,
            canDefine: DivisionCode(ledger.divisionCode).map { LedgerService.canDefine($0, caller: caller) } ?? false,
            chart: bars.isEmpty ? nil : BarChart(title: "各区划条目数", bars: bars).svg(), figures: figures,
            exportCSV: "/ledgers/\(ledger.code)/export" + QueryString.encode(exportPairs + [("format", "csv")]),
            exportXLSX: "/ledgers/\(ledger.code)/export" + QueryString.encode(exportPairs + [("format", "xlsx")]),
            personalExport: Self.personalExportForm(
                definition, action: "/ledgers/\(ledger.code)/export" + QueryString.encode(exportPairs + [("format", "csv")]), caller: caller))
        return try await req.page("ledgers/items", title: definition.name, active: "/ledgers", error: error, body)
    }

    // MARK: one item

    struct ValueRow: Encodable, Sendable {
        var label: String
        var text: String
    }

    struct EventRow: Encodable, Sendable {
        var when: String
        var actor: String
        var from: String
        var to: String
        var note: String
        var reopened: Bool
    }

    struct ItemBody: Encodable, Sendable {
        var code: String
        var ledgerName: String
        var id: String
        var number: Int64
        var values: [ValueRow]
        var events: [EventRow]
        var states: [SelectOption]
        var canEdit: Bool
        var version: Int
        /// The resident-ID fields holding a value, when the caller may reveal them.
        var revealFields: [SelectOption]
        var reasonError: String?
    }

    func item(req: Request) async throws -> Response {
        try await Self.itemPage(req, error: nil)
    }

    /// `revealed`: a resident ID just revealed (audited by the caller), shown in its row in
    /// place of the masked one; the page is never cached (the platform's `no-store`).
    static func itemPage(
        _ req: Request, error: String?, status: HTTPResponseStatus = .ok, revealed: (field: String, id: String)? = nil,
        reasonError: String? = nil
    ) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        let ctx = try LedgerContext(ledger, definition)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let content = try LedgerItemCodec.decode(record, definition: definition, protection: LedgerProtection(req.application))
        let names = try await divisionNames([content.divisionCode.rawValue], on: req.db)
        var values = [ValueRow(label: "区划", text: "\(names[content.divisionCode.rawValue] ?? "")(\(content.divisionCode.rawValue))")]
        for field in definition.activeFields {
            let shown = revealed?.field == field.key ? revealed.map { "\($0.id)(完整号码,已记入审计)" } : nil
            values.append(ValueRow(label: field.label, text: shown ?? content.values[field.key]?.displayText ?? ""))
        }
        let revealFields =
            caller.role.canSupervise
            ? definition.activeFields.filter { field in
                guard field.type == .residentID, case .residentID = content.values[field.key] else { return false }
                return true
            }.map { SelectOption(value: $0.key, label: $0.label, selected: $0.key == revealed?.field) } : []
        values.append(ValueRow(label: "状态", text: definition.state(content.stateCode)?.name ?? content.stateCode))
        if definition.hasDueDate { values.append(ValueRow(label: "截止日期", text: content.dueDate?.description ?? "")) }
        if definition.hasOwner {
            values.append(ValueRow(label: "责任单位", text: content.ownerUnit ?? ""))
            values.append(ValueRow(label: "责任人", text: content.ownerPerson ?? ""))
        }
        values.append(ValueRow(label: "创建", text: "\(record.createdBy) \(StoredInstant.string(record.createdAt))"))
        values.append(ValueRow(label: "最后修改", text: "\(record.updatedBy) \(StoredInstant.string(record.updatedAt))(第\(record.version)版)"))
        let events = try await LedgerItemEvent.query(on: req.db).filter(\.$ledgerID == ctx.id).filter(\.$itemSeq == record.seq)
            .sort(\.$ordinal).all()
        func stateName(_ code: String?) -> String { code.map { definition.state($0)?.name ?? $0 } ?? "" }
        let body = ItemBody(
            code: ledger.code, ledgerName: definition.name, id: record.id?.uuidString ?? "", number: record.seq, values: values,
            events: events.map {
                EventRow(
                    when: StoredInstant.string($0.occurredAt), actor: $0.actor, from: stateName($0.fromState), to: stateName($0.toState),
                    note: $0.note, reopened: $0.reopened)
            },
            states: definition.states.filter { $0.code != content.stateCode }.map { SelectOption(value: $0.code, label: $0.name, selected: false) },
            canEdit: caller.role.canEditRecords, version: record.version, revealFields: revealFields, reasonError: reasonError)
        return try await req.page(
            "ledgers/item", title: "\(definition.name) 第\(record.seq)号", active: "/ledgers", status: status, error: error, body)
    }

    struct StateForm: Content {
        var state: String?
        var note: String?
    }

    func changeState(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        let ctx = try LedgerContext(ledger, definition)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let form = try req.content.decode(StateForm.self)
        let protection = LedgerProtection(req.application)
        do {
            let note = try TextPolicy.singleLine(form.note ?? "")
            let old = try LedgerItemCodec.decode(record, definition: definition, protection: protection)
            let event = try LedgerStateTransition.check(
                definition: definition, from: old.stateCode, to: form.state ?? "", role: caller.role, note: note)
            try await LedgerItemService.changeState(
                record, from: old, event: event, in: ctx, actor: req.auditActor, protection: protection, on: req.db)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            let message = ([errors.message ?? ""] + errors.fields.map(\.message)).filter { !$0.isEmpty }.joined(separator: ";")
            return try await Self.itemPage(req, error: message, status: errors.status)
        } catch {
            return try await Self.itemPage(req, error: "备注:\(error.localizedDescription)", status: .unprocessableEntity)
        }
        return req.redirect(to: "/ledgers/\(ledger.code)/items/\(record.id!.uuidString)")
    }

    // MARK: sheets

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        let back = "/ledgers/\(ledger.code)"
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                LedgerSheetImport.Report.chooseAFile, title: "导入\(definition.name)", active: "/ledgers", filename: "", back: back,
                backLabel: "返回\(definition.name)")
        }
        let report = try await LedgerSheetImport.run(
            data: data, ctx: try LedgerContext(ledger, definition), options: .init(dryRun: form.dryRun), caller: caller, actor: req.auditActor,
            protection: LedgerProtection(req.application), on: req.db)
        return try await req.importReport(
            report, title: "导入\(definition.name)", active: "/ledgers", filename: filename, back: back, backLabel: "返回\(definition.name)")
    }

    // Unoptimised for the same Swift 6.3.1 -O crash as `LedgerTransferAPI.exportFile`.
    @_optimize(none)
    func download(req: Request) async throws -> Response {
        try await download(req: req, full: false)
    }

    /// The full export: the reason comes in the form (never in the URL).
    func downloadFull(req: Request) async throws -> Response {
        try await download(req: req, full: true)
    }

    @_optimize(none)
    func download(req: Request, full: Bool) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        var mode = PersonalExport.Mode.masked
        if full { mode = try LedgerSheetExport.personal(definition).fullMode(for: caller) { try PersonalExport.reason(ofForm: req) } }
        var parameters = LedgerItemsAPI.parameters(req).filter { !$0.value.isEmpty }
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        for name in ["format", "encoding", "page", "per"] { parameters[name] = nil }
        if parameters.removeValue(forKey: "overdue") == "on" { parameters["overdue_on"] = LedgerItemService.chinaDay(Date()).description }
        let query = try LedgerQueries.itemQuery(parameters, definition: definition)
        return try await LedgerSheetExport.download(
            try LedgerContext(ledger, definition), query: query, caller: caller, mode: mode, format: format, encoding: encoding, req: req)
    }

    static func personalExportForm(_ definition: LedgerDefinition, action: String, caller: Caller) -> PersonalExport.FormBody? {
        let export = LedgerSheetExport.personal(definition)
        return export.sheet.isEmpty ? nil : export.form(action: action, for: caller)
    }

    func template(req: Request) async throws -> Response {
        let caller = try req.caller
        let (_, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        return try LedgerSheetExport.templateResponse(definition)
    }
}
