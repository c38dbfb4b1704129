import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// What the monitoring reports read: per household, the spans of days in which nothing they
/// count changes — the episode state in force (a step's `date`..`next_date`), cut again on
/// every day the household's present members change (a birth, the day after a departure) —
/// each with the household's current village, its present-member count throughout, and the
/// episode's category, risk types, identification day and first measure's start.
///
/// A summary as of a day is then one range read of this table (`start_on <= day < end_on`,
/// one row per household with an episode), grouped, with no look-up per household.
///
/// Not a cache: the rows are derived facts rewritten by `refresh` in the same transaction as
/// every write that changes them — the workflow's steps and measures (`EpisodeService`) and
/// the registry's household moves and member changes (`RegistryService`, the member import)
/// — and `CreateMonitoringSpans` fills them from the existing records.
enum MonitoringSpans {
    static let schema = "monitoring_spans"

    /// One step as stored: its kind, the state it led to and the days it was in force.
    struct Step: Sendable {
        var episodeID: UUID
        var step: String
        var date: String
        var nextDate: String
        var state: String
    }

    /// A member's days in the household: born `birth`, present through `left` (if gone).
    struct Presence: Sendable {
        var birth: String
        var left: String?

        func present(on day: String) -> Bool { birth <= day && (left == nil || left! >= day) }

        /// The first day the member no longer counts.
        var gone: String? { left.flatMap(CivilDate.init(iso:)).map { $0.adding(days: 1).description } }
    }

    struct Piece: Sendable, Equatable {
        var episodeID: UUID
        /// The step's kind on its first piece (the flow counts steps by it), nil on the pieces
        /// after a member change.
        var step: String?
        var start: String
        var end: String
        var state: String
        var members: Int
    }

    /// The pieces of a household's steps: each step's span cut on the days its present
    /// members change. Every step keeps its first piece, even an empty one (two steps on one
    /// day), so the flow can count it; an empty piece is in force on no day.
    static func pieces(_ steps: [Step], members: [Presence]) -> [Piece] {
        let changes = Set(members.flatMap { [$0.birth] + ($0.gone.map { [$0] } ?? []) }).sorted()
        var out: [Piece] = []
        for s in steps {
            var start = s.date
            var kind: String? = s.step
            for cut in changes where cut > s.date && cut < s.nextDate {
                out.append(Piece(episodeID: s.episodeID, step: kind, start: start, end: cut, state: s.state, members: count(members, on: start)))
                start = cut
                kind = nil
            }
            out.append(Piece(episodeID: s.episodeID, step: kind, start: start, end: s.nextDate, state: s.state, members: count(members, on: start)))
        }
        return out
    }

    static func count(_ members: [Presence], on day: String) -> Int { members.filter { $0.present(on: day) }.count }

    static let columns = [
        "household_id", "episode_id", "division_code", "step", "start_on", "end_on", "state", "members", "category", "risk_types",
        "identified_on", "first_measure_on",
    ]

    /// Rewrites the rows of these households from their records (nothing for a household
    /// without an episode), and their warnings' copy of the village (`WarningVillages`).
    /// Call inside the transaction of the write that changed them.
    static func refresh(_ households: [UUID], on db: any Database) async throws {
        let ids = Array(Set(households))
        try await rewrite(ids, on: db)
        try await WarningVillages.keep(ids, on: db)
    }

