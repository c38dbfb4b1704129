import Fluent
import FluentPostgresDriver
import Foundation
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import TongguanDomain

/// `COPY table (columns) FROM STDIN` on the connection of a PostgreSQL transaction.
enum PostgresCopy {
    struct NotPostgres: Error {}

    static func copy(into table: String, columns: [String], data: [ByteBuffer], on db: any Database) async throws {
        guard let pg = db as? any PostgresDatabase else { throw NotPostgres() }
        let logger = db.logger
        try await pg.withConnection { conn in
            conn.eventLoop.makeFutureWithTask {
                try await conn.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    for buffer in data where buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }.get()
    }

    /// A field in COPY's text format: `\N` for null; backslash, tab and line ends escaped.
    static func write(_ value: String?, to buffer: inout ByteBuffer) {
        guard let value else { buffer.writeStaticString("\\N"); return }
        var plain = true
        for b in value.utf8 where b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D { plain = false; break }
        if plain { buffer.writeString(value); return }
        for b in value.utf8 {
            switch b {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(b)
            }
        }
    }
}

/// New households and members on their way into the tables, a chunk at a time: SQLite takes
/// them as multi-row INSERTs inside the import's transaction; PostgreSQL through COPY into
/// temporary staging tables, moved into the real tables by one INSERT … SELECT each at the
/// end (set-based, so the indexes are maintained once per statement, not per row).
struct BulkRows {
    struct HouseholdRow {
        var id: UUID
        var code: String
        var division: String
        var address: String?
        var phone: String?
    }

    struct MemberRow {
        var id: UUID
        var household: UUID
        var name: String
        var sealed: String
        var index: String
        var birthDate: String
        var sex: String
        var relation: String
        var labourCapacity: String
        var disability: Bool
        var chronicIllness: Bool
        var schoolStage: String
        var workStatus: String
        var basicMedicalInsurance: Bool
    }

    static let householdColumns = [
        "id", "household_code", "division_code", "address", "phone", "status", "close_reason", "closed_on", "version", "created_at", "updated_at",
    ]
    static let memberColumns = [
        "id", "household_id", "name", "resident_id_sealed", "resident_id_index", "birth_date", "sex", "relation", "labour_capacity",
        "disability", "chronic_illness", "school_stage", "work_status", "basic_medical_insurance", "status", "leave_reason", "left_on",
        "version", "created_at", "updated_at",
    ]

    static let householdStaging = "households_incoming"
    static let memberStaging = "members_incoming"

    /// Members per chunk: a SQLite INSERT holds 800 (20 columns × 800 binds, far below the
    /// limit); a PostgreSQL COPY takes 20,000 at a time.
    static func chunk(for sql: any SQLDatabase) -> Int { sql.isSQLite ? 800 : 20_000 }

    let tx: any Database
    var sql: any SQLDatabase { tx.sql }
    let now = Date()
    var households: [HouseholdRow] = []
    var members: [MemberRow] = []
    private var staged = false

    init(tx: any Database) { self.tx = tx }

    var isFull: Bool { members.count >= Self.chunk(for: sql) }

    /// Writes what has been gathered (to the table on SQLite, to staging on PostgreSQL).
    mutating func flush() async throws {
        defer {
            households.removeAll(keepingCapacity: true)
            members.removeAll(keepingCapacity: true)
        }
        guard !households.isEmpty || !members.isEmpty else { return }
        if sql.isSQLite { try await insertSQLite() } else { try await copyPostgres() }
    }

    /// PostgreSQL: moves the staged rows into the real tables.
    mutating func finish() async throws {
        try await flush()
        guard staged else { return }
        let h = Self.householdColumns.map { SQLIdentifier($0) }
        let m = Self.memberColumns.map { SQLIdentifier($0) }
        try await sql.raw(
            "INSERT INTO \(ident: Household.schema) (\(SQLList(h))) SELECT \(SQLList(h)) FROM \(ident: Self.householdStaging)"
        ).run()
        try await sql.raw("INSERT INTO \(ident: Member.schema) (\(SQLList(m))) SELECT \(SQLList(m)) FROM \(ident: Self.memberStaging)").run()
        try await sql.raw("DROP TABLE \(ident: Self.householdStaging)").run()
        try await sql.raw("DROP TABLE \(ident: Self.memberStaging)").run()
        staged = false
    }

