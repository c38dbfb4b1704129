import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// The summary's own copy of what it counts: one row per milestone, carrying the project's
/// division (and county), industry and amounts beside the milestone's stage, date and round.
/// It holds nothing the project and milestone rows do not: `ProjectWriter` rewrites a
/// project's rows in the same transaction as every change to the project or its milestones,
/// so the figures computed from it are exact whenever they are asked for. Covering indexes
/// let each summary read one index in group order, without touching the table.
enum StageFact {
    static let schema = "project_stage_facts"

    /// Column names, declared once (see `Project.FieldKeys`).
    enum FieldKeys {
        static let projectID: FieldKey = "project_id"
        static let stage: FieldKey = "stage"
        static let date: FieldKey = "date"
        static let roundID: FieldKey = "round_id"
        static let divisionCode: FieldKey = "division_code"
        /// The first six digits of the division: a project at a township counts under its county.
        static let countyCode: FieldKey = "county_code"
        static let industry: FieldKey = "industry"
        static let totalInvestmentFen: FieldKey = "total_investment_fen"
        static let expectedAnnualOutputFen: FieldKey = "expected_annual_output_fen"
    }

    /// The columns in the order every writer fills them.
    static let columns: [FieldKey] = [
        FieldKeys.projectID, FieldKeys.stage, FieldKeys.date, FieldKeys.roundID, FieldKeys.divisionCode, FieldKeys.countyCode,
        FieldKeys.industry, FieldKeys.totalInvestmentFen, FieldKeys.expectedAnnualOutputFen,
    ]

    /// Rewrites the facts of these projects from their project and milestone rows, in SQL
    /// (`replacing: false` for projects that have none yet). The month rollup
    /// (`StageRollup`) changes with them, in the same transaction.
    static func refresh(_ projectIDs: [UUID], replacing: Bool = true, on tx: any Database) async throws {
        guard !projectIDs.isEmpty else { return }
        if replacing { try await remove(projectIDs, on: tx) }
        try await insert(projectIDs, on: tx)
        try await StageRollup.apply(.add, projects: StageRollup.projects(projectIDs), on: tx)
    }

    /// The facts alone: the migration that made this table ran before the rollup existed.
    static func insert(_ projectIDs: [UUID], on tx: any Database) async throws {
        typealias P = Project.FieldKeys
        typealias M = Milestone.FieldKeys
        let query: SQLQueryString = """
            INSERT INTO \(ident: schema) (\(columnList))
            SELECT \(col: "m", M.projectID), \(col: "m", M.stage), \(col: "m", M.date), \(col: "m", M.roundID),
                   \(col: "p", P.divisionCode), SUBSTR(\(col: "p", P.divisionCode), 1, 6), \(col: "p", P.industry),
                   \(col: "p", P.totalInvestmentFen), \(col: "p", P.expectedAnnualOutputFen)
            FROM \(ident: Milestone.schema) AS \(ident: "m")
            JOIN \(ident: Project.schema) AS \(ident: "p") ON \(col: "p", P.id) = \(col: "m", M.projectID)
            WHERE \(col: "p", P.id) IN (\(binds: projectIDs))
            """
        try await tx.sql.raw(query).run()
    }

    static func remove(_ projectIDs: [UUID], on tx: any Database) async throws {
        try await StageRollup.apply(.subtract, projects: StageRollup.projects(projectIDs), on: tx)
        try await tx.sql.raw("DELETE FROM \(ident: schema) WHERE \(col: FieldKeys.projectID) IN (\(binds: projectIDs))").run()
    }

    static var columnList: SQLQueryString { "\(idents: columns.map(\.description), joinedBy: ", ")" }
}

struct CreateStageFacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        typealias F = StageFact.FieldKeys
        try await database.schema(StageFact.schema)
            .field(F.projectID, .uuid, .required, .references(Project.schema, Project.FieldKeys.id, onDelete: .cascade))
            .field(F.stage, .string, .required)
            .field(F.date, .string, .required)
            .field(F.roundID, .uuid)
            .field(F.divisionCode, .string, .required)
            .field(F.countyCode, .string, .required)
            .field(F.industry, .string, .required)
            .field(F.totalInvestmentFen, .int64, .required)
            .field(F.expectedAnnualOutputFen, .int64, .required)
            .unique(on: F.projectID, F.stage)
            .create()
        // Each summary reads one of these in group order (stage, then county or industry),
        // every column it needs inside the index.
        let sql = database.sql
        let covered = [F.divisionCode, F.date, F.totalInvestmentFen, F.expectedAnnualOutputFen]
        let indexes: [(String, [FieldKey])] = [
            ("stage_facts_round", [F.roundID, F.stage, F.countyCode, F.industry] + covered),
            ("stage_facts_county", [F.stage, F.countyCode] + covered),
            ("stage_facts_industry", [F.stage, F.industry] + covered),
        ]
        for (name, columns) in indexes {
            var index = sql.create(index: name).on(StageFact.schema)
            for c in columns { index = index.column(c.description) }
            try await index.run()
        }
        // Filled from the rows already there (a database that had projects before this step).
        let ids = try await sql.select().column(Project.FieldKeys.id.description).from(Project.schema).all()
            .map { try $0.decode(column: Project.FieldKeys.id.description, as: UUID.self) }
        var start = 0
        while start < ids.count {
            try await StageFact.insert(Array(ids[start..<min(start + 500, ids.count)]), on: database)
            start += 500
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StageFact.schema).delete()
    }
}
