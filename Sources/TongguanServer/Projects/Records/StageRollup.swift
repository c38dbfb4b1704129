import Fluent
import Foundation
import SQLKit

/// The stage facts summed per (stage, round, county, industry, month): what lets a
/// whole-city summary read a few thousand rows instead of every milestone of a province
/// (PostgreSQL needed ~60 ms just to aggregate 175,000 facts). Like the facts it is
/// changed only with them, in the same transaction (`StageFact.refresh` / `remove` and the
/// PostgreSQL import), so a summary computed from it is exact whenever it is asked.
///
/// A project counts under its county here; summaries for a township scope, and the edge
/// days of a date range that are not whole months, read the facts (`ProjectSummary`).
enum StageRollup {
    static let schema = "project_stage_rollup"

    enum FieldKeys {
        static let stage: FieldKey = "stage"
        /// The milestone's round, or `noRound`: a unique key treats NULLs as distinct, and
        /// the upsert below must find the row of "no round" like any other.
        static let roundID: FieldKey = "round_id"
        static let countyCode: FieldKey = "county_code"
        static let industry: FieldKey = "industry"
        /// `YYYY-MM` of the milestone's date.
        static let month: FieldKey = "month"
        static let factCount: FieldKey = "fact_count"
        static let totalInvestmentFen: FieldKey = "total_investment_fen"
        static let expectedAnnualOutputFen: FieldKey = "expected_annual_output_fen"
    }

    static let noRound = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    enum Direction { case add, subtract }

    /// Adds (or takes away) the stage facts of the projects that `projects` selects (a
    /// condition on the facts' `project_id`). Rows that fall to zero stay and count nothing.
    static func apply(_ direction: Direction, projects: SQLQueryString, on tx: any Database) async throws {
        typealias F = StageFact.FieldKeys
        typealias R = FieldKeys
        let sign: SQLQueryString = direction == .add ? "" : "-"
        let key = [R.stage, R.roundID, R.countyCode, R.industry, R.month].map(\.description)
        let sums = [R.factCount, R.totalInvestmentFen, R.expectedAnnualOutputFen].map(\.description)
        var update: [SQLQueryString] = []
        for column in sums { update.append("\(ident: column) = \(ident: schema).\(ident: column) + excluded.\(ident: column)") }
        // Ordered by the key, so two transactions lock shared rows in the same order.
        let query: SQLQueryString = """
            INSERT INTO \(ident: schema) (\(idents: key + sums, joinedBy: ", "))
            SELECT \(col: F.stage), COALESCE(\(col: F.roundID), \(bind: noRound)), \(col: F.countyCode), \(col: F.industry),
                   SUBSTR(\(col: F.date), 1, 7), \(sign)COUNT(*),
                   CAST(\(sign)COALESCE(SUM(\(col: F.totalInvestmentFen)), 0) AS BIGINT),
                   CAST(\(sign)COALESCE(SUM(\(col: F.expectedAnnualOutputFen)), 0) AS BIGINT)
            FROM \(ident: StageFact.schema)
            WHERE \(projects)
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 1, 2, 3, 4, 5
            ON CONFLICT (\(idents: key, joinedBy: ", ")) DO UPDATE SET \(update.joined(separator: ", "))
            """
        try await tx.sql.raw(query).run()
    }

    /// `project_id IN (…)`, for `apply`.
    static func projects(_ ids: [UUID]) -> SQLQueryString {
        "\(col: StageFact.FieldKeys.projectID) IN (\(binds: ids))"
    }
}

struct CreateStageRollup: AsyncMigration {
    func prepare(on database: any Database) async throws {
        typealias R = StageRollup.FieldKeys
        try await database.schema(StageRollup.schema)
            .field(R.stage, .string, .required)
            .field(R.roundID, .uuid, .required)
            .field(R.countyCode, .string, .required)
            .field(R.industry, .string, .required)
            .field(R.month, .string, .required)
            .field(R.factCount, .int64, .required)
            .field(R.totalInvestmentFen, .int64, .required)
            .field(R.expectedAnnualOutputFen, .int64, .required)
            .unique(on: R.stage, R.roundID, R.countyCode, R.industry, R.month)
            .create()
        // Filled from the facts already there.
        try await StageRollup.apply(.add, projects: "1 = 1", on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StageRollup.schema).delete()
    }
}