    private func insertSQLite() async throws {
        let present = MemberStatus.present.rawValue
        for start in stride(from: 0, to: households.count, by: 1000) {
            var insert = sql.insert(into: Household.schema).columns(Self.householdColumns)
            for h in households[start..<min(start + 1000, households.count)] {
                insert = insert.values([
                    SQLBind(h.id), SQLBind(h.code), SQLBind(h.division), SQLBind(h.address), SQLBind(h.phone),
                    SQLBind(HouseholdStatus.active.rawValue), SQLLiteral.null, SQLLiteral.null, SQLBind(1), SQLBind(now), SQLBind(now),
                ])
            }
            try await insert.run()
        }
        for start in stride(from: 0, to: members.count, by: 800) {
            var insert = sql.insert(into: Member.schema).columns(Self.memberColumns)
            for m in members[start..<min(start + 800, members.count)] {
                insert = insert.values([
                    SQLBind(m.id), SQLBind(m.household), SQLBind(m.name), SQLBind(m.sealed), SQLBind(m.index), SQLBind(m.birthDate),
                    SQLBind(m.sex), SQLBind(m.relation), SQLBind(m.labourCapacity), SQLBind(m.disability), SQLBind(m.chronicIllness),
                    SQLBind(m.schoolStage), SQLBind(m.workStatus), SQLBind(m.basicMedicalInsurance), SQLBind(present), SQLLiteral.null,
                    SQLLiteral.null, SQLBind(1), SQLBind(now), SQLBind(now),
                ])
            }
            try await insert.run()
        }
    }

    private mutating func copyPostgres() async throws {
        if !staged {
            for (staging, table) in [(Self.householdStaging, Household.schema), (Self.memberStaging, Member.schema)] {
                try await sql.raw(
                    "CREATE TEMP TABLE \(ident: staging) (LIKE \(ident: table) INCLUDING DEFAULTS) ON COMMIT DROP"
                ).run()
            }
            staged = true
        }
        let stamp = Self.timestamp(now)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(households.count * 120)
        for h in households {
            for (i, value) in [
                h.id.uuidString, h.code, h.division, h.address, h.phone, HouseholdStatus.active.rawValue, nil, nil, "1", stamp, stamp,
            ].enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(0x09)) }
                PostgresCopy.write(value, to: &buffer)
            }
            buffer.writeInteger(UInt8(0x0A))
        }
        try await PostgresCopy.copy(into: Self.householdStaging, columns: Self.householdColumns, data: [buffer], on: tx)
        var chunks: [ByteBuffer] = []
        var current = ByteBuffer()
        current.reserveCapacity(1 << 20)
        for m in members {
            let values: [String?] = [
                m.id.uuidString, m.household.uuidString, m.name, m.sealed, m.index, m.birthDate, m.sex, m.relation, m.labourCapacity,
                m.disability ? "t" : "f", m.chronicIllness ? "t" : "f", m.schoolStage, m.workStatus, m.basicMedicalInsurance ? "t" : "f",
                MemberStatus.present.rawValue, nil, nil, "1", stamp, stamp,
            ]
            for (i, value) in values.enumerated() {
                if i > 0 { current.writeInteger(UInt8(0x09)) }
                PostgresCopy.write(value, to: &current)
            }
            current.writeInteger(UInt8(0x0A))
            if current.readableBytes >= 1 << 20 {
                chunks.append(current)
                current = ByteBuffer()
                current.reserveCapacity(1 << 20)
            }
        }
        chunks.append(current)
        try await PostgresCopy.copy(into: Self.memberStaging, columns: Self.memberColumns, data: chunks, on: tx)
    }

    /// `2026-11-29 08:15:02.123456+00`, as PostgreSQL reads a timestamptz.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
