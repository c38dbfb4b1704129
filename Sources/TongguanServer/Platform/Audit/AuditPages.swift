import Fluent
import TongguanDomain
import Vapor

/// The audit trail as a page.
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
            "/audit"
                + QueryString.encode(
                    [
                        ("entity_type", filter.entityType), ("entity_id", filter.entityID), ("actor", filter.actor),
                        ("from", filter.fromText), ("to", filter.toText), ("page", String(page)),
                    ]
                    .compactMap { k, v in v.map { (k, $0) } })
        }
        let body = Body(
            rows: rows.map { r in
                Row(
                    seq: r.seq, time: ChinaDate.display(r.occurredAt), actor: r.actor, action: r.action,
                    actionLabel: AuditLabels.action(r.action), entity: "\(r.entityType) \(r.entityID)", division: r.divisionCode,
                    changes: AuditChange.decode(r.changes).map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: ";"))
            },
            entityType: filter.entityType ?? "", entityID: filter.entityID ?? "", actor: filter.actor ?? "",
            from: filter.fromText ?? "", to: filter.toText ?? "", total: total, page: paging.page,
            previous: paging.page > 1 ? link(paging.page - 1) : nil,
            next: paging.offset + rows.count < total ? link(paging.page + 1) : nil)
        return try await req.page("audit", title: "审计", active: "/audit", body)
    }
}

/// The Chinese name of an audit action, from the labels every module declares.
enum AuditLabels {
    static func action(_ action: String) -> String { Modules.auditLabels[action] ?? action }
}
