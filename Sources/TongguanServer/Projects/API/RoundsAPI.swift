import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// `/api/v1/rounds`: 活动批次.
struct RoundsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let rounds = routes.grouped("rounds")
        rounds.get(use: list).openAPI(
            .init(
                summary: "列出活动批次(本级、下级及上级的)", tag: "项目",
                query: [.page, .per],
                response: .page(of: .ref("Round")), errors: [422]))
        rounds.post(use: create).openAPI(
            .init(
                summary: "新建活动批次", tag: "项目", body: .ref("RoundInput"), response: .ref("Round"), status: 201, errors: [403]))
        rounds.get(":id", use: show).openAPI(.init(summary: "查看活动批次", tag: "项目", response: .ref("Round"), errors: [404]))
        rounds.patch(":id", use: update).openAPI(
            .init(
                summary: "修改活动批次(需 If-Match)", tag: "项目",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("RoundInput"), response: .ref("Round"), errors: [403, 404, 412, 428]))
        rounds.delete(":id", use: delete).openAPI(
            .init(
                summary: "删除活动批次(已被里程碑引用的不能删除)", tag: "项目", status: 204, errors: [403, 404, 409]))
    }

    static let schemas: [String: JSONSchema] = ["Round": RoundDTO.schema, "RoundInput": RoundDTO.inputSchema]

    func list(req: Request) async throws -> Page<RoundDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        let query = RoundService.visible(caller.scope, on: req.db)
        let total = try await query.count()
        let rows = try await query.sort(\.$date, .descending).sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: rows.map(RoundDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        guard let round = try await RoundService.find(req.parameters.get("id").flatMap(UUID.init(uuidString:)), visibleTo: caller.scope, on: req.db)
        else { throw Refusal.notFound }
        let response = try await RoundDTO(round).encodeResponse(for: req)
        ETag.set(on: response, id: round.id!, version: round.version)
        return response
    }

    static func read(_ req: Request, required: Bool, scope: DivisionScope, round: Round?) async throws -> RoundService.Fields {
        var input = try InputReader(req)
        var result = RoundService.Fields()
        result.name = input.string("name", required: required, maxLength: 50)
        result.date = input.date("date", required: required)
        if input.has("venue") { result.venue = .some(input.string("venue", maxLength: 100, nullable: true)) }
        result.division = input.divisionCode("division_code", required: false)
        for p in try await RoundService.problems(result, scope: scope, round: round, on: req.db) { input.add(p.field, p.message) }
        try input.finish()
        return result
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let fields = try await Self.read(req, required: true, scope: caller.scope, round: nil)
        let round = try await RoundService.create(fields, scope: caller.scope, actor: req.auditActor, on: req.db)
        let response = try await RoundDTO(round).encodeResponse(status: .created, for: req)
        ETag.set(on: response, id: round.id!, version: round.version)
        return response
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        let fields = try await Self.read(req, required: false, scope: caller.scope, round: round)
        // Preconditions are judged after the request itself is found sound (RFC 9110 §13.2.1).
        try req.requireIfMatch(id: round.id!, version: round.version)
        try await RoundService.update(round, with: fields, actor: req.auditActor, on: req.db)
        let response = try await RoundDTO(round).encodeResponse(for: req)
        ETag.set(on: response, id: round.id!, version: round.version)
        return response
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        try await RoundService.delete(round, actor: req.auditActor, on: req.db)
        return .noContent
    }
}
