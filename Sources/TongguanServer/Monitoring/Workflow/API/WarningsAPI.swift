import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/monitoring/warnings` and `/api/v1/monitoring/scan`: early warnings, resolved by
/// a person with a note or automatically by a later assessment; the scan re-runs the rules.
struct WarningsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let monitoring = routes.grouped("monitoring")
        monitoring.get("warnings", use: list).openAPI(
            .init(
                summary: "列出预警", tag: "监测", query: WarningFilter.queryParameters + [.page, .per], response: .page(of: .ref("Warning")),
                errors: [422]))
        monitoring.get("warnings", ":id", use: show).openAPI(.init(summary: "查看预警", tag: "监测", response: .ref("Warning"), errors: [404]))
        monitoring.post("warnings", ":id", "resolve", use: resolve).openAPI(
            .init(
                summary: "解除预警(须填写说明)", tag: "监测", body: .object([("note", .string())], required: ["note"]), response: .ref("Warning"),
                errors: [403, 404, 409, 422]))
        monitoring.get("rules", use: rules).openAPI(
            .init(summary: "预警规则表(编码、名称、触发条件、所用参数)", tag: "监测", response: .array(.ref("WarningRule"))))
        monitoring.post("scan", use: scan).openAPI(
            .init(
                summary: "按各户最新评估和当前成员重新运行预警规则(管理员;可重复执行)", tag: "监测", response: .ref("WarningScan"), errors: [403]))
    }

    static let schemas: [String: JSONSchema] = [
        "WarningRule": .object(
            [
                ("code", .string(values: EarlyWarningRule.allCases.map(\.rawValue))), ("name", .string()),
                ("condition", .string(description: "触发条件")),
                ("parameters", .array(.string(description: "所用参数:line 为当年监测收入线,其余为监测参数的字段名"))),
            ], required: ["code", "name", "condition", "parameters"]),
        "WarningScan": .object(
            [
                ("households", .integer(description: "检查的农户数")), ("without_line", .integer(description: "最新评估年度无监测收入线而未检查的农户数")),
                ("raised", .integer()), ("resolved", .integer()), ("superseded", .integer()),
            ], required: ["households", "without_line", "raised", "resolved", "superseded"]),
    ]

    struct ScanDTO: Content {
        var households: Int
        var withoutLine: Int
        var raised: Int
        var resolved: Int
        var superseded: Int

        init(_ r: WarningService.ScanReport) {
            households = r.households; withoutLine = r.withoutLine; raised = r.outcome.raised; resolved = r.outcome.resolved
            superseded = r.outcome.superseded
        }
    }

    struct RuleDTO: Content {
        var code: String
        var name: String
        var condition: String
        var parameters: [String]
    }

    func rules(req: Request) async throws -> [RuleDTO] {
        _ = try req.caller
        return EarlyWarningRule.table.map { RuleDTO(code: $0.code, name: $0.name, condition: $0.condition, parameters: $0.parameters) }
    }

    func list(req: Request) async throws -> Page<WarningDTO> {
        let caller = try req.caller
        var problems: [FieldProblem] = []
        var paging: PageRequest?
        var filter: WarningFilter?
        do { paging = try PageRequest(from: req) } catch let failure as ValidationFailure { problems += failure.problems }
        do { filter = try WarningFilter(from: req) } catch let failure as ValidationFailure { problems += failure.problems }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let (rows, total) = try await filter!.run(scope: caller.scope, paging: paging!, on: req.db)
        return Page(
            items: rows.map { WarningDTO($0.warning, householdCode: $0.householdCode, divisionCode: $0.divisionCode) },
            metadata: .init(page: paging!.page, per: paging!.per, total: total))
    }

    func show(req: Request) async throws -> WarningDTO {
        let (record, household) = try await WarningService.find(req.parameters.get("id"), in: try req.caller.scope, on: req.db)
        return WarningDTO(record, householdCode: household.code, divisionCode: household.divisionCode)
    }

    func resolve(req: Request) async throws -> WarningDTO {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (record, household) = try await WarningService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let note = input.string("note", required: true, maxLength: EarlyWarning.maximumNoteLength, multiLine: true)
        try input.finish()
        try await WarningService.resolve(record, household: household, note: note!, actor: req.auditActor, on: req.db, today: RegistryFinder.today())
        return WarningDTO(record, householdCode: household.code, divisionCode: household.divisionCode)
    }

    func scan(req: Request) async throws -> ScanDTO {
        let caller = try req.caller
        try caller.require(\.canConfigureMonitoring)
        let report = try await WarningService.scan(
            scope: caller.scope, ring: try req.registryKeys, actor: req.auditActor, on: req.db, today: RegistryFinder.today())
        return ScanDTO(report)
    }
}
