import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/cases`: registration, the list, a case with its history, edits before
/// acceptance, workflow actions, subtasks, supervision and the audited reveal.
struct CasesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get(use: list).openAPI(
            .init(
                summary: "列出诉求", tag: "诉求",
                query: [
                    .init(name: "source", description: "来源", schema: .string(values: CaseSource.allCases.map(\.rawValue))),
                    .init(name: "state", description: "状态", schema: .string(values: CaseState.allCases.map(\.rawValue))),
                    .init(name: "kind", description: "类别(中文)"), .init(name: "division", description: "区划代码(含下级)"),
                    .init(name: "unit", description: "承办单位", schema: .uuid),
                    .init(name: "owner_leader", description: "包案领导编号,或 any(所有领导包案件)"),
                    .init(name: "backlog", description: "积案", schema: .boolean), .init(name: "flagged", description: "挂牌督办", schema: .boolean),
                    .init(name: "overdue_on", description: "在该日已逾期(所等待步骤的期限早于该日)", schema: .date),
                    .init(name: "due_within", description: "今天起若干个工作日内到期", schema: .integer(minimum: 0, maximum: 250)),
                    .init(name: "q", description: "标题或编号包含"),
                    .init(name: "from", description: "登记日期起(backlog=true 时按原始登记日期)", schema: .date),
                    .init(name: "to", description: "登记日期止(含)", schema: .date),
                    .init(
                        name: "measure", description: "统计数字背后的诉求(与 /cases/stats 同一条件)",
                        schema: .string(values: CaseStats.Measure.allCases.map(\.rawValue))),
                    .init(name: "handed_down_by", description: "交办机关(积案)"), .page, .per,
                ],
                response: .page(of: .ref("CaseListItem")), errors: [422]))
        cases.post(use: create).openAPI(
            .init(summary: "登记诉求", tag: "诉求", body: .ref("NewCase"), response: .ref("Case"), status: 201, errors: [403, 409]))
        cases.get("stats", use: stats).openAPI(
            .init(
                summary: "诉求统计:登记、办结、化解、按期、逾期未办、满意、回访(由诉求记录实时计算)", tag: "诉求",
                query: [
                    .init(name: "from", description: "登记日期起(积案按原始登记日期)", schema: .date),
                    .init(name: "to", description: "登记日期止(含)", schema: .date),
                    .init(name: "source", description: "来源", schema: .string(values: CaseSource.allCases.map(\.rawValue))),
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "backlog", description: "积案", schema: .boolean),
                    .init(name: "owner_leader", description: "包案领导编号,或 any"),
                    .init(name: "handed_down_by", description: "交办机关(积案)"),
                    .init(name: "group_by", description: "分组", schema: .string(values: CaseStats.Grouping.allCases.map(\.rawValue))),
                ],
                response: .ref("CaseStats"), errors: [422]))
        let exportQuery: [APIOperation.Parameter] = [
            .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
            .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
            .init(name: "source", description: "来源", schema: .string(values: CaseSource.allCases.map(\.rawValue))),
            .init(name: "state", description: "状态", schema: .string(values: CaseState.allCases.map(\.rawValue))),
            .init(name: "division", description: "区划代码(含下级)"), .init(name: "backlog", description: "积案", schema: .boolean),
        ]
        cases.get("export", use: exportMasked).openAPI(
            .init(
                summary: "导出诉求清单(积案清单的列;诉求人姓名和联系电话脱敏;首行注明含个人信息)", tag: "诉求", query: exportQuery,
                response: .string(format: "binary"), errors: [403, 422], responseMediaTypes: APIOperation.sheetMediaTypes))
        cases.post("export", use: exportFull).openAPI(
            .init(
                summary: "完整导出诉求清单(诉求人姓名和联系电话不脱敏;仅管理员和督办人,须写明原因,记入审计)", tag: "诉求", query: exportQuery,
                body: PersonalExport.requestSchema, response: .string(format: "binary"), errors: [403, 422],
                responseMediaTypes: APIOperation.sheetMediaTypes))
        cases.get(":id", use: show).openAPI(.init(summary: "查看诉求(含办理过程、分解任务和期限)", tag: "诉求", response: .ref("Case"), errors: [404]))
        cases.patch(":id", use: update).openAPI(
            .init(
                summary: "修改诉求信息(仅已登记、已交办、已退回状态;需 If-Match)", tag: "诉求",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("CaseChange"), response: .ref("Case"), errors: [403, 404, 409, 412, 428]))
        cases.post(":id", "actions", use: act).openAPI(
            .init(
                summary: "办理步骤:交办、受理、退回、开始办理、延期、答复、办结、回访、重新办理、复查、复核", tag: "诉求",
                body: .ref("CaseAction"), response: .ref("Case"), errors: [404, 409]))
        cases.post(":id", "subtasks", use: addSubtask).openAPI(
            .init(summary: "分解任务", tag: "诉求", body: .ref("NewSubtask"), response: .ref("CaseSubtask"), status: 201, errors: [404, 409]))
        cases.patch(":id", "subtasks", ":sid", use: updateSubtask).openAPI(
            .init(summary: "完成分解任务(填写办理情况)", tag: "诉求", body: .ref("SubtaskChange"), response: .ref("CaseSubtask"), errors: [404, 409]))
        cases.post(":id", "supervision", use: supervise).openAPI(
            .init(summary: "督办:催办或挂牌督办", tag: "诉求", body: .ref("Supervision"), response: .ref("Case"), errors: [404, 409]))
        cases.post(":id", "requester", "reveal", use: revealRequester).openAPI(
            .init(
                summary: "查看诉求人完整联系电话和身份证号(管理员、督办人、承办单位人员;须填写理由,记入审计)", tag: "诉求",
                body: .ref("RevealRequest"), response: .ref("RevealedRequester"), errors: [403, 404]))
        cases.post(":id", "reveal", use: reveal).openAPI(
            .init(
                summary: "查看完整身份证号(管理员、督办人;须填写理由,记入审计)", tag: "诉求", body: .ref("RevealRequest"),
                response: .ref("RevealedID"), errors: [403, 404, 409]))
    }

    static let schemas: [String: JSONSchema] = [
        "Case": CaseDTO.schema, "CaseDue": CaseDTO.dueSchema, "CaseListItem": CaseListItemDTO.schema, "NewCase": CaseDTO.createSchema,
        "CaseChange": CaseDTO.updateSchema, "CaseEvent": CaseEventDTO.schema, "CaseSubtask": SubtaskDTO.schema,
        "CaseAction": .object(
            [
                ("action", .string(values: CaseAction.Name.allCases.map(\.rawValue))), ("date", .date), ("note", .string()),
                ("unit_id", .uuid), ("reason", .string()), ("days", .integer(minimum: 1, maximum: 365)),
                ("outcome", .string(values: CaseOutcome.allCases.map(\.rawValue))),
                ("text", .string(description: "答复内容")), ("satisfaction", .string(values: Satisfaction.allCases.map(\.rawValue))),
            ], required: ["action"]),
        "NewSubtask": .object(
            [("unit_id", .uuid), ("person", .string()), ("description", .string()), ("deadline", .date), ("date", .date)],
            required: ["unit_id", "person", "description", "deadline"]),
        "SubtaskChange": .object([("state", .string(values: ["done"])), ("note", .string()), ("date", .date)], required: ["state", "note"]),
        "Supervision": .object(
            [("level", .string(values: SupervisionLevel.allCases.map(\.rawValue))), ("note", .string()), ("date", .date)],
            required: ["level"]),
        "RevealRequest": .object([("reason", .string())], required: ["reason"]),
        "RevealedID": .object([("resident_id", .string())], required: ["resident_id"]),
        "RevealedRequester": .object(
            [("name", .string()), ("phone", .string()), ("resident_id", .nullable(.string()))], required: ["name", "phone"]),
        "CaseStats": .object([("rows", .array(CaseStatsRowDTO.schema))], required: ["rows"]),
    ]

    func list(req: Request) async throws -> Page<CaseListItemDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        let filter = try CaseFilter(from: req)
        let settings = try await CaseSettings.load(on: req.db)
        let today = CaseClock.today()
        let query = filter.apply(to: CaseService.scoped(caller.scope, on: req.db), today: today, calendar: settings.calendar)
        // COUNT of a NOT NULL column every case index holds, so the total is read from the
        // index alone (COUNT(id) would read every matching row: ~20,000 for the overdue list).
        let total = try await query.count(\.$divisionCode)
        let rows = try await filter.page(query, offset: paging.offset, per: paging.per, on: req.db)
        return Page(items: rows.map { CaseListItemDTO($0, today: today) }, metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func exportMasked(req: Request) async throws -> Response {
        try await CaseExport.download(req: req, reason: nil)
    }

    func exportFull(req: Request) async throws -> Response {
        try await CaseExport.download(req: req) { try PersonalExport.reason(ofBody: req) }
    }

    func stats(req: Request) async throws -> CaseStatsDTO {
        let caller = try req.caller
        let request = try CaseStats.Request(from: req)
        return CaseStatsDTO(rows: try await CaseStats.run(request, scope: caller.scope, on: req.db).map(CaseStatsRowDTO.init))
    }

    static func respond(_ c: CaseRecord, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let caller = try req.caller
        let settings = try await CaseSettings.load(on: req.db)
        let dto = CaseDTO(
            c, role: caller.role, settings: settings, today: CaseClock.today(), events: try await CaseService.events(of: c, on: req.db),
            subtasks: try await CaseService.subtasks(of: c, on: req.db))
        let response = try await dto.encodeResponse(status: status, for: req)
        ETag.set(on: response, for: c)
        return response
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        return try await Self.respond(try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db), req: req)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var input = try InputReader(req)
        let raw = CaseFields.read(&input)
        _ = try? input.finish()  // unknown fields join the other problems
        let (details, problems) = try await CaseFields.check(raw, scope: caller.scope, already: input.problems.problems, on: req.db)
        guard let details else { throw Refusal.invalid(problems) }
        let app = req.application
        let c = try await CaseService.register(details, actor: req.auditActor, keys: { try app.dataKeys }, on: req.db)
        return try await Self.respond(c, status: .created, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let patch = CaseFields.read(&input)
        _ = try? input.finish()
        var already = input.problems.problems
        // The resident ID: absent keeps it, null or "" removes it, a value replaces it.
        var residentID: String?? = nil
        if let requester = input.rawValue("requester"), case .object(let o) = requester, let value = o["resident_id"] {
            let text = patch.requester?.residentId.map(TextPolicy.trimmed) ?? ""
            if case .null = value {
                residentID = .some(nil)
            } else if text.isEmpty {
                residentID = .some(nil)
            } else {
                do { residentID = .some(try ResidentID.validate(text)) } catch {
                    already.append(FieldProblem(field: "requester.resident_id", message: error.message))
                }
            }
        }
        let merged = CaseFields.overlay(patch, given: { input.has($0) }, on: CaseFields.input(of: c))
        let (details, problems) = try await CaseFields.check(merged, scope: caller.scope, already: already, on: req.db)
        guard let details else { throw Refusal.invalid(problems) }
        try req.requireIfMatch(c)
        let app = req.application
        try await CaseService.update(
            c, with: details, residentID: residentID, actor: req.auditActor, keys: { try app.dataKeys }, on: req.db)
        return try await Self.respond(c, req: req)
    }

    /// Which body fields each action takes besides `action`, `date` and `note`.
    static let actionFields: [CaseAction.Name: Set<String>] = [
        .route: ["unit_id"], .return: ["reason"], .extend: ["days", "reason"], .reply: ["outcome", "text"],
        .followUp: ["satisfaction"], .reopen: ["reason"],
    ]

    /// Reads `{"action", "date", "note", …}`: fields the action does not take are refused.
    static func readAction(_ req: Request) throws -> CaseRequest {
        var input = try InputReader(req)
        let name = input.enumeration("action", CaseAction.Name.self, required: true)
        let allowed = name.flatMap { actionFields[$0] } ?? []
        var body = CaseActionInput()
        body.date = input.string("date", maxLength: 20)
        body.note = input.string("note", maxLength: CaseWorkflow.maxNoteLength + 100, multiLine: true)
        for field in ["unit_id", "reason", "days", "outcome", "text", "satisfaction"] where input.has(field) {
            guard name == nil || allowed.contains(field) else {
                input.markSeen(field)
                input.add(field, "「\(name!.label)」不接受此字段")
                continue
            }
            switch field {
            case "unit_id": body.unitId = input.string(field, maxLength: 40)
            case "reason": body.reason = input.string(field, maxLength: CaseWorkflow.maxReasonLength + 100, multiLine: true)
            case "days": body.days = input.integer(field, range: 1...365).map(Int.init)
            case "outcome": body.outcome = input.string(field, maxLength: 40)
            case "text": body.text = input.string(field, maxLength: CaseWorkflow.maxReplyLength + 100, multiLine: true)
            default: body.satisfaction = input.string(field, maxLength: 40)
            }
        }
        try input.finish()
        return try CaseRequest(name: name!, input: body, today: CaseClock.today())
    }

    func act(req: Request) async throws -> Response {
        let caller = try req.caller
        let found = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let request = try Self.readAction(req)
        let c = try await CaseService.act(found.id!, request, caller: caller, actor: req.auditActor, on: req.db)
        return try await Self.respond(c, req: req)
    }

    func addSubtask(req: Request) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let body = CaseSubtaskInput(
            unitId: input.string("unit_id", maxLength: 40), person: input.string("person", maxLength: 1000),
            description: input.string("description", maxLength: 10_000, multiLine: true), deadline: input.string("deadline", maxLength: 20),
            date: input.string("date", maxLength: 20))
        try input.finish()
        let s = try await CaseService.addSubtask(c.id!, body, caller: caller, actor: req.auditActor, on: req.db)
        return try await SubtaskDTO(s, today: CaseClock.today()).encodeResponse(status: .created, for: req)
    }

    func updateSubtask(req: Request) async throws -> SubtaskDTO {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let s = try await CaseService.findSubtask(req.parameters.get("sid"), of: c, on: req.db)
        var input = try InputReader(req)
        _ = input.enumeration("state", SubtaskDone.self, required: true)
        let note = input.string("note", maxLength: CaseWorkflow.maxNoteLength + 100, multiLine: true)
        let date = input.date("date") ?? CaseClock.today()
        try input.finish()
        let done = try await CaseService.completeSubtask(
            c.id!, subtaskID: s.id!, note: note, date: date, caller: caller, actor: req.auditActor, on: req.db)
        return SubtaskDTO(done, today: CaseClock.today())
    }

    enum SubtaskDone: String, CaseIterable { case done }

    func supervise(req: Request) async throws -> Response {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let level = input.enumeration("level", SupervisionLevel.self)
        let note = input.string("note", maxLength: CaseWorkflow.maxNoteLength + 100, multiLine: true)
        let date = input.date("date") ?? CaseClock.today()
        try input.finish()
        try await CaseService.supervise(c.id!, level: level, note: note, date: date, caller: caller, actor: req.auditActor, on: req.db)
        return try await Self.respond(try await CaseService.find(c.id!.uuidString, in: caller.scope, on: req.db), req: req)
    }

    struct RevealedRequester: Content {
        var name: String
        var phone: String
        var residentId: String?
    }

    func revealRequester(req: Request) async throws -> RevealedRequester {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let who = try await CaseService.caseActor(for: caller, on: c, db: req.db)
        guard CaseService.mayRevealRequester(caller: caller, who: who) else {
            throw Refusal.forbidden("只有管理员、督办人和承办单位的人员可以查看诉求人的联系方式")
        }
        var input = try InputReader(req)
        let reason = input.string("reason", required: true, maxLength: 200)
        try input.finish()
        let app = req.application
        let clear = try await CaseService.revealRequester(
            c, reason: reason!, caller: caller, actor: req.auditActor, keys: { try app.dataKeys }, on: req.db)
        return RevealedRequester(name: clear.name, phone: clear.phone, residentId: clear.residentID)
    }

    struct Revealed: Content {
        var residentId: String
    }

    func reveal(req: Request) async throws -> Revealed {
        let caller = try req.caller
        let c = try await CaseService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        guard caller.role.canSupervise else { throw Refusal.forbidden("只有管理员和督办人可以查看完整身份证号") }
        var input = try InputReader(req)
        let reason = input.string("reason", required: true, maxLength: 200)
        try input.finish()
        let clear = try await CaseService.reveal(
            c, reason: reason!, caller: caller, actor: req.auditActor, keys: try req.dataKeys, on: req.db)
        return Revealed(residentId: clear)
    }
}
