import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain

@testable import TongguanServer

/// The recorder's bulk path (an import's thousands of events): COPY on PostgreSQL, prepared
/// multi-row INSERTs on SQLite, sealing beside the caller's own statements.
@Suite struct AuditBulkTests {
    let actor = AuditActor(name: "cli:test", requestID: "cli-bulk", clientAddress: "local")

    /// Values that COPY's text format and JSON must both carry unchanged.
    static func value(_ i: Int) -> String {
        ["吕梁\t离石", "a\\b", "行一\n行二\r", "\"引号\"", "控制\u{1}\u{85}", "\\N", "普通\(i)"][i % 7]
    }

    /// 5,150 events cross PostgreSQL's 5,000-row COPY and SQLite's 500-row INSERT: every one
    /// is stored in order, byte for byte, and the chain verifies.
    @Test func manyEventsAreStoredInOrderAndTheChainVerifies() async throws {
        try await TestApp.with { t in
            let before = try await t.sql.select().column("seq").from("audit_events").all().count
            let count = 5150
            try await t.db.audited(by: actor) { tx, audit in
                for i in 0..<count {
                    // Half through the caller's own seal-then-write, half through flush.
                    if i == 2000 { try await audit.write(audit.sealPending(), on: tx.sql) }
                    audit.record(
                        "test.bulk", entityType: "test", entityID: String(format: "%05d", i), divisionCode: "141100",
                        changes: [AuditChange(field: "v", before: nil, after: Self.value(i))])
                }
            }
            let rows = try await t.sql.select().columns("seq", "entity_id", "changes").from("audit_events")
                .where("action", .equal, "test.bulk").orderBy("seq").all()
            #expect(rows.count == count)
            for (i, row) in rows.enumerated() {
                #expect(try row.decode(column: "seq", as: Int64.self) == Int64(before + i + 1))
                #expect(try row.decode(column: "entity_id", as: String.self) == String(format: "%05d", i))
                let stored = AuditChange.decode(try row.decode(column: "changes", as: String.self))
                #expect(stored == [AuditChange(field: "v", before: nil, after: Self.value(i))], "row \(i)")
            }
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: before + count))
        }
    }

    /// Sealed and written in bulk, then the write fails: no event stays, the head is as it was.
    @Test func aFailedBulkWriteLeavesNoEvent() async throws {
        try await TestApp.with { t in
            let before = try await t.sql.select().column("seq").from("audit_events").all().count
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await t.db.audited(by: actor) { tx, audit in
                    for i in 0..<300 {
                        audit.record("test.bulk", entityType: "test", entityID: String(i), divisionCode: "141100")
                    }
                    try await audit.write(audit.sealPending(), on: tx.sql)
                    throw Boom()
                }
            }
            #expect(try await t.sql.select().column("seq").from("audit_events").all().count == before)
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: before))
        }
    }
}
