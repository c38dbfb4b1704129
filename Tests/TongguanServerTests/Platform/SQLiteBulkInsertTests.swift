import Foundation
import SQLiteNIO
import Testing

@testable import TongguanServer

/// The bulk writers' multi-row INSERT on SQLite (imports, the audit trail's bulk flush), on
/// an in-memory database of its own, so it runs the same whichever engine the suite uses.
@Suite struct SQLiteBulkInsertTests {
    @Test func statementNamesEveryColumnAndOnePlaceholderPerValue() {
        #expect(
            SQLiteBulkInsert.statement(into: "t", columns: ["a", "b"], rows: 2)
                == #"INSERT INTO "t" ("a","b") VALUES (?,?),(?,?)"#)
    }

    /// 1,001 rows at 400 per statement: two full statements and a short one; every row
    /// stored once, with its text, integer, id and NULL as given.
    @Test func rowsAcrossFullAndShortStatementsAreStoredAsGiven() async throws {
        let db = try await SQLiteConnection.open(storage: .memory)
        do {
            _ = try await db.query("CREATE TABLE t (id TEXT NOT NULL, n INTEGER NOT NULL, note TEXT)")
            let ids = (0..<1001).map { _ in UUID() }
            let insert = SQLiteBulkInsert(into: "t", columns: ["id", "n", "note"], rowsPerStatement: 400)
            try await insert.insert(Array(ids.enumerated()), on: db) { row, binds in
                binds += [.id(row.element), .integer(row.offset), .nullable(row.offset % 3 == 0 ? nil : "第\(row.offset)行")]
            }
            let rows = try await db.query("SELECT id, n, note FROM t ORDER BY n")
            #expect(rows.count == 1001)
            for (i, row) in rows.enumerated() {
                #expect(row.column("id")?.string == ids[i].uuidString)
                #expect(row.column("n")?.integer.map { Int($0) } == i)
                #expect(row.column("note")?.string == (i % 3 == 0 ? nil : "第\(i)行"))
            }
            try await insert.insert([UUID](), on: db) { _, _ in }
            #expect(try await db.query("SELECT COUNT(*) AS c FROM t").first?.column("c")?.integer.map { Int($0) } == 1001)
        } catch {
            try await db.close()
            throw error
        }
        try await db.close()
    }
}
