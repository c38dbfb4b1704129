import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TongguanDomain
import Vapor

/// Who is changing things, as the audit trail names them.
struct AuditActor: Sendable {
    var name: String
    var requestID: String
    var clientAddress: String

    static func cli() -> AuditActor {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return AuditActor(name: "cli:\(user.isEmpty ? "unknown" : user)", requestID: "cli-\(UUID().uuidString.prefix(8).lowercased())", clientAddress: "local")
    }
}

/// Collects the events of one write; they are appended to the chain when the write commits.
final class AuditRecorder: Sendable {
    struct Pending: Sendable {
        var action: String
        var entityType: String
        var entityID: String
        var divisionCode: String
        var changes: [AuditChange]
    }

    private let pending = NIOLockedValueBox<[Pending]>([])

    func record(_ action: String, entityType: String, entityID: String, divisionCode: String, changes: [AuditChange] = []) {
        pending.withLockedValue {
            $0.append(Pending(action: action, entityType: entityType, entityID: entityID, divisionCode: divisionCode, changes: changes))
        }
    }

    var events: [Pending] { pending.withLockedValue { $0 } }
}

extension Database {
    /// Runs `body` in one transaction that also appends its audit events: no change without
    /// its event, no event without its change.
    ///
    /// The chain head is locked first, which makes writers take turns: on PostgreSQL by the
    /// row lock, on SQLite by taking the write lock before any read (so a WAL snapshot can
    /// never go stale under us). Events therefore form one line under concurrent writes.
    func audited<T: Sendable>(
        by actor: AuditActor,
        _ body: @escaping @Sendable (any Database, AuditRecorder) async throws -> T
    ) async throws -> T {
        try await transaction { tx in
            let sql = tx.sql
            if sql.isSQLite { try await sql.raw("PRAGMA busy_timeout = 10000").run(); try await sql.tuneSQLiteCache() }
            let waitStart = ContinuousClock.now
            guard let head = try await sql.raw("UPDATE audit_chain_head SET seq = seq WHERE id = 1 RETURNING seq, hash").first() else {
                throw Abort(.internalServerError, reason: "audit chain head missing")
            }
            TongguanMetrics.writeWait.record(ContinuousClock.now - waitStart)
            TongguanMetrics.writesInFlight.increment()
            defer { TongguanMetrics.writesInFlight.decrement() }
            var seq = try head.decode(column: "seq", as: Int64.self)
            var prev = try head.decode(column: "hash", as: String.self)
            let recorder = AuditRecorder()
            let result = try await body(tx, recorder)
            let events = recorder.events
            guard !events.isEmpty else { return result }
            let now = StoredInstant.string(Date())
            // Many events (an import) are sealed and written 500 at a time: multi-row INSERTs
            // (12 columns × 500 rows stays far below SQLite's bound-value limit), and never
            // the whole import's events in memory at once.
            var start = 0
            while start < events.count {
                var rows: [AuditEventRow] = []
                rows.reserveCapacity(500)
                for event in events[start..<min(start + 500, events.count)] {
                    seq += 1
                    let record = AuditRecord(
                        seq: seq, occurredAt: now, actor: actor.name, action: event.action,
                        entityType: event.entityType, entityID: event.entityID, divisionCode: event.divisionCode,
                        changes: AuditChange.encode(event.changes), requestID: actor.requestID,
                        clientAddress: actor.clientAddress, prevHash: prev
                    ).sealed()
                    rows.append(AuditEventRow(record))
                    prev = record.hash
                }
                try await sql.insert(into: "audit_events").models(rows).run()
                start += 500
            }
            try await sql.raw("UPDATE audit_chain_head SET seq = \(bind: seq), hash = \(bind: prev) WHERE id = 1").run()
            return result
        }
    }
}
