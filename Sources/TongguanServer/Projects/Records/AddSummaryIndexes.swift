import Fluent
import SQLKit

/// Covering indexes for the summary query: the milestone side is read by round or by date
/// without touching the table, and the project side supplies every grouped and summed
/// column from the index alone.
struct AddSummaryIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        typealias M = Milestone.FieldKeys
        typealias P = Project.FieldKeys
        try await sql.create(index: "milestones_round_cover").on(Milestone.schema)
            .column(M.roundID.description).column(M.stage.description).column(M.projectID.description).run()
        try await sql.create(index: "milestones_date_cover").on(Milestone.schema)
            .column(M.date.description).column(M.stage.description).column(M.projectID.description).run()
        try await sql.create(index: "projects_summary_cover").on(Project.schema)
            .column(P.id.description).column(P.divisionCode.description).column(P.industry.description)
            .column(P.totalInvestmentFen.description).column(P.expectedAnnualOutputFen.description).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for name in ["milestones_round_cover", "milestones_date_cover", "projects_summary_cover"] {
            try await sql.drop(index: name).run()
        }
    }
}
