import Fluent
import SQLKit
import TongguanDomain

/// The trail, its chain head, and triggers that refuse UPDATE and DELETE on events, so that
/// even a mistaken SQL console session cannot rewrite history quietly.
struct CreateAuditTrail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(table: "audit_events")
            .column("seq", type: .bigint, .primaryKey(autoIncrement: false))
            .column("occurred_at", type: .text, .notNull)
            .column("actor", type: .text, .notNull)
            .column("action", type: .text, .notNull)
            .column("entity_type", type: .text, .notNull)
            .column("entity_id", type: .text, .notNull)
            .column("division_code", type: .text, .notNull)
            .column("changes", type: .text, .notNull)
            .column("request_id", type: .text, .notNull)
            .column("client_address", type: .text, .notNull)
            .column("prev_hash", type: .text, .notNull)
            .column("hash", type: .text, .notNull)
            .run()
        try await sql.create(index: "audit_events_entity").on("audit_events").column("entity_type").column("entity_id").run()
        try await sql.create(index: "audit_events_division").on("audit_events").column("division_code").run()
        try await sql.create(index: "audit_events_time").on("audit_events").column("occurred_at").run()
        try await sql.create(table: "audit_chain_head")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("seq", type: .bigint, .notNull)
            .column("hash", type: .text, .notNull)
            .run()
        try await sql.insert(into: "audit_chain_head")
            .columns("id", "seq", "hash")
            .values(SQLBind(1), SQLBind(Int64(0)), SQLBind(AuditChain.genesisHash))
            .run()
        for statement in Self.appendOnlyTriggers(sqlite: sql.isSQLite) {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(table: "audit_chain_head").run()
        try await database.sql.drop(table: "audit_events").run()
    }

    static func appendOnlyTriggers(sqlite: Bool) -> [String] {
        if sqlite {
            return ["UPDATE", "DELETE"].map { op in
                """
                CREATE TRIGGER audit_events_no_\(op.lowercased()) BEFORE \(op) ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
                """
            }
        }
        return [
            """
            CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql
            """,
            """
            CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
            """,
            """
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
            """,
        ]
    }
}
