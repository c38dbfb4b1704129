import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/indicators`: the catalogue, values for any period and division in scope, manual
/// entry and its history, and the query kinds the modules registered.
struct IndicatorsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("query-kinds", use: queryKinds).openAPI(
            .init(summary: "列出各模块登记的查询类型及其参数(计算型指标用)", tag: "指标", response: .ref("QueryKinds")))
        let indicators = routes.grouped("indicators")
        indicators.get(use: list).openAPI(
            .init(
                summary: "列出指标(本级、下级及上级的)", tag: "指标",
                query: [
                    .init(name: "source", description: "来源", schema: .string(values: ["manual", "computed"])),
                    .init(name: "q", description: "编码或名称包含"), .page, .per,
                ],
                response: .page(of: .ref("Indicator")), errors: [422]))
        indicators.post(use: create).openAPI(
            .init(summary: "新建指标(管理员)", tag: "指标", body: .ref("NewIndicator"), response: .ref("Indicator"), status: 201, errors: [403]))
        indicators.get(":code", use: show).openAPI(.init(summary: "查看指标", tag: "指标", response: .ref("Indicator"), errors: [404]))
        indicators.patch(":code", use: update).openAPI(
            .init(
                summary: "修改指标(管理员,需 If-Match;编码不能改)", tag: "指标",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("IndicatorChange"), response: .ref("Indicator"), errors: [403, 404, 412, 428]))
        indicators.get(":code", "values", use: values).openAPI(
            .init(
                summary: "指标在某期间、某区划(或其各下级区划)的数值;计算型指标实时计算,手工指标读取填报值", tag: "指标",
                query: [
                    .init(name: "period", description: "期间:2021、2021-H1、2021-Q2、2021-05、2021-05-20 或 2021-01..2021-05", required: true),
                    .init(name: "division", description: "区划代码(默认为本人的管辖区划)"),
                    .init(name: "group_by", description: "division:列出该区划的各下级区划", schema: .string(values: ["division"])),
                ],
                response: .ref("IndicatorValues"), errors: [404, 422]))
        indicators.put(":code", "values", use: setValue).openAPI(
            .init(
                summary: "填报手工指标的数值(同一区划、期间再次填报即为修改,历史保留)", tag: "指标", body: .ref("IndicatorValueInput"),
                response: .ref("IndicatorValue"), errors: [403, 404, 409]))
        indicators.get(":code", "values", "history", use: history).openAPI(
            .init(
                summary: "手工指标某区划某期间数值的填报历史(谁、何时、备注与来源文件)", tag: "指标",
                query: [
                    .init(name: "period", description: "期间", required: true), .init(name: "division", description: "区划代码(默认为本人的管辖区划)"),
                ],
                response: .ref("IndicatorValueHistory"), errors: [404, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "Indicator": IndicatorDTO.schema, "NewIndicator": IndicatorDTO.createSchema, "IndicatorChange": IndicatorDTO.updateSchema,
        "IndicatorSource": SourceDTO.schema, "IndicatorQuery": QueryDTO.schema, "QueryParameters": .map(.string()),
        "IndicatorValue": ValueRowDTO.schema, "IndicatorValues": ValuesDTO.schema,
        "IndicatorValueInput": .object(
            [
                ("division_code", .divisionCode), ("period", .string(description: "期间")),
                ("value", .exactDecimal), ("note", .string()), ("source_document", .string(description: "来源文件")),
            ], required: ["division_code", "period", "value"]),
        "IndicatorValueHistory": .object([("items", .array(ValueChangeDTO.schema))], required: ["items"]),
        "QueryKinds": .object([("items", .array(QueryKindDTO.schema))], required: ["items"]),
    ]

    func queryKinds(req: Request) async throws -> QueryKindsDTO {
        _ = try req.caller
        return QueryKindsDTO(items: IndicatorService.registry.specs.values.sorted { $0.kind < $1.kind }.map(QueryKindDTO.init))
    }

    func list(req: Request) async throws -> Page<IndicatorDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        var q = QueryReader(req)
        let source = q.enumeration("source", SourceType.self)
        let text = q.text("q")
        try q.finish()
        let query = IndicatorService.visible(caller.scope, on: req.db)
        if let source { query.filter(\.$sourceType == source.rawValue) }
        if let text {
            let pattern = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            query.group(.or) { or in
                or.filter(\.$code, .custom("LIKE"), pattern)
                or.filter(\.$name, .custom("LIKE"), pattern)
            }
        }
        let total = try await query.count()
        let rows = try await query.sort(\.$code).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: rows.map(IndicatorDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    enum SourceType: String, CaseIterable { case manual, computed }

    func respond(_ record: IndicatorRecord, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let response = try await IndicatorDTO(record).encodeResponse(status: status, for: req)
        ETag.set(on: response, for: record)
        return response
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        return try await respond(try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db), req: req)
    }

    /// The definition in the body, on top of `existing` for a change; every problem at once.
    static func readIndicator(_ input: inout InputReader, existing: Indicator?, scope: DivisionScope) -> Indicator? {
        let creating = existing == nil
        var draft =
            existing?.draft
            ?? IndicatorDraft(
                code: "", name: "", unit: "", direction: "", ownerDivision: scope.root.rawValue, source: .init(type: "manual"))
        if let code = input.string("code", required: creating, maxLength: 64) { draft.code = code }
        if let name = input.string("name", required: creating, maxLength: 100) { draft.name = name }
        if let unit = input.string("unit", maxLength: 20) { draft.unit = unit }
        if let scale = input.integer("display_scale", range: Int64(Indicator.displayScales.lowerBound)...Int64(Indicator.displayScales.upperBound)) {
            draft.displayScale = Int(scale)
        }
        if let decimals = input.integer("decimals", range: Int64(Indicator.decimalRange.lowerBound)...Int64(Indicator.decimalRange.upperBound)) {
            draft.decimals = Int(decimals)
        }
        if let direction = input.string("direction", required: creating, maxLength: 40) { draft.direction = direction }
        if let rollUp = input.string("roll_up", maxLength: 20) { draft.rollUp = rollUp }
        if let owner = input.string("division_code", maxLength: 12) { draft.ownerDivision = owner }
        input.markSeen("source")
        switch input.rawValue("source") {
        case .none:
            if creating { input.add("source", "此项为必填") }
        case .object(let o):
            if let source = readSource(o, into: &input) { draft.source = source }
        default:
            input.add("source", "应为对象:{\"type\": \"manual\"} 或 {\"type\": \"computed\", \"query\": {…}}")
        }
        // The domain checks the whole draft; a field already refused above is not reported twice.
        let reported = Set(input.problems.problems.map(\.field))
        do {
            let indicator = try draft.validated(queryKinds: IndicatorService.registry)
            return reported.isEmpty ? indicator : nil
        } catch {
            // The API names the owner division like every record's: `division_code`.
            for p in error.problems {
                let field = p.field == "owner_division" ? "division_code" : p.field
                if !reported.contains(field) { input.add(field, p.message) }
            }
            return nil
        }
    }

    static func readSource(_ object: [String: JSONValue], into input: inout InputReader) -> IndicatorDraft.SourceDraft? {
        var ok = true
        for key in object.keys.sorted() where !["type", "query", "denominator"].contains(key) {
            input.add("source.\(key)", "未知字段")
            ok = false
        }
        guard case .string(let type)? = object["type"] else {
            input.add("source.type", "应为 manual 或 computed")
            return nil
        }
        func query(_ key: String) -> IndicatorQuery? {
            switch object[key] {
            case .none, .some(.null): return nil
            case .object(let q):
                guard case .string(let kind)? = q["kind"] else {
                    input.add("source.\(key).kind", "应为查询类型,如 projects.summary")
                    ok = false
                    return nil
                }
                var parameters: [String: String] = [:]
                switch q["parameters"] {
                case .none, .some(.null): break
                case .object(let p):
                    for (name, value) in p {
                        if case .string(let s) = value {
                            parameters[name] = s
                        } else {
                            input.add("source.\(key).parameters.\(name)", "参数值应为字符串")
                            ok = false
                        }
                    }
                default:
                    input.add("source.\(key).parameters", "应为对象,如 {\"stage\": \"signed\"}")
                    ok = false
                }
                for k in q.keys.sorted() where k != "kind" && k != "parameters" {
                    input.add("source.\(key).\(k)", "未知字段")
                    ok = false
                }
                return IndicatorQuery(kind: kind, parameters: parameters)
            default:
                input.add("source.\(key)", "应为对象:{\"kind\": …, \"parameters\": {…}}")
                ok = false
                return nil
            }
        }
        let q = query("query"), d = query("denominator")
        return ok ? IndicatorDraft.SourceDraft(type: type, query: q, denominator: d) : nil
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let indicator = Self.readIndicator(&input, existing: nil, scope: caller.scope)
        if let indicator {
            for p in try await IndicatorService.problems(indicator, existing: nil, scope: caller.scope, on: req.db) { input.add(p.field, p.message) }
        }
        try input.finish()
        let record = try await IndicatorService.create(indicator!, actor: req.auditActor, on: req.db)
        return try await respond(record, status: .created, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let record = try await IndicatorService.findEditable(req.parameters.get("code"), scope: caller.scope, on: req.db)
        var input = try InputReader(req)
        let indicator = Self.readIndicator(&input, existing: record.indicator, scope: caller.scope)
        if let indicator {
            for p in try await IndicatorService.problems(indicator, existing: record, scope: caller.scope, on: req.db) {
                input.add(p.field, p.message)
            }
        }
        try input.finish()
        try req.requireIfMatch(record)
        try await IndicatorService.update(record, to: indicator!, actor: req.auditActor, on: req.db)
        return try await respond(record, req: req)
    }

    /// The division a read names (default: the caller's own), which must exist in scope.
    static func division(_ raw: DivisionCode?, caller: Caller, on db: any Database) async throws -> Division {
        let code = raw ?? caller.scope.root
        guard let division = try await Division.find(code.rawValue, in: caller.scope, on: db) else { throw Refusal.notFound }
        return division
    }

    func values(req: Request) async throws -> ValuesDTO {
        let caller = try req.caller
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        var q = QueryReader(req)
        let period = q.period("period", required: true)
        let divisionCode = q.divisionCode("division")
        let groupBy = q.enumeration("group_by", GroupBy.self)
        try q.finish()
        let division = try await Self.division(divisionCode, caller: caller, on: req.db)
        var targets = [division]
        if groupBy == .division {
            targets = try await Division.scoped(caller.scope, on: req.db).filter(\.$parentCode == division.id).sort(\.$id).limit(500).all()
        }
        let evaluator = IndicatorEvaluator(db: req.db, scope: caller.scope, logger: req.logger)
        let indicator = record.indicator
        var rows: [ValueRowDTO] = []
        for d in targets {
            let evaluated = try await evaluator.evaluate(record, period: period!, division: d.code)
            rows.append(ValueRowDTO(indicator: indicator, division: d.code, divisionName: d.name, period: period!, evaluated: evaluated))
        }
        return ValuesDTO(indicator: indicator.code.rawValue, unit: indicator.unit, rows: rows)
    }

    enum GroupBy: String, CaseIterable { case division }

    func setValue(req: Request) async throws -> ValueRowDTO {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        let indicator = record.indicator
        var input = try InputReader(req)
        let divisionCode = input.divisionCode("division_code", required: true)
        let period = input.period("period", required: true)
        let shown = input.exactDecimal("value", required: true)
        let note = input.string("note", maxLength: 500, multiLine: true) ?? ""
        let document = input.string("source_document", maxLength: 200) ?? ""
        var division: Division?
        if let divisionCode {
            division = try await Division.find(divisionCode.rawValue, in: caller.scope, on: req.db)
            if division == nil { input.add("division_code", "区划不存在或不在您的管辖范围内") }
        }
        var stored: ExactDecimal?
        if let shown {
            do { stored = try ValueService.stored(shown, for: indicator) } catch { input.add("value", error.message) }
        }
        try input.finish()
        guard indicator.source.isManual else { throw Refusal.conflict("「\(indicator.name)」是计算型指标,数值由系统按记录计算,不能填报") }
        let entry = ValueService.Entry(
            indicator: record, division: division!.code, period: period!, value: stored!, note: note, sourceDocument: document)
        try await ValueService.set([entry], channel: "api", actor: req.auditActor, on: req.db)
        let evaluated = try await IndicatorEvaluator(db: req.db, scope: caller.scope).evaluate(record, period: period!, division: division!.code)
        return ValueRowDTO(indicator: indicator, division: division!.code, divisionName: division!.name, period: period!, evaluated: evaluated)
    }

    func history(req: Request) async throws -> HistoryDTO {
        let caller = try req.caller
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        var q = QueryReader(req)
        let period = q.period("period", required: true)
        let divisionCode = q.divisionCode("division")
        try q.finish()
        let division = try await Self.division(divisionCode, caller: caller, on: req.db)
        let changes = try await ValueService.history(record, division: division.code, period: period!, on: req.db)
        return HistoryDTO(items: changes.map { ValueChangeDTO($0, indicator: record.indicator) })
    }
}
