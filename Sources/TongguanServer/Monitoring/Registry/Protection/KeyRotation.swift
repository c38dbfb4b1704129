import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Re-seals every stored resident ID under the new data key (and recomputes its blind
/// index), in batches, each batch one audited transaction. Reads keep working throughout:
/// a server started with both keys (`TONGGUAN_DATA_KEY_NEW`) opens values under either and
/// seals new ones under the new key. The job can stop anywhere and be run again: it walks
/// the members in id order and re-seals exactly the values not yet under the new key.
enum KeyRotation {
    static let defaultBatch = 500

    struct Outcome: Sendable, Equatable {
        var scanned = 0
        var rotated = 0
    }

    struct NotRotating: Error {}

    static func run(
        ring: KeyRing, batch: Int = defaultBatch, actor: AuditActor, on db: any Database, progress: Progress = .silent,
        afterBatch: @Sendable (Int) async throws -> Void = { _ in }
    ) async throws -> Outcome {
        guard let next = ring.next else { throw NotRotating() }
        struct Count: Decodable { var n: Int }
        let total = try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: Member.schema)").first(decoding: Count.self)?.n ?? 0
        let root = try await Division.root(on: db)?.id ?? "141100"
        var outcome = Outcome()
        var last: UUID?
        var batchNumber = 0
        while true {
            struct Row: Decodable { var id: UUID; var resident_id_sealed: String }
            var query = db.sql.select().columns("id", "resident_id_sealed").from(Member.schema)
            if let last { query = query.where("id", .greaterThan, SQLBind(last)) }
            let rows = try await query.orderBy("id").limit(batch).all(decoding: Row.self)
            guard let end = rows.last else { break }
            last = end.id
            outcome.scanned += rows.count
            var changes: [(id: UUID, old: String, sealed: String, index: String)] = []
            for row in rows {
                guard let rotated = try ring.rotated(row.resident_id_sealed) else { continue }
                changes.append((row.id, row.resident_id_sealed, rotated.stored, rotated.blindIndex))
            }
            if !changes.isEmpty {
                let changes = changes
                let written = try await db.audited(by: actor) { tx, audit in
                    let count = try await write(changes, on: tx.sql)
                    audit.record(
                        "keys.rotate", entityType: "data_key", entityID: next.keyID, divisionCode: root,
                        changes: [
                            AuditChange(field: "key_id", before: ring.current.keyID, after: next.keyID),
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
        return outcome
    }

    /// One statement per batch; a row changed since it was read (an ID corrected meanwhile,
    /// sealed already under the new key) is left as it is.
    static func write(_ changes: [(id: UUID, old: String, sealed: String, index: String)], on sql: any SQLDatabase) async throws -> Int {
        var values: SQLQueryString = ""
        for (i, c) in changes.enumerated() {
            if i > 0 { values += ", " }
            values += "(\(bind: c.id), \(bind: c.old), \(bind: c.sealed), \(bind: c.index))"
        }
        struct Row: Decodable { var id: UUID }
        let updated = try await sql.raw(
            """
            WITH v (id, old, sealed, idx) AS (VALUES \(values))
            UPDATE \(ident: Member.schema) SET resident_id_sealed = v.sealed, resident_id_index = v.idx
            FROM v WHERE \(ident: Member.schema).id = v.id AND \(ident: Member.schema).resident_id_sealed = v.old
            RETURNING \(ident: Member.schema).id
            """
        ).all(decoding: Row.self)
        return updated.count
    }

    /// How many stored values are not yet under the sealing key.
    static func remaining(ring: KeyRing, on db: any Database) async throws -> Int {
        struct Count: Decodable { var n: Int }
        return try await db.sql.raw(
            "SELECT COUNT(*) AS n FROM \(ident: Member.schema) WHERE resident_id_sealed NOT LIKE \(bind: ring.sealing.storedPrefix + "%")"
        ).first(decoding: Count.self)?.n ?? 0
    }
}
