import Fluent
import TongguanDomain
import Vapor

/// The division tree below the caller's scope as a page.
struct DivisionPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("divisions", use: tree)
    }

    struct Node: Encodable, Sendable {
        var code: String
        var name: String
        var level: String
        var depth: Int
    }

    func tree(req: Request) async throws -> Response {
        let caller = try req.caller
        let limit = 5000
        let rows = try await Division.scoped(caller.scope, on: req.db).sort(\.$id).limit(limit).all()
        let base = caller.scope.root.ancestors.count
        let nodes = rows.map { d in
            Node(code: d.id ?? "", name: d.name, level: d.level.label, depth: max(0, d.code.ancestors.count - base))
        }
        struct Body: Encodable, Sendable { var nodes: [Node]; var truncated: Bool }
        return try await req.page("divisions", title: "区划", active: "/divisions", Body(nodes: nodes, truncated: rows.count == limit))
    }
}
