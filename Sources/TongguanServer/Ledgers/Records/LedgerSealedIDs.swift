import Fluent
import SQLKit
import TongguanDomain

/// The resident IDs ledger items hold, sealed inside each item's `data` JSON. `keys rotate`
/// cannot re-seal them yet (no `SealedColumn` describes them), so the module declares them
/// as `UnrotatableSeals` and rotation refuses while any are stored.
enum LedgerSealedIDs {
    static var seals: UnrotatableSeals {
        UnrotatableSeals(label: "台账事项中的身份证号", count: { db in try await count(on: db) })
    }

    /// One `ledger_values` row (part "v") per stored ID: its blind index.
    static func count(on db: any Database) async throws -> Int {
        struct Row: Decodable { var n: Int }
        var total = 0
        for ledger in try await Ledger.query(on: db).all() {
            let keys = try ledger.definition.fields.filter { $0.type == .residentID }.map(\.key)
            guard !keys.isEmpty, let id = ledger.id else { continue }
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
}
