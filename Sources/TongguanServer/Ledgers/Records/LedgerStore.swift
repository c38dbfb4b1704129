import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// How an item's values are kept for finding and counting them:
///
/// - `ledger_values`: one row per value (`part` `v`), plus one per chosen option of a
///   multi-choice (`o`) and one for a person's phone (`p`). `t` is the value's comparable
///   text (`LedgerValue.uniqueKey`; for a resident ID its blind index, never the number),
///   `n` the integer (分 for money, units for decimals, 0/1 for yes/no), `s` a decimal's
///   scale. Filters and `count_distinct` go through `(ledger_id, field_key, part, t)`.
/// - `ledger_unique`: the values of active unique fields, under a unique constraint.
/// - `ledger_tallies`: counts (and sums) per ledger, division and state: the items
///   themselves (`field_key` ''), each option of a choice, multi-choice or yes/no field, and
///   the sum of each number field. Updated in the same transaction as the items, so the
///   common aggregates read them instead of the items.
enum LedgerStore {
    static let values = "ledger_values"
    static let unique = "ledger_unique"
    static let tallies = "ledger_tallies"

    /// One row of `ledger_values`.
    struct IndexRow: Hashable, Sendable {
        var fieldKey: String
        var part: String
        var t: String?
        var n: Int64?
        var s: Int?
    }

    /// The comparable text of a value: a resident ID by its blind index.
    static func key(of value: LedgerValue, keys: KeyRing?) throws -> String {
        if case .residentID(let id) = value {
            guard let keys else { throw LedgerStorageError(message: "缺少身份证号加密密钥") }
            return keys.blindIndex(id)
        }
        return value.uniqueKey
    }

    /// Every comparable text a stored value may have: a resident ID by both keys' blind
    /// indexes while a rotation runs (items not yet re-sealed keep the old key's).
    static func lookupKeys(of value: LedgerValue, keys: KeyRing?) throws -> [String] {
        if case .residentID(let id) = value, let keys { return keys.blindIndexes(id) }
        return [try key(of: value, keys: keys)]
    }

    static func indexRows(_ values: LedgerValueMap, keys: KeyRing?) throws -> [IndexRow] {
        var rows: [IndexRow] = []
        for (fieldKey, value) in values.sorted(by: { $0.key < $1.key }) {
            var main = IndexRow(fieldKey: fieldKey, part: "v", t: try key(of: value, keys: keys))
            switch value {
            case .integer(let n), .money(let n): main.n = n
            case .decimal(let d): main.n = d.units; main.s = d.scale
            case .bool(let b): main.n = b ? 1 : 0
            default: break
            }
            rows.append(main)
            if case .multiChoice(let options) = value {
                for option in options { rows.append(IndexRow(fieldKey: fieldKey, part: "o", t: option)) }
            }
            if case .person(let p) = value { rows.append(IndexRow(fieldKey: fieldKey, part: "p", t: p.phone)) }
        }
        return rows
    }

    // MARK: tallies

    struct TallyKey: Hashable, Sendable {
        var fieldKey: String
        var bucket: String
        var division: String
        var state: String
    }

    struct Tally: Sendable, Equatable {
        var items: Int64 = 0
        var total: Int64 = 0
    }

    /// What one item adds to the tallies.
    static func contributions(of item: LedgerItemContent) -> [TallyKey: Tally] {
        let division = item.divisionCode.rawValue, state = item.stateCode
        func key(_ field: String, _ bucket: String) -> TallyKey { TallyKey(fieldKey: field, bucket: bucket, division: division, state: state) }
        var result: [TallyKey: Tally] = [key("", ""): Tally(items: 1)]
        for (fieldKey, value) in item.values {
            switch value {
            case .choice(let option): result[key(fieldKey, option)] = Tally(items: 1)
            case .bool(let b): result[key(fieldKey, b ? "true" : "false")] = Tally(items: 1)
            case .multiChoice(let options): for option in options { result[key(fieldKey, option)] = Tally(items: 1) }
            case .integer(let n), .money(let n): result[key(fieldKey, "")] = Tally(items: 1, total: n)
            case .decimal(let d): result[key(fieldKey, "s\(d.scale)")] = Tally(items: 1, total: d.units)
            default: break
            }
        }
        return result
    }

    /// Accumulates the change of many items before writing it once.
    struct TallyDelta: Sendable {
        var changes: [TallyKey: Tally] = [:]

        mutating func add(_ item: LedgerItemContent, sign: Int64) {
            for (key, tally) in LedgerStore.contributions(of: item) {
                var current = changes[key] ?? Tally()
                current.items += sign * tally.items
                current.total = current.total &+ sign &* tally.total
                changes[key] = current
            }
        }

