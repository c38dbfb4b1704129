import Fluent
import TongguanDomain
import Vapor

struct AuditEventDTO: Content {
    var seq: Int64
    var occurredAt: String
    var actor: String
    var action: String
    var entityType: String
    var entityID: String
    var divisionCode: String
    var changes: [AuditChange]
    var requestID: String
    var clientAddress: String
    var hash: String

    init(_ row: AuditEventRow) {
        seq = row.seq; occurredAt = row.occurredAt; actor = row.actor; action = row.action
        entityType = row.entityType; entityID = row.entityID; divisionCode = row.divisionCode
        changes = AuditChange.decode(row.changes); requestID = row.requestID
        clientAddress = row.clientAddress; hash = row.hash
    }

    static let schema = JSONSchema.object(
        [
            ("seq", .integer()), ("occurred_at", .dateTime), ("actor", .string()), ("action", .string()),
            ("entity_type", .string()), ("entity_id", .string()), ("division_code", .divisionCode),
            (
                "changes",
                .array(
                    .object(
                        [("field", .string()), ("before", .nullable(.string())), ("after", .nullable(.string()))],
                        required: ["field"]))
            ),
            ("request_id", .string()), ("client_address", .string()), ("hash", .string()),
        ], required: ["seq", "occurred_at", "actor", "action", "entity_type", "entity_id", "division_code", "changes", "hash"])
}

/// `GET /api/v1/audit`, for admins and supervisors, limited to their scope.
struct AuditAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("audit", use: list).openAPI(
            .init(
                summary: "查询审计记录", tag: "审计",
                query: [
                    .init(name: "entity_type", description: "对象类型"), .init(name: "entity_id", description: "对象编号"),
                    .init(name: "actor", description: "操作人"), .init(name: "from", description: "起始日期 YYYY-MM-DD", schema: .date),
                    .init(name: "to", description: "截止日期 YYYY-MM-DD(含)", schema: .date),
                    .page, .per,
                ],
                response: .page(of: .ref("AuditEvent")), errors: [403, 422]))
    }

    static let schemas: [String: JSONSchema] = ["AuditEvent": AuditEventDTO.schema]

    func list(req: Request) async throws -> Page<AuditEventDTO> {
        let caller = try req.caller
        try caller.require(\.canReadAudit)
        let paging = try PageRequest(from: req)
        let (rows, total) = try await AuditFilter(from: req).run(scope: caller.scope, paging: paging, on: req.db)
        return Page(items: rows.map(AuditEventDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }
}
