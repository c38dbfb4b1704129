import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
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

    /// The application itself, seeding data at start.
    static let system = AuditActor(name: "system", requestID: "seed", clientAddress: "local")

    static func cli() -> AuditActor {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return AuditActor(
            name: "cli:\(user.isEmpty ? "unknown" : user)", requestID: "cli-\(UUID().uuidString.prefix(8).lowercased())", clientAddress: "local")
    }
}

/// Collects the events of one write and appends them to the chain inside its transaction.
/// Events wait in memory until `flush` (at the latest when the write commits); a large write
/// such as an import flushes as it goes, so memory stays flat.
final class AuditRecorder: Sendable {
    struct Pending: Sendable {
        var action: String
        var entityType: String
        var entityID: String
        var divisionCode: String
        var changes: [AuditChange]
    }

    private struct State: Sendable {
        var pending: [Pending] = []
        var seq: Int64
        var prev: String
        var written = 0
    }

    private let state: NIOLockedValueBox<State>
    private let actor: AuditActor
    private let occurredAt = StoredInstant.string(Date())

    init(actor: AuditActor, headSeq: Int64, headHash: String) {
        self.actor = actor
        self.state = NIOLockedValueBox(State(seq: headSeq, prev: headHash))
    }

    func record(_ action: String, entityType: String, entityID: String, divisionCode: String, changes: [AuditChange] = []) {
        state.withLockedValue {
            $0.pending.append(Pending(action: action, entityType: entityType, entityID: entityID, divisionCode: divisionCode, changes: changes))
        }
    }

    /// Events recorded so far, written or not.
    var count: Int { state.withLockedValue { $0.written + $0.pending.count } }

    /// Seals the waiting events onto the chain and writes them. A few events (a form's
    /// write) go in multi-row INSERTs; many (an import's) in bulk: on PostgreSQL by
    /// `COPY … FROM STDIN`, on SQLite as one prepared statement text of 500 rows (12 × 500
    /// bound values, far below its limit), without encoding each row through `Codable`.
    func flush(on sql: any SQLDatabase) async throws {
        let limit = sql is any PostgresDatabase ? Self.copyRows : Self.insertRows
        while true {
            let rows = seal(upTo: state.withLockedValue { $0.pending.count } >= Self.bulk ? limit : Self.insertRows)
            guard !rows.isEmpty else { return }
            try await write(rows, on: sql)
        }
    }

    /// Seals every waiting event onto the chain, for `write`. Pure computation (the
    /// changes' JSON and a SHA-256 per event): a bulk writer runs it beside its own
    /// statements and writes the result after them, in the same transaction.
    func sealPending() -> [AuditRecord] {
        seal(upTo: .max)
    }

    /// Writes sealed events (from `sealPending`), in order.
    func write(_ records: [AuditRecord], on sql: any SQLDatabase) async throws {
        let bulk = records.count >= Self.bulk
        if bulk, let pg = sql as? any PostgresDatabase {
            for start in stride(from: 0, to: records.count, by: Self.copyRows) {
                let rows = records[start..<min(start + Self.copyRows, records.count)]
                var buffer = ByteBufferAllocator().buffer(capacity: rows.count * 720)
                for row in rows { Self.appendCopyRow(row, to: &buffer) }
                try await CopyText.copy(buffer, into: "audit_events", columns: Self.columns, on: pg)
            }
            return
        }
        if bulk, let sqlite = sql as? any SQLiteDatabase {
            try await Self.sqliteInsert.insert(records, on: sqlite) { r, binds in
                binds.append(.integer(Int(r.seq)))
                for text in r.columnTexts { binds.append(.text(text)) }
            }
            return
        }
        for start in stride(from: 0, to: records.count, by: Self.insertRows) {
            let rows = records[start..<min(start + Self.insertRows, records.count)]
            try await sql.insert(into: "audit_events").models(rows.map(AuditEventRow.init)).run()
        }
    }

    /// Waiting events from which `flush` writes in bulk.
    static let bulk = 100
    static let insertRows = 500
    static let copyRows = 5000
    static var columns: [String] { AuditEventRow.columns }

    /// 500 rows of 12 values: far below SQLite's limit of bound values.
    private static let sqliteInsert = SQLiteBulkInsert(into: "audit_events", columns: columns, rowsPerStatement: insertRows)

    static func appendCopyRow(_ r: AuditRecord, to buffer: inout ByteBuffer) {
        CopyText.append(r.seq, to: &buffer)
        for text in r.columnTexts { CopyText.append(text, to: &buffer) }
        CopyText.endRow(&buffer)
    }

    /// Takes up to `limit` waiting events off the queue and seals them onto the chain, in order.
    private func seal(upTo limit: Int) -> [AuditRecord] {
        state.withLockedValue { s in
            let batch = s.pending.prefix(limit)
            guard !batch.isEmpty else { return [] }
            var rows: [AuditRecord] = []
            rows.reserveCapacity(batch.count)
            for event in batch {
                s.seq += 1
                let record = AuditRecord(
                    seq: s.seq, occurredAt: occurredAt, actor: actor.name, action: event.action,
                    entityType: event.entityType, entityID: event.entityID, divisionCode: event.divisionCode,
                    changes: AuditChange.encode(event.changes), requestID: actor.requestID,
                    clientAddress: actor.clientAddress, prevHash: s.prev
                ).sealed()
                rows.append(record)
                s.prev = record.hash
            }
            s.pending.removeFirst(batch.count)
            s.written += batch.count
            return rows
        }
    }

    /// The chain head after everything flushed so far.
    var head: (seq: Int64, hash: String, changed: Bool) { state.withLockedValue { ($0.seq, $0.prev, $0.written > 0) } }
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
            // Writers queue for the lock; an import of a large file holds it for seconds, so a
            // writer behind a few of them waits up to a minute before being told to retry.
            if sql.isSQLite { try await sql.raw("PRAGMA busy_timeout = 60000").run(); try await sql.tuneSQLiteCache() }
            let waitStart = ContinuousClock.now
            guard let head = try await sql.raw("UPDATE audit_chain_head SET seq = seq WHERE id = 1 RETURNING seq, hash").first() else {
                throw Abort(.internalServerError, reason: "audit chain head missing")
            }
            TongguanMetrics.writeWait.record(ContinuousClock.now - waitStart)
            TongguanMetrics.writesInFlight.increment()
            defer { TongguanMetrics.writesInFlight.decrement() }
            let recorder = AuditRecorder(
                actor: actor, headSeq: try head.decode(column: "seq", as: Int64.self),
                headHash: try head.decode(column: "hash", as: String.self))
            let result = try await body(tx, recorder)
            try await recorder.flush(on: sql)
            let end = recorder.head
            if end.changed {
                try await sql.raw("UPDATE audit_chain_head SET seq = \(bind: end.seq), hash = \(bind: end.hash) WHERE id = 1").run()
            }
            return result
        }
    }
}
