import Fluent
import SQLKit
import TongguanDomain

enum AuditVerification {
    /// Recomputes the whole chain in pages, so memory stays flat however long the trail is.
    static func verify(on db: any Database, pageSize: Int = 2000) async throws -> AuditChain.Verdict {
        let sql = db.sql
        var verifier = AuditChain.Verifier()
        var after: Int64 = 0
        while true {
            let rows = try await sql.select().column("*").from("audit_events")
                .where("seq", .greaterThan, SQLBind(after))
                .orderBy("seq").limit(pageSize)
                .all(decoding: AuditEventRow.self)
            for row in rows { verifier.check(row.record) }
            guard let last = rows.last, rows.count == pageSize else { break }
            after = last.seq
        }
        guard let head = try await sql.raw("SELECT seq, hash FROM audit_chain_head WHERE id = 1").first() else {
            return .broken(seq: 0, reason: "链头记录缺失")
        }
        return verifier.verdict(
            headSeq: try head.decode(column: "seq", as: Int64.self),
            headHash: try head.decode(column: "hash", as: String.self))
    }
}
