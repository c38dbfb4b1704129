import Fluent
import Foundation
import SQLKit

/// What the 诉求 statistics count, kept beside the case rows so a figure never reads them
/// one by one: narrow tallies per month, one per family of dimensions (one tally over every
/// dimension would have about as many keys as a city has cases), and the visit batches'
/// presence per day. `CaseService` changes them with every case row, in the same
/// transaction (`subtract` before the row changes, `add` after), so the figures computed
/// from them (`CaseStats`) are exact whenever they are asked; nothing is cached.
///
/// Not kept here: `overdue_open` depends on the day it is asked (`pending_due < today`) and
/// is counted from the cases' covering index on `pending_due` (a small part of the cases),
/// nor the due dates, which `CaseSettings.refreshOpenCases` may change without a tally.
enum CaseTally {
    /// A tally of the counting measures per period (received and original received month,
    /// or year) and its dimensions.
    struct Family: Sendable {
        var table: String
        /// Whether `division_code` is the case's full division or its county (the first six
        /// digits: a narrower scope or filter cannot be answered from it).
        var countyLevel: Bool
        /// The dimension besides the ones every family has (source, backlog; 交办机关 and owner
        /// unless plain).
        var dimension: Dimension?
        var period: Period = .month
        /// Summed over the owner leader and 交办机关 (neither is in the key): a few times fewer
        /// rows, so it answers the requests that neither filter nor group by them.
        var plain = false

        /// A year tally and a plain one keep the visit batch in their key ('' for none), so
        /// they answer the distinct count of batches too (a batch is a month's visits, so a
        /// month tally gains almost no rows by it).
        var keepsBatch: Bool { period == .year || plain }

        /// The period columns: (received, original received); `YYYY-MM` or `YYYY`.
        var columns: (received: String, count: String) {
            period == .month ? ("received_month", "count_month") : ("received_year", "count_year")
        }
    }

    enum Dimension: String, Sendable { case kind, unit = "unit_id" }

    /// A month tally answers any whole months; a year tally whole years only (the statistics
    /// with no date range or a range of whole years read 12,000–35,000 rows from it instead of
    /// every month's 44,000–107,000 and the batches' 68,000, at 1,000,000 cases). A year
    /// tally keeps the visit batch in its key ('' for none), so it answers the distinct count
    /// of batches too.
    enum Period: Sendable { case month, year }

    /// Every grouping but kind and unit, at any division level.
    static let divisions = Family(table: "case_tally_divisions", countyLevel: false, dimension: nil)
    static let kinds = Family(table: "case_tally_kinds", countyLevel: true, dimension: .kind)
    static let units = Family(table: "case_tally_units", countyLevel: true, dimension: .unit)
    static let monthly = [divisions, kinds, units]
    /// The kinds and units tallies by year: what a whole-city or county request with no date
    /// range reads (those are county-level, so every grouping but month has one).
    static let kindYears = Family(table: "case_tally_kind_years", countyLevel: true, dimension: .kind, period: .year)
    static let unitYears = Family(table: "case_tally_unit_years", countyLevel: true, dimension: .unit, period: .year)
    static let yearly = [kindYears, unitYears]
    /// The plain tallies (`Family.plain`) of the whole-city and county requests: without them
    /// those with no date range sum 34,000 (by unit) or 12,000 year-tally rows, and the
    /// grouping by month 44,000 month-tally rows plus the 68,000 rows of the batches by day
    /// (at 1,000,000 cases).
    static let kindsPlain = Family(table: "case_tally_kinds_plain", countyLevel: true, dimension: .kind, plain: true)
    static let kindYearsPlain = Family(table: "case_tally_kind_years_plain", countyLevel: true, dimension: .kind, period: .year, plain: true)
    static let unitYearsPlain = Family(table: "case_tally_unit_years_plain", countyLevel: true, dimension: .unit, period: .year, plain: true)
    static let plain = [kindsPlain, kindYearsPlain, unitYearsPlain]
    static let families = monthly + yearly + plain

    /// The year tally with the same dimensions as a month tally, if there is one.
    static func byYear(_ f: Family) -> Family? {
        (yearly + plain).first { $0.period == .year && $0.countyLevel == f.countyLevel && $0.dimension == f.dimension && $0.plain == f.plain }
    }

    /// The plain tally with the same period and dimensions as `f`, if there is one.
    static func plainVariant(of f: Family) -> Family? {
        plain.first { $0.period == f.period && $0.countyLevel == f.countyLevel && $0.dimension == f.dimension }
    }

    /// The visit batches by day: one row per (day, original day, division, source, kind, unit,
    /// backlog, 交办机关, owner, batch) with its number of cases (rows that fall to 0 count
    /// nothing), so a distinct count of batches is exact for any day range and grouping.
    static let batches = "case_batch_days"

