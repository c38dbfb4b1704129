import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// The resident IDs ledger items hold, sealed inside each item's `data` JSON, with their
/// blind indexes in `ledger_values` (part `v`) and, for unique fields, `ledger_unique`. No
/// `SealedColumn` describes them, so the module re-seals them itself when `tongguan keys
/// rotate` asks (`SealedValueRotation`): items in `seq` order, a batch at a time, each batch
/// in the rotation's audited transaction; an item changed since its batch was read is left
/// as it is (its writer sealed under the new key already).
enum LedgerSealedIDs {
    static let label = "台账事项中的身份证号"

    static var rotation: SealedValueRotation {
        SealedValueRotation(
            label: label, remaining: { ring, db in try await remaining(ring, on: db) },
            rotate: { ring, after, batch, tx in try await rotate(ring, after: after, batch: batch, on: tx) })
    }

    /// The resident-ID field keys of every ledger that has one (archived fields included:
    /// their values stay stored).
    static func idFields(on db: any Database) async throws -> [UUID: [String]] {
        var fields: [UUID: [String]] = [:]
        for ledger in try await Ledger.query(on: db).all() {
            let keys = try ledger.definition.fields.filter { $0.type == .residentID }.map(\.key)
            if !keys.isEmpty, let id = ledger.id { fields[id] = keys }
        }
        return fields
    }

    /// One `ledger_values` row (part "v") per stored ID: its blind index.
    static func count(on db: any Database) async throws -> Int {
        struct Row: Decodable { var n: Int }
        var total = 0
        for (id, keys) in try await idFields(on: db) {
            let row = try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(LedgerStore.values)
                .where("ledger_id", .equal, SQLBind(id))
                .where("part", .equal, SQLBind("v"))
                .where("field_key", .in, SQLBind.group(keys))
                .first(decoding: Row.self)
            total += row?.n ?? 0
        }
        return total
    }

    struct Item: Decodable {
        var id: UUID
        var seq: Int64
        var ledger_id: UUID
        var data: String
    }

    /// The stored IDs of `item` not yet under the ring's sealing key, by field key.
    static func staleIDs(_ item: Item, keys: [String], ring: KeyRing) throws -> (members: [String: LedgerInput], stale: [String: String]) {
        guard case .object(let members) = try LedgerJSON.parse(Data(item.data.utf8)) else {
            throw LedgerStorageError(message: "台账记录 \(item.seq) 的数据无法读取")
        }
        var stale: [String: String] = [:]
        for key in keys {
            if case .string(let sealed) = members[key], ring.needsRotation(sealed) { stale[key] = sealed }
        }
        return (members, stale)
    }

    /// How many stored IDs are not under the sealing key (items whose JSON holds a sealed
    /// value at all are read; the others cannot hold one).
    static func remaining(_ ring: KeyRing, on db: any Database) async throws -> Int {
        let fields = try await idFields(on: db)
        guard !fields.isEmpty else { return 0 }
        let items = try await db.sql.select().columns("id", "seq", "ledger_id", "data").from(LedgerItemRecord.schema)
            .where("ledger_id", .in, SQLBind.group(Array(fields.keys)))
            .where("data", .like, SQLBind("%\"" + FieldCipher.version + ".%"))
            .all(decoding: Item.self)
        return try items.reduce(0) { n, item in n + (try staleIDs(item, keys: fields[item.ledger_id] ?? [], ring: ring).stale.count) }
    }

    struct IndexChange: Sendable {
        var ledger: UUID
        var seq: Int64
        var field: String
        var old: String
        var fresh: String
    }

    /// Re-seals the IDs of up to `batch` items after `seq` `after`, and moves their blind
    /// indexes (`ledger_values`, `ledger_unique`) from the old key's to the new key's.
    static func rotate(_ ring: KeyRing, after: String?, batch: Int, on db: any Database) async throws -> SealedValueRotation.Step {
        let fields = try await idFields(on: db)
        guard !fields.isEmpty else { return .init(scanned: 0, rotated: 0, next: nil) }
        let items = try await db.sql.select().columns("id", "seq", "ledger_id", "data").from(LedgerItemRecord.schema)
            .where("ledger_id", .in, SQLBind.group(Array(fields.keys)))
            .where("seq", .greaterThan, SQLBind(after.flatMap { Int64($0) } ?? Int64.min))
            .orderBy("seq").limit(batch).all(decoding: Item.self)
        guard let last = items.last else { return .init(scanned: 0, rotated: 0, next: nil) }
        var rewritten: [(id: UUID, old: String, fresh: String)] = []
        var indexes: [IndexChange] = []
        for item in items {
            var (members, stale) = try staleIDs(item, keys: fields[item.ledger_id] ?? [], ring: ring)
            guard !stale.isEmpty else { continue }
            for (key, sealed) in stale.sorted(by: { $0.key < $1.key }) {
                let clear: String
                do { clear = try ring.open(sealed) } catch {
                    throw LedgerStorageError(message: "台账记录 \(item.seq) 的身份证号无法解密:" + error.message)
                }
                members[key] = .string(ring.sealing.seal(clear))
                let old = FieldCipher.keyID(of: sealed) == ring.current.keyID ? ring.current.blindIndex(clear) : ring.sealing.blindIndex(clear)
                indexes.append(IndexChange(ledger: item.ledger_id, seq: item.seq, field: key, old: old, fresh: ring.sealing.blindIndex(clear)))
            }
            rewritten.append((item.id, item.data, LedgerJSON.text(.object(members))))
        }
        let next = items.count < batch ? nil : String(last.seq)
        guard !rewritten.isEmpty else { return .init(scanned: items.count, rotated: 0, next: next) }

        let table = SQLIdentifier(LedgerItemRecord.schema)
        var values: SQLQueryString = ""
        for (i, r) in rewritten.enumerated() {
            if i > 0 { values += ", " }
            values += "(\(bind: r.id), \(bind: r.old), \(bind: r.fresh))"
        }
        struct Seq: Decodable { var seq: Int64 }
        let updated = Set(
            try await db.sql.raw(
                """
                WITH v (id, old, fresh) AS (VALUES \(values))
                UPDATE \(table) SET data = v.fresh FROM v WHERE \(table).id = v.id AND \(table).data = v.old
                RETURNING \(table).seq
                """
            ).all(decoding: Seq.self).map(\.seq))
        let moved = indexes.filter { updated.contains($0.seq) }
        if !moved.isEmpty {
            var rows: SQLQueryString = ""
            for (i, c) in moved.enumerated() {
                if i > 0 { rows += ", " }
                rows += "(\(bind: c.ledger), \(bind: c.seq), \(bind: c.field), \(bind: c.old), \(bind: c.fresh))"
            }
            for (name, column, part) in [(LedgerStore.values, "t", true), (LedgerStore.unique, "value_key", false)] {
                let target = SQLIdentifier(name)
                let partCondition: SQLQueryString = part ? " AND \(target).part = 'v'" : ""
                try await db.sql.raw(
                    """
                    WITH v (ledger_id, seq, field_key, old, fresh) AS (VALUES \(rows))
                    UPDATE \(target) SET \(ident: column) = v.fresh FROM v
                    WHERE \(target).ledger_id = v.ledger_id AND \(target).item_seq = v.seq AND \(target).field_key = v.field_key
                      AND \(target).\(ident: column) = v.old\(partCondition)
                    """
                ).run()
            }
        }
        return .init(scanned: items.count, rotated: moved.count, next: next)
    }
}
