import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/ledgers/{code}/items`: a ledger's items, their state changes, and the
/// aggregates indicators and briefings read.
struct LedgerItemsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let ledger = routes.grouped("ledgers", ":code")
        let items = ledger.grouped("items")
        items.get(use: list).openAPI(
            .init(
                summary: "列出台账记录(另可按字段筛选:f.<字段标识>=<值>,值的写法同 API:true/false、选项文本、区划代码、YYYY-MM-DD、金额为分;姓名、电话、身份证号请用 POST …/items/lookup)",
                tag: "台账",
                query: [
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "state", description: "状态代码"),
                    .init(name: "overdue_on", description: "在此日期已逾期(截止日期早于此日且未完成)", schema: .date),
                    .init(name: "due_from", description: "截止日期不早于此日", schema: .date),
                    .init(name: "due_to", description: "截止日期不晚于此日", schema: .date),
                    .init(name: "q", description: "文本、选项、单位、区划中包含"), .page, .per,
                ],
                response: .page(of: .ref("LedgerItem")), errors: [404, 422]))
        items.post(use: create).openAPI(
            .init(summary: "新增台账记录", tag: "台账", body: .ref("NewLedgerItem"), response: .ref("LedgerItem"), status: 201, errors: [403, 404, 409]))
        items.post("lookup", use: lookup).openAPI(
            .init(
                summary: "按某字段的值查找记录(姓名、电话、身份证号不放在网址中)", tag: "台账", body: .ref("LedgerLookup"),
                response: .object([("items", .array(.ref("LedgerItem")))], required: ["items"]), errors: [404]))
        items.get(":id", use: show).openAPI(.init(summary: "查看台账记录", tag: "台账", response: .ref("LedgerItem"), errors: [404]))
        items.patch(":id", use: update).openAPI(
            .init(
                summary: "修改台账记录(整体提交,省略 values 则保留原值;需 If-Match)", tag: "台账",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("NewLedgerItem"), response: .ref("LedgerItem"), errors: [403, 404, 409, 412, 428]))
        items.post(":id", "state", use: changeState).openAPI(
            .init(
                summary: "变更记录状态(重新打开已完成的记录须督办人或管理员并说明原因)", tag: "台账", body: .ref("LedgerStateChange"),
                response: .ref("LedgerItem"), errors: [403, 404, 409, 412]))
        items.post(":id", "reveal", use: reveal).openAPI(
            .init(
                summary: "查看完整身份证号(管理员、督办人;须说明原因,记入审计)", tag: "台账", body: .ref("LedgerReveal"),
                response: .object([("resident_id", .string())], required: ["resident_id"]), errors: [403, 404]))
        ledger.get("aggregate", use: aggregate).openAPI(
            .init(
                summary: "台账汇总(另可按字段筛选:filter.<字段标识>=<值>)", tag: "台账",
                query: [
                    .init(name: "measure", description: "count、count_distinct:<字段标识> 或 sum:<字段标识>"),
                    .init(name: "group_by", description: "division、state 或单选字段的标识"), .init(name: "state", description: "状态代码"),
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "as_of", description: "按该日结束时的状态统计", schema: .date),
                ],
                response: .ref("LedgerAggregate"), errors: [404, 409, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "LedgerItem": .object(
            [
                ("id", .uuid), ("number", .integer(description: "记录编号")), ("ledger", .string()), ("division_code", .divisionCode),
                ("state", .string()), ("state_name", .string()),
                ("values", .map(.any(), description: "按字段标识:文本、整数、小数(字符串)、金额(分)、YYYY-MM-DD、true/false、选项、选项数组、区划代码、单位、{name, phone}、身份证号(脱敏)")),
                ("due_date", .nullable(.date)), ("owner_unit", .nullable(.string())), ("owner_person", .nullable(.string())),
                ("overdue", .boolean), ("version", .integer()), ("created_at", .dateTime), ("created_by", .string()),
                ("updated_at", .dateTime), ("updated_by", .string()),
            ],
            required: [
                "id", "number", "ledger", "division_code", "state", "state_name", "values", "due_date", "owner_unit", "owner_person", "overdue",
                "version", "created_at", "created_by", "updated_at", "updated_by",
            ]),
        "NewLedgerItem": .object(
            [
                ("division_code", .divisionCode), ("values", .map(.any(), description: "按字段标识")), ("state", .string()),
                ("due_date", .nullable(.date)), ("owner_unit", .nullable(.string())), ("owner_person", .nullable(.string())),
            ], required: ["division_code"]),
        "LedgerStateChange": .object([("state", .string()), ("note", .string())], required: ["state"]),
        "LedgerReveal": .object([("field", .string(description: "身份证号字段的标识")), ("reason", .string())], required: ["field", "reason"]),
        "LedgerLookup": .object([("field", .string()), ("value", .string())], required: ["field", "value"]),
        "LedgerAggregate": .object(
            [
                (
                    "rows",
                    .array(
                        .object(
                            [("group", .nullable(.string(description: "区划代码、状态代码或选项;不分组时为 null"))), ("value", .any(description: "整数,或小数的字符串"))],
                            required: ["group", "value"]))
                )
            ], required: ["rows"]),
    ]

    // MARK: shared

    struct Loaded {
        let caller: Caller
        let ctx: LedgerContext
    }

    func load(_ req: Request) async throws -> Loaded {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        return Loaded(caller: caller, ctx: try LedgerContext(ledger, definition))
    }

    static func respond(_ record: LedgerItemRecord, _ content: LedgerItemContent, ctx: LedgerContext, status: HTTPResponseStatus = .ok) -> Response {
        let response = LedgerJSON.response(LedgerQueries.itemJSON(record, content, ctx: ctx), status: status)
        ETag.set(on: response, for: record)
        return response
    }

    /// The query string as names and values (the last of repeated names).
    static func parameters(_ req: Request) -> [String: String] {
        (try? req.query.decode([String: String].self)) ?? [:]
    }

    // MARK: routes

    func list(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let (caller, ctx) = (loaded.caller, loaded.ctx)
        let paging = try PageRequest(from: req)
        let query = try LedgerQueries.itemQuery(Self.parameters(req), definition: ctx.definition)
        let protection = LedgerProtection(req.application)
        let result = try await LedgerItemSearch.run(query, ctx: ctx, scope: caller.scope, paging: paging, keys: nil, on: req.db.sql)
        var items: [LedgerInput] = []
        for record in result.items {
            items.append(
                LedgerQueries.itemJSON(record, try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection), ctx: ctx))
        }
        return LedgerJSON.response(LedgerQueries.page(items, paging: paging, total: result.total))
    }

    func create(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let (caller, ctx) = (loaded.caller, loaded.ctx)
        try caller.require(\.canEditRecords)
        let content = try LedgerItemContent(json: try LedgerJSON.body(req), definition: ctx.definition)
        let problems =
            try await LedgerItemService.divisionProblems(content, ctx: ctx, scope: caller.scope, on: req.db)
            + LedgerItemService.valueProblems(content, ctx: ctx, scope: caller.scope)
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        let event = try LedgerStateTransition.created(definition: ctx.definition, in: content.stateCode, role: caller.role)
        let record = try await LedgerItemService.create(
            content, event: event, in: ctx, actor: req.auditActor, protection: LedgerProtection(req.application), on: req.db)
        return Self.respond(record, content, ctx: ctx, status: .created)
    }

    func show(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: loaded.ctx, scope: loaded.caller.scope, on: req.db)
        let content = try LedgerItemCodec.decode(record, definition: loaded.ctx.definition, protection: LedgerProtection(req.application))
        return Self.respond(record, content, ctx: loaded.ctx)
    }

    func update(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let (caller, ctx) = (loaded.caller, loaded.ctx)
        try caller.require(\.canEditRecords)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let protection = LedgerProtection(req.application)
        let old = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection)
        let new = try LedgerItemContent(json: try LedgerJSON.body(req), definition: ctx.definition, existing: old)
        var problems = LedgerItemService.valueProblems(new, ctx: ctx, scope: caller.scope)
        if new.divisionCode != old.divisionCode {
            problems += try await LedgerItemService.divisionProblems(new, ctx: ctx, scope: caller.scope, on: req.db)
        }
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        let event =
            new.stateCode == old.stateCode
            ? nil : try LedgerStateTransition.check(definition: ctx.definition, from: old.stateCode, to: new.stateCode, role: caller.role)
        try req.requireIfMatch(record)
        try await LedgerItemService.update(
            record, from: old, to: new, event: event, in: ctx, actor: req.auditActor, protection: protection, on: req.db)
        return Self.respond(record, new, ctx: ctx)
    }

    func changeState(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let (caller, ctx) = (loaded.caller, loaded.ctx)
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let body = try LedgerQueries.members(try LedgerJSON.body(req), allowed: ["state", "note"])
        var problems = ProblemList()
        let target = body["state"]?.stringValue
        if target == nil { problems.add("state", body["state"] == nil ? "此项为必填" : "应为文本") }
        let note = body["note"].map { $0.stringValue } ?? ""
        if note == nil { problems.add("note", "应为文本") }
        try problems.throwIfAny()
        let protection = LedgerProtection(req.application)
        let old = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection)
        let event = try LedgerStateTransition.check(definition: ctx.definition, from: old.stateCode, to: target!, role: caller.role, note: note!)
        if req.headers.first(name: .ifMatch) != nil { try req.requireIfMatch(record) }
        try await LedgerItemService.changeState(record, from: old, event: event, in: ctx, actor: req.auditActor, protection: protection, on: req.db)
        var new = old
        new.stateCode = event.to
        return Self.respond(record, new, ctx: ctx)
    }

    func reveal(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let (caller, ctx) = (loaded.caller, loaded.ctx)
        guard caller.role.canSupervise else { throw Refusal.forbidden("只有管理员和督办人可以查看完整身份证号") }
        let record = try await LedgerItemService.find(req.parameters.get("id"), in: ctx, scope: caller.scope, on: req.db)
        let body = try LedgerQueries.members(try LedgerJSON.body(req), allowed: ["field", "reason"])
        var problems = ProblemList()
        let key = body["field"]?.stringValue
        let field = key.flatMap { ctx.definition.field($0) }
        if field?.type != .residentID { problems.add("field", "应为身份证号字段的标识") }
        let reason = LedgerQueries.reason(body["reason"], problems: &problems)
        try problems.throwIfAny()
        let content = try LedgerItemCodec.decode(record, definition: ctx.definition, protection: LedgerProtection(req.application))
        guard
            let id = try await LedgerItemService.reveal(
                record, field: field!, reason: reason!, content: content, caller: caller, actor: req.auditActor, on: req.db)
        else { throw Refusal.notFound }
        return LedgerJSON.response(.object(["resident_id": .string(id)]))
    }

    func lookup(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let (caller, ctx) = (loaded.caller, loaded.ctx)
        let body = try LedgerQueries.members(try LedgerJSON.body(req), allowed: ["field", "value"])
        var problems = ProblemList()
        let key = body["field"]?.stringValue ?? ""
        let value = body["value"]?.stringValue
        if value == nil { problems.add("value", "此项为必填") }
        var filter: LedgerFieldFilter?
        if let value {
            do { filter = try LedgerFieldFilter(key: key, value: value, definition: ctx.definition) } catch {
                for p in error.problems { problems.add(ctx.definition.field(key) == nil ? "field" : "value", p.message) }
            }
        }
        try problems.throwIfAny()
        let protection = LedgerProtection(req.application)
        let keys = ctx.hasResidentIDs ? try protection.ring() : nil
        let result = try await LedgerItemSearch.run(
            LedgerItemQuery(filters: [filter!]), ctx: ctx, scope: caller.scope, paging: PageRequest(page: 1, per: 50), keys: keys, on: req.db.sql)
        var items: [LedgerInput] = []
        for record in result.items {
            items.append(
                LedgerQueries.itemJSON(record, try LedgerItemCodec.decode(record, definition: ctx.definition, protection: protection), ctx: ctx))
        }
        return LedgerJSON.response(.object(["items": .array(items)]))
    }

    func aggregate(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let query = try LedgerQueries.aggregateQuery(Self.parameters(req), definition: loaded.ctx.definition)
        let rows = try await LedgerAggregateSQL.run(query, ctx: loaded.ctx, scope: loaded.caller.scope, keys: nil, on: req.db.sql)
        return LedgerJSON.response(LedgerAggregateQuery.json(rows))
    }
}