        mutating func replace(_ old: LedgerItemContent?, with new: LedgerItemContent?) {
            if let old { add(old, sign: -1) }
            if let new { add(new, sign: 1) }
        }

        func write(ledgerID: UUID, on sql: any SQLDatabase) async throws {
            let rows = changes.filter { $0.value != Tally() }.sorted {
                ($0.key.fieldKey, $0.key.bucket, $0.key.division, $0.key.state) < ($1.key.fieldKey, $1.key.bucket, $1.key.division, $1.key.state)
            }
            var start = 0
            while start < rows.count {
                var insert = sql.insert(into: LedgerStore.tallies).columns(
                    "ledger_id", "field_key", "bucket", "division_code", "state", "items", "total")
                for (key, tally) in rows[start..<min(start + 500, rows.count)] {
                    insert = insert.values([
                        SQLBind(ledgerID), SQLBind(key.fieldKey), SQLBind(key.bucket), SQLBind(key.division), SQLBind(key.state),
                        SQLBind(tally.items), SQLBind(tally.total),
                    ])
                }
                try await insert.onConflict(with: ["ledger_id", "field_key", "bucket", "division_code", "state"]) {
                    $0.set("items", to: SQLRaw("\(LedgerStore.tallies).items + excluded.items"))
                        .set("total", to: SQLRaw("\(LedgerStore.tallies).total + excluded.total"))
                }.run()
                start += 500
            }
        }
    }

    // MARK: writing an item's rows

    /// Replaces the value rows of the given items (none for a new item).
    static func deleteRows(items seqs: [Int64], on sql: any SQLDatabase) async throws {
        guard !seqs.isEmpty else { return }
        try await sql.delete(from: values).where("item_seq", .in, seqs).run()
        try await sql.delete(from: unique).where("item_seq", .in, seqs).run()
    }

    /// Writes value rows and unique rows of items (after `deleteRows` for changed ones).
    /// The unique constraint refuses a value another item holds.
    static func insertRows(
        _ items: [(seq: Int64, values: LedgerValueMap)], ledgerID: UUID, definition: LedgerDefinition, keys: KeyRing?,
        on sql: any SQLDatabase
    ) async throws {
        var valueRows: [[any SQLExpression]] = []
        var uniqueRows: [[any SQLExpression]] = []
        let uniqueKeys = Set(definition.uniqueFields.map(\.key))
        for item in items {
            for row in try indexRows(item.values, keys: keys) {
                valueRows.append([
                    SQLBind(ledgerID), SQLBind(item.seq), SQLBind(row.fieldKey), SQLBind(row.part), SQLBind(row.t), SQLBind(row.n),
                    SQLBind(row.s),
                ])
                if row.part == "v", uniqueKeys.contains(row.fieldKey), let t = row.t {
                    uniqueRows.append([SQLBind(ledgerID), SQLBind(row.fieldKey), SQLBind(t), SQLBind(item.seq)])
                }
            }
        }
        for batch in stride(from: 0, to: valueRows.count, by: 1000) {
            try await sql.insert(into: values).columns("ledger_id", "item_seq", "field_key", "part", "t", "n", "s")
                .rows(valueRows[batch..<min(batch + 1000, valueRows.count)]).run()
        }
        for batch in stride(from: 0, to: uniqueRows.count, by: 1000) {
            try await sql.insert(into: unique).columns("ledger_id", "field_key", "value_key", "item_seq")
                .rows(uniqueRows[batch..<min(batch + 1000, uniqueRows.count)]).run()
        }
    }

    /// The field whose value another item of the ledger already holds, if any (for the
    /// message; the constraint stands behind it).
    static func takenUniqueField(
        _ values: LedgerValueMap, except seq: Int64?, ledgerID: UUID, definition: LedgerDefinition, keys: KeyRing?,
        on sql: any SQLDatabase
    ) async throws -> LedgerField? {
        for field in definition.uniqueFields {
            guard let value = values[field.key] else { continue }
            var query = sql.select().column("item_seq").from(unique)
                .where("ledger_id", .equal, SQLBind(ledgerID)).where("field_key", .equal, SQLBind(field.key))
                .where("value_key", .in, SQLBind.group(try lookupKeys(of: value, keys: keys)))
            if let seq { query = query.where("item_seq", .notEqual, SQLBind(seq)) }
            if try await query.limit(1).first() != nil { return field }
        }
        return nil
    }

    /// The next free item numbers (writers take turns on the audit chain, so no two
    /// transactions hand out the same ones).
    static func nextSeq(on sql: any SQLDatabase) async throws -> Int64 {
        struct Row: Decodable { var m: Int64? }
        let row = try await sql.raw("SELECT MAX(seq) AS m FROM \(ident: LedgerItemRecord.schema)").first(decoding: Row.self)
        return (row?.m ?? 0) + 1
    }
}
