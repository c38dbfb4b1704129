import Foundation
import SQLiteNIO
import TongguanDomain

/// Multi-row INSERTs prepared straight on a SQLite connection, for the bulk writers (the
/// imports, the audit trail's bulk flush). The text of a full statement is built once, the
/// values go in as `SQLiteData` in column order, and no query builder runs per row: SQLKit's
/// builder and bind encoding were about a tenth of a large import's CPU (profiled).
struct SQLiteBulkInsert: Sendable {
    let table: String
    let columns: [String]
    /// Rows per full statement; the last one of a write may be shorter.
    let rowsPerStatement: Int
    private let full: String

    /// SQLite's limit of bound values in one statement.
    static let maxBinds = 32_766

    init(into table: String, columns: [String], rowsPerStatement: Int) {
        precondition(rowsPerStatement > 0 && rowsPerStatement * columns.count <= Self.maxBinds, "too many values for one statement")
        self.table = table
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        full = Self.statement(into: table, columns: columns, rows: rowsPerStatement)
    }

    /// `INSERT INTO "table" ("a","b") VALUES (?,?),(?,?)…` for `rows` rows.
    static func statement(into table: String, columns: [String], rows: Int) -> String {
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let names = columns.map { "\"\($0)\"" }.joined(separator: ",")
        return "INSERT INTO \"\(table)\" (\(names)) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ",")
    }

    /// Inserts `rows`, `values` appending one row's values in `columns` order.
    func insert<Rows: Collection>(
        _ rows: Rows, on db: any SQLiteDatabase, values: (Rows.Element, inout [SQLiteData]) -> Void
    ) async throws {
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rowsPerStatement * columns.count)
        var start = rows.startIndex
        while start != rows.endIndex {
            let end = rows.index(start, offsetBy: rowsPerStatement, limitedBy: rows.endIndex) ?? rows.endIndex
            let slice = rows[start..<end]
            binds.removeAll(keepingCapacity: true)
            for row in slice { values(row, &binds) }
            precondition(binds.count == slice.count * columns.count, "a row gave the wrong number of values for \(table)")
            let sql = slice.count == rowsPerStatement ? full : Self.statement(into: table, columns: columns, rows: slice.count)
            _ = try await db.query(sql, binds)
            start = end
        }
    }
}

extension SQLiteData {
    /// Text, or NULL for nil.
    static func nullable(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }

    /// An id as both databases' drivers store it (its upper-case text, `UUID.text`).
    static func id(_ value: UUID) -> SQLiteData { .text(value.text) }

    /// An optional id, or NULL.
    static func id(_ value: UUID?) -> SQLiteData { value.map { .text($0.text) } ?? .null }
}

extension UUID {
    /// `uuidString`'s text without `snprintf` (`Hex.uuid`): Foundation on Linux formats each
    /// id through printf, about 3 % of a 100,000-project import's CPU (profiled), and the
    /// bulk writers bind hundreds of thousands of ids.
    var text: String { withUnsafeBytes(of: uuid) { Hex.uuid($0) } }
}
