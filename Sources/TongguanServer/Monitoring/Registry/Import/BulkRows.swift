import Fluent
import FluentPostgresDriver
import Foundation
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteNIO
import TongguanDomain

/// New households and members on their way into the tables, a batch at a time, each
/// batch's households before its members (they refer to them): SQLite takes them as
/// multi-row INSERTs prepared straight on the connection (the statement text is the same
/// for every full statement, the values go in as `SQLiteData`, no query builder per row);
/// PostgreSQL through COPY straight into the tables, as its own bulk load does.
///
/// `Pipeline` overlaps the work: while one batch (and the audit events recorded with it) is
/// written, the import builds the next (ids, codes, sealed IDs, blind indexes, the sealed
/// audit events), so the write on the transaction is the database's work alone; at most one
/// write is in flight, so the transaction's connection still sees one statement at a time.
enum BulkRows {
    /// Ids are held as their text (`UUID.text`), made by the import's builder rather than
    /// by the write on the transaction's critical path.
    struct HouseholdRow: Sendable {
        var id: String
        var code: String
        var division: String
        var address: String?
        var phone: String?
    }

    struct MemberRow: Sendable {
        var id: String
        var household: String
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

    struct Batch: Sendable {
        var households: [HouseholdRow] = []
        var members: [MemberRow] = []
    }

    static let householdColumns = [
        "id", "household_code", "division_code", "address", "phone", "status", "close_reason", "closed_on", "version", "created_at", "updated_at",
    ]
    static let memberColumns = [
        "id", "household_id", "name", "resident_id_sealed", "resident_id_index", "birth_date", "sex", "relation", "labour_capacity",
        "disability", "chronic_illness", "school_stage", "work_status", "basic_medical_insurance", "status", "leave_reason", "left_on",
        "version", "created_at", "updated_at",
    ]

    /// Members per batch: SQLite writes 5 INSERTs of 800 (20 columns × 800 binds, far below
    /// its limit); a PostgreSQL COPY takes 20,000 at a time.
    static func chunk(for sql: any SQLDatabase) -> Int { sql.isSQLite ? 4000 : 20_000 }

    /// Rows per SQLite INSERT.
    static let sqliteHouseholdRows = 1000
    static let sqliteMemberRows = 800

    /// Writes one batch (households, then members) in the caller's transaction.
    static func write(_ batch: Batch, now: Date, on tx: any Database) async throws {
        if let sqlite = tx as? any SQLiteDatabase {
            try await insertSQLite(batch, now: now, on: sqlite)
        } else {
            try await copyPostgres(batch, now: now, on: tx)
        }
    }

    /// Writes batches one after another, each while the caller builds the next.
    struct Pipeline {
        let tx: any Database
        let audit: AuditRecorder
        let now = Date()
        private var inFlight: Task<Void, any Error>?

        init(tx: any Database, audit: AuditRecorder) {
            self.tx = tx
            self.audit = audit
        }

        /// Seals the audit events recorded up to now onto the chain (JSON and a SHA-256 each,
        /// while the write in flight goes on), waits for that write, then starts writing
        /// `batch` and those events. Batches are sealed and written in the order sent, so the
        /// chain keeps the order the events were recorded in.
        mutating func send(_ batch: Batch) async throws {
            let events = audit.sealPending()
            try await drain()
            let tx = tx, audit = audit, now = now
            inFlight = Task {
                try await BulkRows.write(batch, now: now, on: tx)
                try await audit.write(events, on: tx.sql)
            }
        }

        /// Waits for the write in flight (its error, if any, is thrown here).
        mutating func drain() async throws {
            guard let task = inFlight else { return }
            inFlight = nil
            try await task.value
        }

        /// Waits for the write in flight when giving up, so nothing touches the transaction
        /// after it ends.
        mutating func abandon() async {
            guard let task = inFlight else { return }
            inFlight = nil
            _ = await task.result
        }
    }

    // MARK: SQLite

    private static let householdInsert = SQLiteBulkInsert(
        into: Household.schema, columns: householdColumns, rowsPerStatement: sqliteHouseholdRows)
    private static let memberInsert = SQLiteBulkInsert(into: Member.schema, columns: memberColumns, rowsPerStatement: sqliteMemberRows)

    private static func insertSQLite(_ batch: Batch, now: Date, on db: any SQLiteDatabase) async throws {
        let stamp = SQLiteData.float(now.timeIntervalSince1970)
        let active = SQLiteData.text(HouseholdStatus.active.rawValue)
        let present = SQLiteData.text(MemberStatus.present.rawValue)
        let one = SQLiteData.integer(1)
        try await householdInsert.insert(batch.households, on: db) { h, binds in
            binds += [
                .text(h.id), .text(h.code), .text(h.division), .nullable(h.address), .nullable(h.phone), active, .null, .null, one, stamp, stamp,
            ]
        }
        try await memberInsert.insert(batch.members, on: db) { m, binds in
            binds += [
                .text(m.id), .text(m.household), .text(m.name), .text(m.sealed), .text(m.index), .text(m.birthDate),
                .text(m.sex), .text(m.relation), .text(m.labourCapacity), .integer(m.disability ? 1 : 0), .integer(m.chronicIllness ? 1 : 0),
                .text(m.schoolStage), .text(m.workStatus), .integer(m.basicMedicalInsurance ? 1 : 0), present, .null, .null, one, stamp, stamp,
            ]
        }
    }

    // MARK: PostgreSQL

    private static func copyPostgres(_ batch: Batch, now: Date, on tx: any Database) async throws {
        let stamp = Self.timestamp(now)
        if !batch.households.isEmpty {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(batch.households.count * 160)
            for h in batch.households {
                for value in [h.id, h.code, h.division, h.address, h.phone, HouseholdStatus.active.rawValue, nil, nil, "1", stamp, stamp] {
                    CopyText.append(value, to: &buffer)
                }
                CopyText.endRow(&buffer)
            }
            try await CopyText.copy([buffer], into: Household.schema, columns: householdColumns, on: tx)
        }
        guard !batch.members.isEmpty else { return }
        var chunks: [ByteBuffer] = []
        var current = ByteBuffer()
        current.reserveCapacity(1 << 20)
        for m in batch.members {
            for value in [m.id, m.household, m.name, m.sealed, m.index, m.birthDate, m.sex, m.relation, m.labourCapacity] {
                CopyText.append(value, to: &current)
            }
            CopyText.append(m.disability, to: &current)
            CopyText.append(m.chronicIllness, to: &current)
            CopyText.append(m.schoolStage, to: &current)
            CopyText.append(m.workStatus, to: &current)
            CopyText.append(m.basicMedicalInsurance, to: &current)
            for value in [MemberStatus.present.rawValue, nil, nil, "1", stamp, stamp] { CopyText.append(value, to: &current) }
            CopyText.endRow(&current)
            if current.readableBytes >= 1 << 20 {
                chunks.append(current)
                current = ByteBuffer()
                current.reserveCapacity(1 << 20)
            }
        }
        chunks.append(current)
        try await CopyText.copy(chunks, into: Member.schema, columns: memberColumns, on: tx)
    }

    /// `2026-11-29T08:15:02.123Z`, as PostgreSQL reads a timestamptz.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
