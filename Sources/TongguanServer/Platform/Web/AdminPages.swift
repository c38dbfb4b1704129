import Fluent
import TongguanDomain
import Vapor

/// The audit trail and the division tree as pages.
struct AuditPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: list)
    }

    struct Row: Encodable, Sendable {
        var seq: Int64
        var time: String
        var actor: String
        var action: String
        var actionLabel: String
        var entity: String
        var division: String
        var changes: String
    }

    struct Body: Encodable, Sendable {
        var rows: [Row]
        var entityType: String
        var entityID: String
        var actor: String
        var from: String
        var to: String
        var total: Int
        var page: Int
        var previous: String?
        var next: String?
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canReadAudit)
        let paging = try PageRequest(from: req)
        let filter = try AuditFilter(from: req)
        let (rows, total) = try await filter.run(scope: caller.scope, paging: paging, on: req.db)
        let link = { (page: Int) -> String in
            var components = URLComponents()
            components.queryItems = [("entity_type", filter.entityType), ("entity_id", filter.entityID), ("actor", filter.actor),
                                     ("from", filter.fromText), ("to", filter.toText), ("page", String(page))]
                .compactMap { k, v in v.map { URLQueryItem(name: k, value: $0) } }
            return "/audit" + (components.string ?? "")
        }
        let body = Body(
            rows: rows.map { r in
                Row(seq: r.seq, time: ChinaDate.display(r.occurred_at), actor: r.actor, action: r.action,
                    actionLabel: AuditLabels.action(r.action), entity: "\(r.entity_type) \(r.entity_id)", division: r.division_code,
                    changes: AuditChange.decode(r.changes).map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: ";"))
            },
            entityType: filter.entityType ?? "", entityID: filter.entityID ?? "", actor: filter.actor ?? "",
            from: filter.fromText ?? "", to: filter.toText ?? "", total: total, page: paging.page,
            previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + rows.count < total ? link(paging.page + 1) : nil)
        return try await req.page("audit", title: "审计", active: "/audit", body)
    }
}

enum AuditLabels {
    static func action(_ action: String) -> String {
        switch action {
        case "login.success": "登录成功"
        case "login.failure": "登录失败"
        case "token.revoke": "吊销令牌"
        case "user.create": "新建用户"
        case "user.update": "修改用户"
        case "user.moved_out": "用户调出"
        case "user.password_reset": "重置密码"
        case "division.create": "新增区划"
        case "division.update": "修改区划"
        case "round.create": "新建批次"
        case "round.update": "修改批次"
        case "round.delete": "删除批次"
        case "project.create": "新建项目"
        case "project.update": "修改项目"
        case "project.moved_out": "项目调出"
        case "project.delete": "删除项目"
        case "milestone.set": "登记阶段"
        case "milestone.remove": "删除阶段"
        default: action
        }
    }
}

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
