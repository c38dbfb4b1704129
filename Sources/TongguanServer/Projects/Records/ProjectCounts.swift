import Fluent
import Foundation
import SQLKit

/// How many projects each (division, industry) holds: what lets a project list give its
/// exact total without counting every project in scope on every page (a city admin's page
/// counted 100,000 index entries, several times the cost of the page itself). Like the stage
/// facts it is changed only by `ProjectWriter`, in the same transaction as the projects it
/// counts, so a total read from it is exact whenever it is asked. Rows that fall to zero stay
/// and count nothing.
///
/// A list filtered by anything but division and industry (a search, a stage, a round, dates)
/// still counts its rows (`ProjectReads.page`).
enum ProjectCounts {
    static let schema = "project_counts"

    enum FieldKeys {
        static let divisionCode: FieldKey = "division_code"
        static let industry: FieldKey = "industry"
        static let projectCount: FieldKey = "project_count"
    }

    enum Direction { case add, subtract }

    /// Adds (or takes away) the projects that `projects` selects (a condition on the
    /// projects table), as they are stored now.
    static func apply(_ direction: Direction, projects: SQLQueryString, on tx: any Database) async throws {
        typealias P = Project.FieldKeys
        typealias C = FieldKeys
        let sign: SQLQueryString = direction == .add ? "" : "-"
        // Ordered by the key, so two transactions lock shared rows in the same order.
        try await tx.sql.raw(
            """
            INSERT INTO \(ident: schema) (\(col: C.divisionCode), \(col: C.industry), \(col: C.projectCount))
            SELECT \(col: P.divisionCode), \(col: P.industry), \(sign)COUNT(*)
            FROM \(ident: Project.schema)
            WHERE \(projects)
            GROUP BY 1, 2
            ORDER BY 1, 2
            ON CONFLICT (\(col: C.divisionCode), \(col: C.industry))
            DO UPDATE SET \(col: C.projectCount) = \(ident: schema).\(col: C.projectCount) + excluded.\(col: C.projectCount)
            """
        ).run()
    }

    /// `id IN (…)`, for `apply`.
    static func projects(_ ids: [UUID]) -> SQLQueryString {
        "\(col: Project.FieldKeys.id) IN (\(binds: ids))"
    }

    /// The number of projects under `prefix` (a division's significant prefix), of one
    /// industry when given: a sum over at most (divisions × industries) rows.
    static func total(prefixes: [String], industry: String?) -> SQLQueryString {
        typealias C = FieldKeys
        var query: SQLQueryString =
            "SELECT CAST(COALESCE(SUM(\(col: C.projectCount)), 0) AS BIGINT) AS \(ident: "n") FROM \(ident: schema) WHERE 1 = 1"
        for prefix in prefixes { query += " AND \(col: C.divisionCode) LIKE \(bind: prefix + "%")" }
        if let industry { query += " AND \(col: C.industry) = \(bind: industry)" }
        return query
    }
}

struct CreateProjectCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        typealias C = ProjectCounts.FieldKeys
        try await database.schema(ProjectCounts.schema)
            .field(C.divisionCode, .string, .required)
            .field(C.industry, .string, .required)
            .field(C.projectCount, .int64, .required)
            .unique(on: C.divisionCode, C.industry)
            .create()
        // Filled from the projects already there.
        try await ProjectCounts.apply(.add, projects: "1 = 1", on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProjectCounts.schema).delete()
    }
}
