import Fluent
import Foundation
import TongguanDomain
import Vapor

struct TargetDTO: Content {
    var id: UUID
    var indicator: String
    var indicatorName: String
    var divisionCode: String
    var value: ExactDecimal
    var unit: String
    var due: String
    var baselinePeriod: String?
    var baselineValue: ExactDecimal?
    var note: String
    var status: String
    var statusLabel: String
    /// 0 at the start, 1 at the target (4 decimals).
    var progress: ExactDecimal?
    var latestDate: String?
    var latestValue: ExactDecimal?
    var projectedValue: ExactDecimal?
    var reason: String
    var version: Int

    init(_ a: TargetService.Assessed) {
        let indicator = a.indicator.indicator
        let shown = { (v: ExactDecimal) in ValueService.shown(v, for: indicator) }
        id = a.record.id ?? UUID(); self.indicator = indicator.code.rawValue; indicatorName = indicator.name
        divisionCode = a.record.divisionCode; value = shown(a.target.value); unit = indicator.unit; due = a.record.due
        baselinePeriod = a.record.baselinePeriod; baselineValue = a.target.baseline.map { shown($0.value) }; note = a.record.note
        status = a.assessment.status.rawValue; statusLabel = a.assessment.status.label; progress = a.assessment.progress
        latestDate = a.assessment.latest?.date.description; latestValue = a.assessment.latest.map { shown($0.value) }
        projectedValue = a.assessment.projected.map(shown); reason = a.assessment.reason; version = a.record.version
    }

    enum CodingKeys: String, CodingKey {
        case id, indicator, indicatorName, divisionCode, value, unit, due, baselinePeriod, baselineValue, note, status, statusLabel
        case progress, latestDate, latestValue, projectedValue, reason, version
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(indicator, forKey: .indicator); try c.encode(indicatorName, forKey: .indicatorName)
        try c.encode(divisionCode, forKey: .divisionCode); try c.encode(value, forKey: .value); try c.encode(unit, forKey: .unit)
        try c.encode(due, forKey: .due); try c.encode(baselinePeriod, forKey: .baselinePeriod); try c.encode(baselineValue, forKey: .baselineValue)
        try c.encode(note, forKey: .note); try c.encode(status, forKey: .status); try c.encode(statusLabel, forKey: .statusLabel)
        try c.encode(progress, forKey: .progress); try c.encode(latestDate, forKey: .latestDate); try c.encode(latestValue, forKey: .latestValue)
        try c.encode(projectedValue, forKey: .projectedValue); try c.encode(reason, forKey: .reason); try c.encode(version, forKey: .version)
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("indicator", .string()), ("indicator_name", .string()), ("division_code", .divisionCode),
            ("value", .exactDecimal), ("unit", .string()), ("due", .date), ("baseline_period", .nullable(.string())),
            ("baseline_value", .nullable(.exactDecimal)), ("note", .string()),
            ("status", .string(values: TargetStatus.allCases.map(\.rawValue))), ("status_label", .string()),
            ("progress", .nullable(.exactDecimal)), ("latest_date", .nullable(.date)), ("latest_value", .nullable(.exactDecimal)),
            ("projected_value", .nullable(.exactDecimal)), ("reason", .string()), ("version", .integer()),
        ],
        required: [
            "id", "indicator", "indicator_name", "division_code", "value", "unit", "due", "baseline_period", "baseline_value", "note", "status",
            "status_label", "progress", "latest_date", "latest_value", "projected_value", "reason", "version",
        ])
    static let inputFields: [(String, JSONSchema)] = [
        ("value", .exactDecimal), ("due", .date), ("baseline_period", .nullable(.string(description: "基期,如 2020"))),
        ("baseline_value", .nullable(.exactDecimal)), ("note", .string()),
    ]
    static let createSchema = JSONSchema.object(
        [("indicator", .string()), ("division_code", .divisionCode)] + inputFields, required: ["indicator", "division_code", "value", "due"])
    static let updateSchema = JSONSchema.object(inputFields, required: [])
}

