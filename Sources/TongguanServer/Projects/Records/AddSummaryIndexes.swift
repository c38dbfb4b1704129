import Fluent
import SQLKit

/// Covering indexes for the summary query: the milestone side is read by round or by date
/// without touching the table, and the project side supplies every grouped and summed
/// column from the index alone.
struct AddSummaryIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "milestones_round_cover").on(Milestone.schema)
            .column("round_id").column("stage").column("project_id").run()
        try await sql.create(index: "milestones_date_cover").on(Milestone.schema)
            .column("date").column("stage").column("project_id").run()
        try await sql.create(index: "projects_summary_cover").on(Project.schema)
            .column("id").column("division_code").column("industry")
            .column("total_investment_fen").column("expected_annual_output_fen").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for name in ["milestones_round_cover", "milestones_date_cover", "projects_summary_cover"] {
            try await sql.drop(index: name).run()
        }
    }
}