    /// NULL (no unit, no owner) as a key value: a unique key treats NULLs as distinct, and
    /// the upsert must find the row of "none" like any other.
    static let none = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The measures a tally sums (the others are not sums of case rows).
    static let measures: [CaseStats.Measure] = [.received, .closed, .resolved, .answered, .onTime, .satisfied, .followUps]

    /// The columns every tally and the batches share, with their expression over the
    /// cases table.
    static func shared(county: Bool, plain: Bool = false) -> [(String, SQLQueryString)] {
        let t = CaseRecord.schema
        let columns: [(String, SQLQueryString)] = [
            ("division_code", county ? "SUBSTR(\(ident: t).\(ident: "division_code"), 1, 6)" : "\(ident: t).\(ident: "division_code")"),
            ("source", "\(ident: t).\(ident: "source")"),
            ("backlog", "\(ident: t).\(ident: "backlog")"),
        ]
        if plain { return columns }
        return columns + [
            ("handed_down_by", "COALESCE(\(ident: t).\(ident: "handed_down_by"), '')"),
            ("owner_leader_id", "COALESCE(\(ident: t).\(ident: "owner_leader_id"), \(bind: none))"),
        ]
    }

    static func dimension(_ d: Dimension) -> (String, SQLQueryString) {
        let t = CaseRecord.schema
        switch d {
        case .kind: return ("kind", "\(ident: t).\(ident: "kind")")
        case .unit: return ("unit_id", "COALESCE(\(ident: t).\(ident: "unit_id"), \(bind: none))")
        }
    }

    static func key(_ f: Family) -> [(String, SQLQueryString)] {
        let t = CaseRecord.schema
        let length = f.period == .month ? 7 : 4
        return [
            (f.columns.received, "SUBSTR(\(ident: t).\(ident: "received_on"), 1, \(literal: length))"),
            (f.columns.count, "SUBSTR(\(ident: t).\(ident: "count_on"), 1, \(literal: length))"),
        ] + shared(county: f.countyLevel, plain: f.plain) + (f.dimension.map { [dimension($0)] } ?? [])
            + (f.keepsBatch ? [("station_batch", "COALESCE(\(ident: t).\(ident: "station_batch"), '')")] : [])
    }

    static let batchKey: [(String, SQLQueryString)] = {
        let t = CaseRecord.schema
        return [("received_on", "\(ident: t).\(ident: "received_on")"), ("count_on", "\(ident: t).\(ident: "count_on")")] + shared(county: false)
            + [dimension(.kind), dimension(.unit), ("station_batch", "\(ident: t).\(ident: "station_batch")")]
    }()

    enum Direction { case add, subtract }

    /// Adds (or takes away) the cases `cases` selects (a condition on the cases table) to
    /// every tally (or the ones given: a migration fills the tallies it creates) and the
    /// batches. Rows that fall to zero stay and count nothing.
    static func apply(
        _ direction: Direction, cases: SQLQueryString, families: [Family] = families, batches withBatches: Bool = true, on db: any Database
    ) async throws {
        let sign: SQLQueryString = direction == .add ? "" : "-"
        let today = CaseClock.today()
        for f in families {
            let sums = measures.map { ($0.rawValue, $0.sum(today: today)) }
            try await upsert(into: f.table, key: key(f), sums: sums, sign: sign, cases: cases, on: db)
        }
        guard withBatches else { return }
        try await upsert(
            into: batches, key: batchKey, sums: [("cases", "COUNT(*)")], sign: sign,
            cases: "\(cases) AND \(ident: CaseRecord.schema).\(ident: "station_batch") IS NOT NULL", on: db)
    }

    /// `INSERT … SELECT … GROUP BY key ON CONFLICT (key) DO UPDATE` adding the sums. Ordered
    /// by the key, so two transactions lock shared rows in the same order.
    private static func upsert(
        into table: String, key: [(String, SQLQueryString)], sums: [(String, SQLQueryString)], sign: SQLQueryString, cases: SQLQueryString,
        on db: any Database
    ) async throws {
        let columns = key.map(\.0) + sums.map(\.0)
        let positions = (1...key.count).map(String.init).joined(separator: ", ")
        var select: [SQLQueryString] = key.map(\.1)
        for (_, sum) in sums { select.append("CAST(\(sign)\(sum) AS BIGINT)") }
        let update: [SQLQueryString] = sums.map { "\(ident: $0.0) = \(ident: table).\(ident: $0.0) + excluded.\(ident: $0.0)" }
        let query: SQLQueryString = """
            INSERT INTO \(ident: table) (\(idents: columns, joinedBy: ", "))
            SELECT \(select.joined(separator: ", "))
            FROM \(ident: CaseRecord.schema)
            WHERE \(cases)
            GROUP BY \(unsafeRaw: positions)
            ORDER BY \(unsafeRaw: positions)
            ON CONFLICT (\(idents: key.map(\.0), joinedBy: ", ")) DO UPDATE SET \(update.joined(separator: ", "))
            """
        try await db.sql.raw(query).run()
    }

