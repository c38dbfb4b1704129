import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Re-seals every value of the declared sealed columns under the new data key (and
/// recomputes its blind index), in batches, each batch one audited transaction. Reads keep
/// working throughout: a server started with both keys (`TONGGUAN_DATA_KEY_NEW`) opens values
/// under either and seals new ones under the new key. The job can stop anywhere and be run
/// again: it walks each table in id order and re-seals exactly the values not yet under the
/// new key.
enum KeyRotation {
    static let defaultBatch = 500

    struct Outcome: Sendable, Equatable {
        var scanned = 0
        var rotated = 0
    }

    struct NotRotating: Error {}

    static func run(
        ring: KeyRing, columns: [SealedColumn], rotations: [SealedValueRotation] = [], batch: Int = defaultBatch, actor: AuditActor,
        on db: any Database,
        progress: Progress = .silent, afterBatch: @Sendable (Int) async throws -> Void = { _ in }
    ) async throws -> Outcome {
        guard let next = ring.next else { throw NotRotating() }
        struct Count: Decodable { var n: Int }
        var total = 0
        for column in columns {
            total += try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: column.table)").first(decoding: Count.self)?.n ?? 0
        }
        let root = try await Division.root(on: db)?.id ?? "141100"
        var outcome = Outcome()
        var batchNumber = 0
        for column in columns {
            var last: UUID?
            while true {
                struct Row: Decodable { var id: UUID; var value: String? }
                var query = db.sql.select().column("id").column(SQLIdentifier(column.sealed), as: "value").from(column.table)
                if let last { query = query.where("id", .greaterThan, SQLBind(last)) }
                let rows = try await query.orderBy("id").limit(batch).all(decoding: Row.self)
                guard let end = rows.last else { break }
                last = end.id
                outcome.scanned += rows.count
                var changes: [Change] = []
                for row in rows {
                    guard let value = row.value, let rotated = try ring.rotated(value) else { continue }
                    changes.append(Change(id: row.id, old: value, sealed: rotated.stored, index: rotated.blindIndex))
                }
                if !changes.isEmpty {
                    let changes = changes
                    let written = try await db.audited(by: actor) { tx, audit in
                        let count = try await write(changes, column: column, on: tx.sql)
                        audit.record(
                            "keys.rotate", entityType: "data_key", entityID: next.keyID, divisionCode: root,
                            changes: [
                                AuditChange(field: "key_id", before: ring.current.keyID, after: next.keyID),
                                AuditChange(field: "column", before: nil, after: column.table + "." + column.sealed),
                                AuditChange(field: "rows", before: nil, after: String(count)),
                            ])
                        return count
                    }
                    outcome.rotated += written
                }
                batchNumber += 1
                progress.update("更换密钥", done: outcome.scanned, total: total)
                try await afterBatch(batchNumber)
            }
        }
        // Values the modules re-seal themselves: the same batches, transactions and events.
        for rotation in rotations {
            var cursor: String?
            repeat {
                let after = cursor
                let step = try await db.audited(by: actor) { tx, audit in
                    let step = try await rotation.rotate(ring, after, batch, tx)
                    if step.rotated > 0 {
                        audit.record(
                            "keys.rotate", entityType: "data_key", entityID: next.keyID, divisionCode: root,
                            changes: [
                                AuditChange(field: "key_id", before: ring.current.keyID, after: next.keyID),
                                AuditChange(field: "column", before: nil, after: rotation.label),
                                AuditChange(field: "rows", before: nil, after: String(step.rotated)),
                            ])
                    }
                    return step
                }
                outcome.scanned += step.scanned
                outcome.rotated += step.rotated
                cursor = step.next
                batchNumber += 1
                progress.update("更换密钥", done: outcome.scanned, total: max(total, outcome.scanned))
                try await afterBatch(batchNumber)
            } while cursor != nil
        }
        return outcome
    }

    struct Change: Sendable {
        var id: UUID
        var old: String
        var sealed: String
        var index: String
    }

    /// One statement per batch; a row changed since it was read (a value corrected
    /// meanwhile, sealed already under the new key) is left as it is.
    static func write(_ changes: [Change], column: SealedColumn, on sql: any SQLDatabase) async throws -> Int {
        var values: SQLQueryString = ""
        for (i, c) in changes.enumerated() {
            if i > 0 { values += ", " }
            values += "(\(bind: c.id), \(bind: c.old), \(bind: c.sealed), \(bind: c.index))"
        }
        let table = SQLIdentifier(column.table)
        var set: SQLQueryString = "\(ident: column.sealed) = v.sealed"
        if let index = column.blindIndex { set += ", \(ident: index) = v.idx" }
        struct Row: Decodable { var id: UUID }
        let updated = try await sql.raw(
            """
            WITH v (id, old, sealed, idx) AS (VALUES \(values))
            UPDATE \(table) SET \(set)
            FROM v WHERE \(table).id = v.id AND \(table).\(ident: column.sealed) = v.old
            RETURNING \(table).id
            """
        ).all(decoding: Row.self)
        return updated.count
    }

    /// How many stored values are not yet under the sealing key.
    static func remaining(ring: KeyRing, columns: [SealedColumn], rotations: [SealedValueRotation] = [], on db: any Database) async throws -> Int {
        struct Count: Decodable { var n: Int }
        var left = 0
        for rotation in rotations { left += try await rotation.remaining(ring, db) }
        for column in columns {
            left +=
                try await db.sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM \(ident: column.table)
                    WHERE \(ident: column.sealed) IS NOT NULL AND \(ident: column.sealed) NOT LIKE \(bind: ring.sealing.storedPrefix + "%")
                    """
                ).first(decoding: Count.self)?.n ?? 0
        }
        return left
    }
}