/// `/api/v1/targets`: targets with their status by the rule on the targets page.
struct TargetsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let targets = routes.grouped("targets")
        targets.get(use: list).openAPI(
            .init(
                summary: "列出目标及其进度和状态(按基期以来数值的线性推算)", tag: "指标",
                query: [
                    .init(name: "division", description: "区划代码(含下级)"),
                    .init(name: "status", description: "状态", schema: .string(values: TargetStatus.allCases.map(\.rawValue))),
                    .init(name: "as_of", description: "判断状态的日期(默认今天)", schema: .date), .page, .per,
                ],
                response: .page(of: .ref("Target")), errors: [404, 422]))
        targets.post(use: create).openAPI(
            .init(summary: "新建目标(管理员)", tag: "指标", body: .ref("NewTarget"), response: .ref("Target"), status: 201, errors: [403]))
        targets.patch(":id", use: update).openAPI(
            .init(
                summary: "修改目标(管理员,需 If-Match)", tag: "指标",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("TargetChange"), response: .ref("Target"), errors: [403, 404, 412, 428]))
        targets.delete(":id", use: delete).openAPI(.init(summary: "删除目标(管理员)", tag: "指标", status: 204, errors: [403, 404]))
    }

    static let schemas: [String: JSONSchema] = [
        "Target": TargetDTO.schema, "NewTarget": TargetDTO.createSchema, "TargetChange": TargetDTO.updateSchema,
    ]

    func list(req: Request) async throws -> Page<TargetDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        var q = QueryReader(req)
        let division = q.divisionCode("division")
        let status = q.enumeration("status", TargetStatus.self)
        let asOf = q.date("as_of") ?? TargetService.today
        try q.finish()
        let query = TargetService.visible(caller.scope, on: req.db)
        if let division {
            guard try await Division.find(division.rawValue, in: caller.scope, on: req.db) != nil else { throw Refusal.notFound }
            query.filter(\.$divisionCode =~ division.significantPrefix)
        }
        let records = try await query.sort(\.$due).sort(\.$divisionCode).limit(1000).all()
        var assessed = try await TargetService.assessed(records, asOf: asOf, scope: caller.scope, on: req.db)
        if let status { assessed = assessed.filter { $0.assessment.status == status } }
        let page = assessed.dropFirst(paging.offset).prefix(paging.per)
        return Page(items: page.map(TargetDTO.init), metadata: .init(page: paging.page, per: paging.per, total: assessed.count))
    }

    /// The value fields of a body, converted to the indicator's stored unit.
    static func readFields(_ input: inout InputReader, indicator: Indicator?, creating: Bool) -> TargetService.Fields {
        var f = TargetService.Fields()
        let value = input.exactDecimal("value", required: creating)
        f.due = input.date("due", required: creating)
        if input.has("baseline_period") || input.has("baseline_value") {
            let bp = input.string("baseline_period", maxLength: 40, nullable: true)
            input.markSeen("baseline_value")
            let bv: ExactDecimal? = input.rawValue("baseline_value") == .null ? nil : input.exactDecimal("baseline_value")
            switch (bp, bv) {
            case (nil, nil):
                f.baseline = .some(nil)
            case (let p?, let v?):
                do {
                    let period = try Period(p)
                    if let indicator { f.baseline = .some((period, try ValueService.stored(v, for: indicator))) }
                } catch let problem as Period.Problem {
                    input.add("baseline_period", problem.message)
                } catch { input.add("baseline_value", "数值超出可精确计算的范围") }
            default:
                input.add(bp == nil ? "baseline_period" : "baseline_value", "基期与基期数值应同时填写或同时清空")
            }
        }
        f.note = input.string("note", maxLength: 500, multiLine: true)
        if let value, let indicator {
            do { f.value = try ValueService.stored(value, for: indicator) } catch { input.add("value", error.message) }
        }
        return f
    }

    func respond(_ record: TargetRecord, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let caller = try req.caller
        let assessed = try await TargetService.assessed([record], asOf: TargetService.today, scope: caller.scope, on: req.db)
        guard let one = assessed.first else { throw Refusal.notFound }
        let response = try await TargetDTO(one).encodeResponse(status: status, for: req)
        ETag.set(on: response, for: record)
        return response
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let code = input.string("indicator", required: true, maxLength: 64)
        let divisionCode = input.divisionCode("division_code", required: true)
        var indicator: IndicatorRecord?
        if let code {
            indicator = try? await IndicatorService.find(code, scope: caller.scope, on: req.db)
            if indicator == nil { input.add("indicator", "未知指标「\(code)」") }
        }
        let fields = Self.readFields(&input, indicator: indicator?.indicator, creating: true)
        if let divisionCode, try await Division.find(divisionCode.rawValue, in: caller.scope, on: req.db) == nil {
            input.add("division_code", "区划不存在或不在您的管辖范围内")
        }
        try input.finish()
        let record = try await TargetService.create(indicator: indicator!, division: divisionCode!, fields: fields, actor: req.auditActor, on: req.db)
        return try await respond(record, status: .created, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await TargetService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        let indicator = try await IndicatorRecord.find(record.$indicator.id, on: req.db)
        var input = try InputReader(req)
        let fields = Self.readFields(&input, indicator: indicator?.indicator, creating: false)
        try input.finish()
        try req.requireIfMatch(record)
        try await TargetService.update(record, with: fields, actor: req.auditActor, on: req.db)
        return try await respond(record, req: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await TargetService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        try await TargetService.delete(record, actor: req.auditActor, on: req.db)
        return .noContent
    }
}
