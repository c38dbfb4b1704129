import Fluent
import TongguanDomain
import Vapor

/// `/api/v1/divisions`: the tree below the caller's scope.
struct DivisionsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let divisions = routes.grouped("divisions")
        divisions.get(use: list).openAPI(
            .init(
                summary: "列出管辖范围内的区划", tag: "区划",
                query: [
                    .init(name: "parent", description: "只列出此区划的下级"),
                    .page, .per,
                ],
                response: .page(of: .ref("Division")), errors: [422]))
        divisions.get(":code", use: show).openAPI(
            .init(
                summary: "查看区划", tag: "区划", response: .ref("Division"), errors: [404]))
        divisions.post(use: create).openAPI(
            .init(
                summary: "新增区划(上级须已存在)", tag: "区划", body: .ref("NewDivision"), response: .ref("Division"),
                status: 201, errors: [403]))
        divisions.patch(":code", use: rename).openAPI(
            .init(
                summary: "修改区划名称", tag: "区划", body: .ref("DivisionChange"), response: .ref("Division"), errors: [403, 404]))
    }

    static let schemas: [String: JSONSchema] = [
        "Division": DivisionDTO.schema,
        "NewDivision": .object([("code", .divisionCode), ("name", .string())], required: ["code", "name"]),
        "DivisionChange": .object([("name", .string())], required: ["name"]),
    ]

    func list(req: Request) async throws -> Page<DivisionDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req, defaultPer: 200)
        var query = Division.scoped(caller.scope, on: req.db)
        if let parent = req.query[String.self, at: "parent"] {
            query = query.filter(\.$parentCode == parent)
        }
        let total = try await query.count()
        let rows = try await query.sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: rows.map(DivisionDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func show(req: Request) async throws -> DivisionDTO {
        let caller = try req.caller
        guard let division = try await Division.find(req.parameters.get("code") ?? "", in: caller.scope, on: req.db) else {
            throw Refusal.notFound
        }
        return DivisionDTO(division)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let code = input.divisionCode("code", required: true)
        let name = input.string("name", required: true, maxLength: 50)
        if let code {
            if !caller.scope.contains(code) || code == caller.scope.root {
                input.add("code", "只能在您的管辖范围内新增下级区划")
            } else if try await Division.find(code.rawValue, on: req.db) != nil {
                input.add("code", "该区划代码已存在")
            } else if let parent = code.parent, try await Division.find(parent.rawValue, on: req.db) == nil {
                input.add("code", "上级区划 \(parent.rawValue) 不存在")
            }
        }
        try input.finish()
        let division = try await req.db.audited(by: req.auditActor) { tx, audit in
            try await DivisionService.upsert(code: code!, name: name!, on: tx, audit: audit)
        }
        return try await DivisionDTO(division).encodeResponse(status: .created, for: req)
    }

    func rename(req: Request) async throws -> DivisionDTO {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        guard let division = try await Division.find(req.parameters.get("code") ?? "", in: caller.scope, on: req.db) else {
            throw Refusal.notFound
        }
        var input = try InputReader(req)
        let name = input.string("name", required: true, maxLength: 50)
        try input.finish()
        let updated = try await req.db.audited(by: req.auditActor) { tx, audit in
            try await DivisionService.upsert(code: division.code, name: name!, on: tx, audit: audit)
        }
        return DivisionDTO(updated)
    }
}