    /// The spans of these (distinct) households from their records.
    static func rewrite(_ ids: [UUID], on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        let sql = db.sql
        try await sql.delete(from: schema).where("household_id", .in, ids).run()
        struct StepRow: Decodable {
            var household_id: UUID; var episode_id: UUID; var step: String; var date: String; var next_date: String; var to_state: String
        }
        let steps = try await sql.raw(
            "SELECT household_id, episode_id, step, date, next_date, to_state FROM episode_steps WHERE household_id IN (\(binds: ids))"
        ).all(decoding: StepRow.self)
        guard !steps.isEmpty else { return }
        let homes = Array(Set(steps.map(\.household_id)))
        let episodeIDs = Array(Set(steps.map(\.episode_id)))
        struct EpisodeRow: Decodable { var id: UUID; var category: String?; var risk_types: String; var identified_on: String? }
        let episodes = Dictionary(
            try await sql.raw("SELECT id, category, risk_types, identified_on FROM monitoring_episodes WHERE id IN (\(binds: episodeIDs))")
                .all(decoding: EpisodeRow.self).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        struct FirstMeasure: Decodable { var episode_id: UUID; var first: String }
        let measures = Dictionary(
            try await sql.raw(
                "SELECT episode_id, MIN(start_on) AS first FROM assistance_measures WHERE episode_id IN (\(binds: episodeIDs)) GROUP BY episode_id"
            ).all(decoding: FirstMeasure.self).map { ($0.episode_id, $0.first) }, uniquingKeysWith: { a, _ in a })
        struct HomeRow: Decodable { var id: UUID; var division_code: String }
        let divisions = Dictionary(
            try await sql.raw("SELECT id, division_code FROM households WHERE id IN (\(binds: homes))").all(decoding: HomeRow.self)
                .map { ($0.id, $0.division_code) }, uniquingKeysWith: { a, _ in a })
        struct MemberRow: Decodable { var household_id: UUID; var birth_date: String; var left_on: String? }
        let members = Dictionary(
            grouping: try await sql.raw("SELECT household_id, birth_date, left_on FROM members WHERE household_id IN (\(binds: homes))")
                .all(decoding: MemberRow.self), by: \.household_id)

        var rows: [[any Encodable & Sendable]] = []
        for (home, own) in Dictionary(grouping: steps, by: \.household_id) {
            let presence = (members[home] ?? []).map { Presence(birth: $0.birth_date, left: $0.left_on) }
            let division = divisions[home] ?? ""
            let pieces = Self.pieces(
                own.map { Step(episodeID: $0.episode_id, step: $0.step, date: $0.date, nextDate: $0.next_date, state: $0.to_state) },
                members: presence)
            for p in pieces {
                let e = episodes[p.episodeID]
                rows.append([
                    home, p.episodeID, division, p.step, p.start, p.end, p.state, p.members, e?.category, e?.risk_types ?? "", e?.identified_on,
                    measures[p.episodeID],
                ])
            }
        }
        // SQLite takes at most 32,766 binds per statement.
        for start in stride(from: 0, to: rows.count, by: 1000) {
            var insert = sql.insert(into: schema).columns(columns)
            for row in rows[start..<min(start + 1000, rows.count)] { insert = insert.values(row) }
            try await insert.run()
        }
    }

    /// Every household with an episode, in chunks (the migration's fill).
    static func refreshAll(on db: any Database) async throws {
        struct Home: Decodable { var household_id: UUID }
        let homes = try await db.sql.raw("SELECT DISTINCT household_id FROM episode_steps").all(decoding: Home.self).map(\.household_id)
        for start in stride(from: 0, to: homes.count, by: 500) {
            try await rewrite(Array(homes[start..<min(start + 500, homes.count)]), on: db)
        }
    }
}

/// The reports' table, its indexes (one for the days in force across the scope, one leading
/// with the village for a county or lower, one for the flow's steps by day; each holding
/// every column the reports read), and its rows from the existing records.
struct CreateMonitoringSpans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MonitoringSpans.schema)
            .field("household_id", .uuid, .required, .references(Household.schema, "id"))
            .field("episode_id", .uuid, .required, .references(EpisodeRecord.schema, "id"))
            .field("division_code", .string, .required)
            .field("step", .string)
            .field("start_on", .string, .required)
            .field("end_on", .string, .required)
            .field("state", .string, .required)
            .field("members", .int, .required)
            .field("category", .string)
            .field("risk_types", .string, .required)
            .field("identified_on", .string)
            .field("first_measure_on", .string)
            .create()
        let sql = database.sql
        func index(_ name: String, on table: String, _ columns: [String]) async throws {
            try await columns.reduce(sql.create(index: name).on(table)) { $0.column($1) }.run()
        }
        let facts = ["state", "members", "category", "identified_on", "first_measure_on", "risk_types"]
        try await index("monitoring_spans_in_force", on: MonitoringSpans.schema, ["end_on", "start_on", "division_code"] + facts)
        try await index("monitoring_spans_division", on: MonitoringSpans.schema, ["division_code", "end_on", "start_on"] + facts)
        try await index("monitoring_spans_step", on: MonitoringSpans.schema, ["step", "start_on", "division_code"])
        try await index("monitoring_spans_household", on: MonitoringSpans.schema, ["household_id"])
        // The step write path finds a household's open step; the warnings' reports read the
        // household's village beside its id.
        try await index("episode_steps_household", on: StepRecord.schema, ["household_id", "next_date"])
        try await index("households_id_division", on: Household.schema, ["id", "division_code"])
        try await MonitoringSpans.refreshAll(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "households_id_division").run()
        try await database.sql.drop(index: "episode_steps_household").run()
        try await database.schema(MonitoringSpans.schema).delete()
    }
}
