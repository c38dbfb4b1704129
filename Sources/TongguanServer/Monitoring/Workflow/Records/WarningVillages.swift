import Fluent
import Foundation
import SQLKit

/// The village on each warning (`early_warnings.division_code`): the warning's household's
/// current village, so that the flow, the warning list's counts and the indicators filter
/// and group warnings by village from the warning rows alone (their covering indexes), not
/// with a household look-up per warning. Not a cache: a warning is written with its
/// household's village (`WarningService`), and every write that moves a household to another
/// village rewrites its warnings' copy in the same transaction (`MonitoringSpans.refresh`,
/// which the registry's village change and the member import's update call).
enum WarningVillages {
    /// Sets the warnings of these households to their household's village where it differs.
    static func keep(_ households: [UUID], on db: any Database) async throws {
        guard !households.isEmpty else { return }
        let village: SQLQueryString = "(SELECT h.division_code FROM households h WHERE h.id = early_warnings.household_id)"
        try await db.sql.raw(
            "UPDATE early_warnings SET division_code = \(village) WHERE household_id IN (\(binds: households)) AND division_code <> \(village)"
        ).run()
    }
}

/// Adds the warnings' village, fills it from the households, and gives the flow's three
/// warning counts covering indexes (raised in a range, resolved in a range, open), each
/// ending with the village; the first two replace the single-column date indexes.
struct AddWarningVillages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WarningRecord.schema).field("division_code", .string, .required, .sql(.default(""))).update()
        let sql = database.sql
        try await sql.raw(
            """
            UPDATE early_warnings SET division_code = (SELECT h.division_code FROM households h WHERE h.id = early_warnings.household_id)
            """
        ).run()
        try await sql.drop(index: "early_warnings_raised").run()
        try await sql.drop(index: "early_warnings_closed").run()
        let indexes = [
            ("early_warnings_raised_village", ["raised_on", "division_code"]),
            ("early_warnings_closed_village", ["closed_on", "status", "division_code"]),
            ("early_warnings_status_village", ["status", "division_code"]),
        ]
        for (name, columns) in indexes {
            try await columns.reduce(sql.create(index: name).on(WarningRecord.schema)) { $0.column($1) }.run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for name in ["early_warnings_raised_village", "early_warnings_closed_village", "early_warnings_status_village"] {
            try await sql.drop(index: name).run()
        }
        try await sql.create(index: "early_warnings_raised").on(WarningRecord.schema).column("raised_on").run()
        try await sql.create(index: "early_warnings_closed").on(WarningRecord.schema).column("closed_on").run()
        try await database.schema(WarningRecord.schema).deleteField("division_code").update()
    }
}
