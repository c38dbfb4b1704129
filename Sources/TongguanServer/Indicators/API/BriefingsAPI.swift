import Fluent
import Foundation
import TongguanDomain
import Vapor

struct BriefingDTO: Content {
    var id: UUID
    var name: String
    var description: String
    var divisionCode: String
    var defaultPeriod: String
    var body: String
    var version: Int
    var updatedBy: String
    var updatedAt: String?

    init(_ r: BriefingTemplateRecord) {
        id = r.id!
        name = r.name
        description = r.description
        divisionCode = r.divisionCode
        defaultPeriod = r.defaultPeriod
        body = r.body
        version = r.version
        updatedBy = r.updatedBy
        updatedAt = r.updatedAt.map(StoredInstant.string)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(defaultPeriod, forKey: .defaultPeriod)
        try c.encode(body, forKey: .body)
        try c.encode(version, forKey: .version)
        try c.encode(updatedBy, forKey: .updatedBy)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("name", .string()), ("description", .string()), ("division_code", .divisionCode),
            ("default_period", .string(description: "生成时不指定期间则用此期间")), ("body", .string(description: "模板正文(Markdown,含占位符)")),
            ("version", .integer()), ("updated_by", .string()), ("updated_at", .nullable(.string(format: "date-time"))),
        ],
        required: ["id", "name", "description", "division_code", "default_period", "body", "version", "updated_by", "updated_at"])
    static let createSchema = JSONSchema.object(
        [
            ("name", .string()), ("description", .string()), ("division_code", .divisionCode),
            ("default_period", .string(description: "期间,如 2021-H1")), ("body", .string(description: "模板正文,写法见模板页")),
        ], required: ["name", "default_period", "body"])
    static let updateSchema = JSONSchema.object(
        [
            ("name", .string()), ("description", .string()), ("default_period", .string(description: "期间")),
            ("body", .string(description: "模板正文")),
        ], required: [])
}

