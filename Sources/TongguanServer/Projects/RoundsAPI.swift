import Fluent
import SQLKit
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/rounds`: 活动批次.
struct RoundsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let rounds = routes.grouped("rounds")
        rounds.get(use: list).openAPI(.init(
            summary: "列出活动批次(本级、下级及上级的)", tag: "项目",
            query: [.init(name: "page", description: "页码"), .init(name: "per", description: "每页条数")],
            response: .page(of: .ref("Round")), errors: [422]))
        rounds.post(use: create).openAPI(.init(
            summary: "新建活动批次", tag: "项目", body: .ref("RoundInput"), response: .ref("Round"), status: 201, errors: [403]))
        rounds.get(":id", use: show).openAPI(.init(summary: "查看活动批次", tag: "项目", response: .ref("Round"), errors: [404]))
        rounds.patch(":id", use: update).openAPI(.init(
            summary: "修改活动批次(需 If-Match)", tag: "项目",
            headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
            body: .ref("RoundInput"), response: .ref("Round"), errors: [403, 404, 412, 428]))
        rounds.delete(":id", use: delete).openAPI(.init(
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
        else { throw Problem.notFound }
        let response = try await RoundDTO(round).encodeResponse(for: req)
        ETag.set(on: response, id: round.id!, version: round.version)
        return response
    }

    struct Input {
        var name: String?
        var date: CivilDate?
        var venue: String??
        var division: DivisionCode?
    }

    static func read(_ req: Request, required: Bool, scope: DivisionScope) async throws -> Input {
        var input = try InputReader(req)
        var result = Input()
        result.name = input.string("name", required: required, maxLength: 50)
        if let raw = input.string("date", required: required, maxLength: 20) {
            if let date = CivilDate(iso: raw) { result.date = date } else { input.add("date", "日期格式应为 YYYY-MM-DD") }
        }
        if input.has("venue") { result.venue = .some(input.string("venue", maxLength: 100)) }
        result.division = input.divisionCode("division_code", required: false)
        if let d = result.division {
            let exists = try await Division.find(d.rawValue, on: req.db) != nil
            if !scope.contains(d) || (d.level != .city && d.level != .county) || !exists {
                input.add("division_code", "应为您管辖范围内的市或县级区划")
            }
        }
        try input.finish()
        return result
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let input = try await Self.read(req, required: true, scope: caller.scope)
        if try await Round.query(on: req.db).filter(\.$name == input.name!).first() != nil {
            throw Problem.invalid("name", "已有同名的活动批次")
        }
        let round = Round(name: input.name!, date: input.date!.description, venue: input.venue ?? nil,
                          divisionCode: (input.division ?? caller.scope.root).rawValue)
        try await req.db.audited(by: req.auditActor) { tx, audit in
            try await round.create(on: tx)
            var diff = AuditDiff()
            diff.created("name", round.name); diff.created("date", round.date); diff.created("venue", round.venue)
            audit.record("round.create", entityType: "round", entityID: round.id!.uuidString, divisionCode: round.divisionCode, changes: diff.changes)
        }
        let response = try await RoundDTO(round).encodeResponse(status: .created, for: req)
        ETag.set(on: response, id: round.id!, version: round.version)
        return response
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        try req.requireIfMatch(id: round.id!, version: round.version)
        let input = try await Self.read(req, required: false, scope: caller.scope)
        if let name = input.name, name != round.name, try await Round.query(on: req.db).filter(\.$name == name).first() != nil {
            throw Problem.invalid("name", "已有同名的活动批次")
        }
        var diff = AuditDiff()
        if let name = input.name { diff.add("name", before: round.name, after: name); round.name = name }
        if let date = input.date { diff.add("date", before: round.date, after: date.description); round.date = date.description }
        if let venue = input.venue { diff.add("venue", before: round.venue, after: venue); round.venue = venue }
        if let d = input.division { diff.add("division_code", before: round.divisionCode, after: d.rawValue); round.divisionCode = d.rawValue }
        if !diff.isEmpty {
            let changes = diff.changes
            round.version += 1
            try await req.db.audited(by: req.auditActor) { tx, audit in
                let updated = try await tx.sql.update(Round.schema).set("version", to: SQLBind(round.version))
                    .where("id", .equal, SQLBind(round.id!)).where("version", .equal, SQLBind(round.version - 1)).returning("id").all()
                guard updated.count == 1 else { throw Problem(.preconditionFailed, detail: "该记录已被他人修改,请刷新后重试") }
                try await round.save(on: tx)
                audit.record("round.update", entityType: "round", entityID: round.id!.uuidString, divisionCode: round.divisionCode, changes: changes)
            }
        }
        let response = try await RoundDTO(round).encodeResponse(for: req)
        ETag.set(on: response, id: round.id!, version: round.version)
        return response
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let round = try await RoundService.findEditable(req.parameters.get("id"), scope: caller.scope, on: req.db)
        try await req.db.audited(by: req.auditActor) { tx, audit in
            let used = try await Milestone.query(on: tx).filter(\.$round.$id == round.id!).count()
            guard used == 0 else { throw Problem(.conflict, detail: "该批次已被\(used)个项目里程碑引用,不能删除") }
            try await round.delete(on: tx)
            var diff = AuditDiff()
            diff.add("name", before: round.name, after: nil)
            audit.record("round.delete", entityType: "round", entityID: round.id!.uuidString, divisionCode: round.divisionCode, changes: diff.changes)
        }
        return .noContent
    }
}
