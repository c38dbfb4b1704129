import Fluent
import Foundation
import NIOCore
import SQLKit
import TongguanDomain

/// Finds which of a file's members are already present in the registry, by blind index, in
/// one set-based join: the file's indexes go into a temporary staging table (PostgreSQL:
/// COPY; SQLite: multi-row INSERTs), joined against the present members.
struct MemberMatches: Sendable {
    struct Household: Sendable {
        var id: UUID
        var code: String
        var division: String
    }

    struct Found: Sendable {
        var member: UUID
        /// Index into `households`.
        var household: Int32
    }

    /// By position in the file's drafts.
    var found: [Int: Found] = [:]
    var households: [Household] = []

    subscript(position: Int) -> (member: UUID, household: Household)? {
        guard let f = found[position] else { return nil }
        return (f.member, households[Int(f.household)])
    }

    static let stagingTable = "registry_import_keys"

    static func find(_ file: MemberSheet.Households, ring: KeyRing, on tx: any Database) async throws -> MemberMatches {
        let sql = tx.sql
        // An empty registry matches nothing: skip the staging.
        guard try await sql.raw("SELECT 1 AS one FROM \(ident: Member.schema) LIMIT 1").first() != nil else { return MemberMatches() }
        if sql.isSQLite {
            try await sql.raw("CREATE TEMP TABLE IF NOT EXISTS \(ident: stagingTable) (idx TEXT NOT NULL, pos INTEGER NOT NULL)").run()
            try await sql.raw("DELETE FROM \(ident: stagingTable)").run()
        } else {
            try await sql.raw("CREATE TEMP TABLE \(ident: stagingTable) (idx TEXT NOT NULL, pos INTEGER NOT NULL) ON COMMIT DROP").run()
        }
        var keys: [(String, Int)] = []
        keys.reserveCapacity(BulkRows.chunk(for: sql))
        func stage() async throws {
            if sql.isSQLite {
                var start = 0
                while start < keys.count {
                    var insert = sql.insert(into: stagingTable).columns("idx", "pos")
                    for (idx, pos) in keys[start..<min(start + 2000, keys.count)] { insert = insert.values([SQLBind(idx), SQLBind(pos)]) }
                    try await insert.run()
                    start += 2000
                }
            } else {
                var buffer = ByteBuffer()
                for (idx, pos) in keys {
                    CopyText.append(idx, to: &buffer)
                    CopyText.append(Int64(pos), to: &buffer)
                    CopyText.endRow(&buffer)
                }
                try await CopyText.copy([buffer], into: stagingTable, columns: ["idx", "pos"], on: tx)
            }
            keys.removeAll(keepingCapacity: true)
        }
        for household in file {
            for (position, draft) in zip(household.members.indices, household.members) {
                for idx in ring.blindIndexes(draft.resident.id) { keys.append((idx, position)) }
            }
            if keys.count >= BulkRows.chunk(for: sql) { try await stage() }
        }
        try await stage()
        // Streamed row by row: re-importing a million members matches a million rows.
        let collector = Collector()
        try await sql.raw(
            """
            SELECT k.pos, m.id AS member_id, m.household_id, h.household_code, h.division_code
            FROM \(ident: stagingTable) k
            JOIN \(ident: Member.schema) m ON m.resident_id_index = k.idx AND m.status = 'present'
            JOIN \(ident: TongguanServer.Household.schema) h ON h.id = m.household_id
            """
        ).run { row in collector.add(Result { try row.decode(model: MatchRow.self) }) }
        let matches = try collector.matches()
        if sql.isSQLite { try await sql.raw("DROP TABLE IF EXISTS temp.\(ident: stagingTable)").run() }
        return matches
    }
}

struct MatchRow: Decodable, Sendable {
    var pos: Int
    var member_id: UUID
    var household_id: UUID
    var household_code: String
    var division_code: String
}

/// Gathers streamed match rows (the row handler runs off the caller's task).
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var result = MemberMatches()
    private var index: [UUID: Int32] = [:]
    private var failure: (any Error)?

    func add(_ row: Result<MatchRow, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        switch row {
        case .failure(let error): failure = failure ?? error
        case .success(let row):
            let h: Int32
            if let known = index[row.household_id] {
                h = known
            } else {
                h = Int32(result.households.count)
                result.households.append(.init(id: row.household_id, code: row.household_code, division: row.division_code))
                index[row.household_id] = h
            }
            result.found[row.pos] = .init(member: row.member_id, household: h)
        }
    }

    func matches() throws -> MemberMatches {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        return result
    }
}