/// `/api/v1/briefings`: templates (checked against the catalogue on every save; every
/// problem is named with its line and column) and their rendering as Markdown or HTML.
struct BriefingsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let briefings = routes.grouped("briefings")
        briefings.get(use: list).openAPI(.init(summary: "列出简报模板", tag: "指标", response: .ref("Briefings")))
        briefings.post(use: create).openAPI(
            .init(
                summary: "新建简报模板(管理员;未知指标、参数等逐行指出并拒绝保存)", tag: "指标", body: .ref("NewBriefing"), response: .ref("Briefing"),
                status: 201, errors: [403, 409]))
        briefings.get(":id", use: show).openAPI(.init(summary: "查看简报模板", tag: "指标", response: .ref("Briefing"), errors: [404]))
        briefings.patch(":id", use: update).openAPI(
            .init(
                summary: "修改简报模板(管理员,需 If-Match)", tag: "指标",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("BriefingChange"), response: .ref("Briefing"), errors: [403, 404, 409, 412, 428]))
        briefings.get(":id", "render", use: render).openAPI(
            .init(
                summary: "生成简报:每个数字按此刻的数据计算;HTML 中每个数字链接到其背后的记录并有脚注,Markdown 的脚注列在文末;缺失的数字醒目标出并列在开头",
                tag: "指标",
                query: [
                    .init(name: "period", description: "期间(默认为模板的期间):2021、2021-H1、2021-Q2、2021-05、2021-05-20 或 2021-01..2021-05"),
                    .init(name: "division", description: "区划代码(默认为模板的区划)"),
                    .init(name: "format", description: "md 或 html(默认 html)", schema: .string(values: ["md", "html"])),
                ],
                response: .string(description: "简报正文"), errors: [404, 422], responseMediaTypes: ["text/markdown", "text/html"]))
    }

    static let schemas: [String: JSONSchema] = [
        "Briefing": BriefingDTO.schema, "NewBriefing": BriefingDTO.createSchema, "BriefingChange": BriefingDTO.updateSchema,
        "Briefings": .object([("items", .array(.ref("Briefing")))], required: ["items"]),
    ]

    struct ListDTO: Content { var items: [BriefingDTO] }

    func list(req: Request) async throws -> ListDTO {
        let caller = try req.caller
        return ListDTO(items: try await BriefingService.visible(caller.scope, on: req.db).sort(\.$name).limit(500).all().map(BriefingDTO.init))
    }

    func respond(_ record: BriefingTemplateRecord, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let response = try await BriefingDTO(record).encodeResponse(status: status, for: req)
        ETag.set(on: response, for: record)
        return response
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        return try await respond(try await BriefingService.find(req.parameters.get("id"), scope: caller.scope, on: req.db), req: req)
    }

    /// The fields of the body over `existing`; the template is checked against the catalogue.
    static func read(
        _ input: inout InputReader, existing: BriefingTemplateRecord?, caller: Caller, on db: any Database
    ) async throws -> BriefingService.Fields? {
        let creating = existing == nil
        let name = input.string("name", required: creating, maxLength: 100) ?? existing?.name
        let description = input.string("description", maxLength: 500, multiLine: true) ?? existing?.description ?? ""
        let body = input.string("body", required: creating, maxLength: 50_000, multiLine: true) ?? existing?.body
        var period: Period? = existing.flatMap { Period(text: $0.defaultPeriod) }
        if let raw = input.string("default_period", required: creating, maxLength: 40) {
            do { period = try Period(raw) } catch { input.add("default_period", error.message) }
        }
        var division = existing.flatMap { DivisionCode($0.divisionCode) } ?? caller.scope.root
        if creating, let raw = input.string("division_code", maxLength: 12) {
            if let code = DivisionCode(raw), try await Division.find(raw, in: caller.scope, on: db) != nil {
                division = code
            } else {
                input.add("division_code", "区划不存在或不在您的管辖范围内")
            }
        }
        if let body, input.problems.problems.allSatisfy({ $0.field != "body" }) {
            for p in try await BriefingService.problems(body: body, scope: caller.scope, on: db) { input.add(p.field, p.message) }
        }
        guard let name, let body, let period else { return nil }
        return BriefingService.Fields(name: name, description: description, body: body, defaultPeriod: period, division: division)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let fields = try await Self.read(&input, existing: nil, caller: caller, on: req.db)
        try input.finish()
        let record = try await BriefingService.create(fields!, actor: req.auditActor, on: req.db)
        return try await respond(record, status: .created, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await BriefingService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        var input = try InputReader(req)
        let fields = try await Self.read(&input, existing: record, caller: caller, on: req.db)
        try input.finish()
        try req.requireIfMatch(record)
        try await BriefingService.update(record, with: fields!, actor: req.auditActor, on: req.db)
        return try await respond(record, req: req)
    }

    enum Format: String, CaseIterable { case md, html }

    /// The period and division of a render (defaults: the template's), checked for scope.
    static func context(
        _ q: inout QueryReader, record: BriefingTemplateRecord, caller: Caller, on db: any Database
    ) async throws -> (Period, Division) {
        let period = q.period("period") ?? Period(text: record.defaultPeriod)
        let code = q.divisionCode("division") ?? DivisionCode(record.divisionCode)
        try q.finish()
        guard let period else { throw Refusal.invalid("period", "请指定期间") }
        let division = try await IndicatorsAPI.division(code, caller: caller, on: db)
        return (period, division)
    }

    func render(req: Request) async throws -> Response {
        let caller = try req.caller
        let record = try await BriefingService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        var q = QueryReader(req)
        let format = q.enumeration("format", Format.self) ?? .html
        let (period, division) = try await Self.context(&q, record: record, caller: caller, on: req.db)
        let rendered = try await BriefingService.render(
            record, period: period, division: division.code, scope: caller.scope, on: req.db, logger: req.logger)
        switch format {
        case .md:
            return Response(status: .ok, headers: ["Content-Type": "text/markdown; charset=utf-8"], body: .init(string: rendered.markdown))
        case .html:
            let html = BriefingPages.document(title: record.name, subtitle: "\(division.name) · \(period.chinese)", rendered: rendered)
            return Response(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: html))
        }
    }
}