    /// `id = …`, for `apply`.
    static func one(_ id: UUID) -> SQLQueryString { "\(ident: CaseRecord.schema).\(ident: "id") = \(bind: id)" }

    /// `id IN (…)`, for `apply` over a batch of new cases (the import adds its cases' figures
    /// per batch: nine upserts for each case were most of its statements).
    static func cases(_ ids: [UUID]) -> SQLQueryString { "\(ident: CaseRecord.schema).\(ident: "id") IN (\(binds: ids))" }
}

/// The tallies and the batches' presence, filled from the cases already there (a database
/// from before them upgrades in place), and the covering index `overdue_open` is counted
/// from.
struct CreateCaseTallies: AsyncMigration {
    /// A tally's table: its key (unique) and a column per measure.
    static func create(_ f: CaseTally.Family, on database: any Database) async throws {
        var schema = database.schema(f.table)
            .field(.string(f.columns.received), .string, .required)
            .field(.string(f.columns.count), .string, .required)
            .field("division_code", .string, .required)
            .field("source", .string, .required)
            .field("backlog", .bool, .required)
        var key: [FieldKey] = [.string(f.columns.received), .string(f.columns.count), "division_code", "source", "backlog"]
        if !f.plain {
            schema = schema.field("handed_down_by", .string, .required).field("owner_leader_id", .uuid, .required)
            key += ["handed_down_by", "owner_leader_id"]
        }
        switch f.dimension {
        case .kind:
            schema = schema.field("kind", .string, .required)
            key.append("kind")
        case .unit:
            schema = schema.field("unit_id", .uuid, .required)
            key.append("unit_id")
        case nil: break
        }
        if f.keepsBatch {
            schema = schema.field("station_batch", .string, .required)
            key.append("station_batch")
        }
        for m in CaseTally.measures { schema = schema.field(.string(m.rawValue), .int64, .required) }
        try await schema.constraint(.constraint(.unique(fields: key.map { .key($0) }), name: nil)).create()
    }

    func prepare(on database: any Database) async throws {
        for f in CaseTally.monthly { try await Self.create(f, on: database) }
        try await database.schema(CaseTally.batches)
            .field("received_on", .string, .required)
            .field("count_on", .string, .required)
            .field("division_code", .string, .required)
            .field("source", .string, .required)
            .field("backlog", .bool, .required)
            .field("handed_down_by", .string, .required)
            .field("owner_leader_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("unit_id", .uuid, .required)
            .field("station_batch", .string, .required)
            .field("cases", .int64, .required)
            .unique(
                on: "received_on", "count_on", "division_code", "source", "backlog", "handed_down_by", "owner_leader_id", "kind", "unit_id",
                "station_batch"
            )
            .create()
        let sql = database.sql
        try await sql.create(index: "case_batch_days_count_on").on(CaseTally.batches).column("count_on").run()
        // overdue_open: the overdue cases (a range of pending_due) with every column a filter
        // or grouping of the statistics reads, so counting them never touches the table.
        try await sql.create(index: "cases_overdue_stats").on(CaseRecord.schema)
            .column("pending_due").column("division_code").column("received_on").column("count_on").column("source").column("kind")
            .column("unit_id").column("backlog").column("owner_leader_id").column("handed_down_by").run()
        try await CaseTally.apply(.add, cases: "1 = 1", families: CaseTally.monthly, on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "cases_overdue_stats").run()
        for table in CaseTally.monthly.map(\.table) + [CaseTally.batches] { try await database.schema(table).delete() }
    }
}

/// A migration that adds tally families and fills them from the cases already there: the
/// year and plain tallies came after the first ones, each as a migration of its own (its type
/// name is what an existing database records as applied).
protocol AddCaseTallies: AsyncMigration {
    static var families: [CaseTally.Family] { get }
}

extension AddCaseTallies {
    func prepare(on database: any Database) async throws {
        for f in Self.families { try await CreateCaseTallies.create(f, on: database) }
        try await CaseTally.apply(.add, cases: "1 = 1", families: Self.families, batches: false, on: database)
    }

    func revert(on database: any Database) async throws {
        for f in Self.families { try await database.schema(f.table).delete() }
    }
}

/// The year tallies (`CaseTally.yearly`).
struct CreateCaseYearTallies: AddCaseTallies {
    static var families: [CaseTally.Family] { CaseTally.yearly }
}

/// The plain tallies (`CaseTally.plain`).
struct CreateCasePlainTallies: AddCaseTallies {
    static var families: [CaseTally.Family] { CaseTally.plain }
}
