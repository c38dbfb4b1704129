import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/ledgers`: ledger definitions. The body of POST and PATCH is the definition as
/// GET shows it (PATCH whole, with `If-Match`); every change is a new definition version.
struct LedgersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let ledgers = routes.grouped("ledgers")
        ledgers.get(use: list).openAPI(
            .init(summary: "列出可见的台账", tag: "台账", query: [.page, .per], response: .page(of: .ref("Ledger")), errors: [422]))
        ledgers.post(use: create).openAPI(
            .init(
                summary: "定义台账(管理员;所属区划须在管辖范围内)", tag: "台账", body: .ref("LedgerDefinition"), response: .ref("Ledger"),
                status: 201, errors: [403]))
        ledgers.get(":code", use: show).openAPI(.init(summary: "查看台账定义", tag: "台账", response: .ref("Ledger"), errors: [404]))
        ledgers.patch(":code", use: update).openAPI(
            .init(
                summary: "修改台账定义(整体提交,需 If-Match;已有记录使用的字段、选项、状态不能删除或改类型,冲突时给出记录数)", tag: "台账",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("LedgerDefinition"), response: .ref("Ledger"), errors: [403, 404, 409, 412, 428]))
        ledgers.get(":code", "versions", use: versions).openAPI(
            .init(
                summary: "台账定义的各个版本及其变更", tag: "台账", response: .object([("items", .array(.ref("LedgerVersion")))], required: ["items"]), errors: [404]
            ))
    }

    static let stateSchema = JSONSchema.object(
        [("code", .string(description: "状态代码(小写字母、数字、_、-)")), ("name", .string()), ("final", .boolean)], required: ["code", "name"])
    static let fieldSchema = JSONSchema.object(
        [
            ("key", .string(description: "字段标识,创建后不变")), ("label", .string(description: "字段名称(表格列名)")),
            ("type", .string(values: LedgerFieldType.allCases.map(\.rawValue))), ("required", .boolean), ("unique", .boolean),
            ("options", .array(.string(description: "单选、多选的选项"))), ("scale", .nullable(.integer(description: "小数位数(小数字段)", minimum: 0, maximum: 6))),
            ("archived", .boolean), ("listed", .boolean),
        ], required: ["key", "label", "type"])
    static let definitionMembers: [(String, JSONSchema)] = [
        ("code", .string(description: "台账代码(ASCII,创建后不变)")), ("name", .string()), ("description", .string()),
        ("division_code", .divisionCode), ("states", .array(.ref("LedgerState"))), ("has_due_date", .boolean), ("has_owner", .boolean),
        ("fields", .array(.ref("LedgerField"))),
    ]

    static let schemas: [String: JSONSchema] = [
        "LedgerState": stateSchema,
        "LedgerField": fieldSchema,
        "LedgerDefinition": .object(
            definitionMembers + [("version", .integer(description: "读取时的版本,忽略"))], required: ["code", "name", "division_code", "fields"]),
        "Ledger": .object(
            definitionMembers + [
                ("version", .integer(description: "定义版本号(ETag)")), ("item_count", .integer(description: "管辖范围内的记录数")),
            ],
            required: ["code", "name", "description", "division_code", "states", "has_due_date", "has_owner", "fields", "version", "item_count"]),
        "LedgerVersion": .object(
            [("version", .integer()), ("changes", .array(.string())), ("actor", .string()), ("created_at", .nullable(.dateTime))],
            required: ["version", "changes", "actor", "created_at"]),
    ]

    /// The definition as the API shows it, with its version and how many items the caller sees.
    static func json(_ ledger: Ledger, _ definition: LedgerDefinition, itemCount: Int) -> LedgerInput {
        guard case .object(var members) = definition.json else { return definition.json }
        members["version"] = .integer(Int64(ledger.version))
        members["item_count"] = .integer(Int64(itemCount))
        return .object(members)
    }

    static func respond(
        _ ledger: Ledger, _ definition: LedgerDefinition, scope: DivisionScope, status: HTTPResponseStatus = .ok, on db: any Database
    ) async throws
        -> Response
    {
        let ctx = try LedgerContext(ledger, definition)
        let count = try await LedgerQueries.itemCount(ctx, scope: scope, on: db)
        let response = LedgerJSON.response(json(ledger, definition, itemCount: count), status: status)
        ETag.set(on: response, for: ledger)
        return response
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        let query = LedgerService.visible(caller.scope, on: req.db)
        let total = try await query.count()
        let ledgers = try await query.sort(\.$code).range(paging.offset..<(paging.offset + paging.per)).all()
        var items: [LedgerInput] = []
        for ledger in ledgers {
            let definition = try ledger.definition
            items.append(
                Self.json(
                    ledger, definition,
                    itemCount: try await LedgerQueries.itemCount(try LedgerContext(ledger, definition), scope: caller.scope, on: req.db)))
        }
        return LedgerJSON.response(LedgerQueries.page(items, paging: paging, total: total))
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        guard caller.role == .admin else { throw Refusal.forbidden("只有管理员可以定义台账") }
        let definition = try LedgerDefinition(json: try LedgerJSON.body(req))
        let ledger = try await LedgerService.create(definition, caller: caller, actor: req.auditActor, on: req.db)
        return try await Self.respond(ledger, definition, scope: caller.scope, status: .created, on: req.db)
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        return try await Self.respond(ledger, definition, scope: caller.scope, on: req.db)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, old) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        guard let division = DivisionCode(ledger.divisionCode), LedgerService.canDefine(division, caller: caller) else {
            throw Refusal.forbidden("只有台账所属区划(或其上级)的管理员可以修改台账定义")
        }
        let new = try LedgerDefinition(json: try LedgerJSON.body(req))
        _ = try LedgerDefinitionUpdate(from: old, to: new)
        try req.requireIfMatch(ledger)
        try await LedgerService.update(ledger, to: new, caller: caller, actor: req.auditActor, on: req.db)
        return try await Self.respond(ledger, try ledger.definition, scope: caller.scope, on: req.db)
    }

    func versions(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, _) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        let items: [LedgerInput] = try await LedgerService.versions(of: ledger, on: req.db).map { v in
            .object([
                "version": .integer(Int64(v.version)),
                "changes": .array(v.changes.split(separator: "\n").map { .string(String($0)) }),
                "actor": .string(v.actor),
                "created_at": .optional(v.createdAt.map(StoredInstant.string)),
            ])
        }
        return LedgerJSON.response(.object(["items": .array(items)]))
    }
}
