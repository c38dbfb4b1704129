import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Counts and sums of projects per stage (and county or industry), computed when asked,
/// never cached: whole months by county from the month rollup (`StageRollup`), the edge days
/// of a date range and anything narrower than a county from the stage facts (`StageFact`:
/// the milestone rows with their project's division, industry and amounts). The write path
/// keeps both in step with the records in the same transaction.
///
/// A project counts under a stage when that stage's milestone matches the round or falls in
/// the date range: a project signed at round 2 and started at round 3 counts as signed for
/// round 2 and as started for round 3.
enum ProjectSummary {
    enum Grouping: String, CaseIterable, Sendable { case stage, division, industry }

    struct Request: Sendable {
        var roundID: UUID?
        var from: CivilDate?
        var to: CivilDate?
        var division: DivisionCode?
        var groupBy: Grouping = .stage

        init(roundID: UUID? = nil, from: CivilDate? = nil, to: CivilDate? = nil, division: DivisionCode? = nil, groupBy: Grouping = .stage) {
            self.roundID = roundID; self.from = from; self.to = to; self.division = division; self.groupBy = groupBy
        }

        init(from req: Vapor.Request) throws {
            var query = QueryReader(req)
            roundID = query.uuid("round_id", label: "批次编号")
            (from, to) = query.dateRange()
            division = query.divisionCode("division")
            groupBy = query.enumeration("group_by", Grouping.self) ?? .stage
            try query.finish()
        }
    }

    /// One figure of the summary: a stage (and county or industry) with its count and sums.
    struct Row: Sendable, Equatable {
        var stage: Stage
        var group: String?
        var count: Int
        var totalInvestmentFen: Int64
        var expectedAnnualOutputFen: Int64
    }

    /// A division code that starts with `prefix`, as a range the planners can estimate
    /// (exact, see `ProjectService.lastCode`; PostgreSQL chose a sort spilling to disk for
    /// an opaque `SUBSTR(…) = …`). No LIKE: its case rules differ between the engines.
    static func within(_ prefix: String, column key: FieldKey = StageFact.FieldKeys.divisionCode) -> SQLQueryString {
        "\(col: key) >= \(bind: prefix) AND \(col: key) <= \(bind: ProjectService.lastCode(prefix))"
    }

    static func run(_ r: Request, scope: DivisionScope, on db: any Database) async throws -> [Row] {
        try await db.sql.tuneSQLiteCache(kibibytes: 65536)
        var parts: [SQLQueryString] = []
        let split = MonthSplit(from: r.from, to: r.to)
        // The rollup counts by county: a narrower scope or filter reads the facts alone.
        let countyLevel = scope.prefix.count <= 6 && (r.division.map { $0.significantPrefix.count <= 6 } ?? true)
        if countyLevel {
            if let months = split.months { parts.append(fromRollup(r, months: months, scope: scope)) }
            for days in split.edges { parts.append(fromFacts(r, from: days.from, to: days.to, scope: scope)) }
        } else {
            parts.append(fromFacts(r, from: r.from, to: r.to, scope: scope))
        }
        guard !parts.isEmpty else { return try rows([], groupBy: r.groupBy) }
        // One statement, so every part reads the same snapshot. A rollup row whose projects
        // all moved away counts nothing and is no figure.
        let union = parts.joined(separator: " UNION ALL ")
        let query: SQLQueryString = """
            SELECT \(ident: "stage"), \(ident: "grp"), CAST(SUM(\(ident: "n")) AS BIGINT) AS \(ident: "n"),
                   CAST(SUM(\(ident: "total")) AS BIGINT) AS \(ident: "total"), CAST(SUM(\(ident: "output")) AS BIGINT) AS \(ident: "output")
            FROM (\(union)) AS \(ident: "parts")
            GROUP BY \(ident: "stage"), \(ident: "grp")
            HAVING SUM(\(ident: "n")) > 0
            """
        return try rows(try await db.sql.raw(query).all(), groupBy: r.groupBy)
    }

    private static func rows(_ found: [any SQLRow], groupBy: Grouping) throws -> [Row] {
        var rows: [Row] = []
        for row in found {
            guard let stage = Stage(rawValue: try row.decode(column: "stage", as: String.self)) else { continue }
            rows.append(
                Row(
                    stage: stage,
                    group: try row.decodeNil(column: "grp") ? nil : try row.decode(column: "grp", as: String.self),
                    count: try row.decode(column: "n", as: Int.self),
                    totalInvestmentFen: try row.decode(column: "total", as: Int64.self),
                    expectedAnnualOutputFen: try row.decode(column: "output", as: Int64.self)))
        }
        if groupBy == .stage {
            // Every stage is always present, with zeros when nothing matched.
            return Stage.allCases.map { stage in
                rows.first { $0.stage == stage }
                    ?? Row(stage: stage, group: nil, count: 0, totalInvestmentFen: 0, expectedAnnualOutputFen: 0)
            }
        }
        return rows.sorted { ($0.stage, $0.group ?? "") < ($1.stage, $1.group ?? "") }
    }

    /// Whole months from the rollup (`StageRollup`), by county.
    static func fromRollup(_ r: Request, months: (first: String?, last: String?), scope: DivisionScope) -> SQLQueryString {
        typealias R = StageRollup.FieldKeys
        let group: SQLQueryString
        switch r.groupBy {
        case .stage: group = "NULL"
        case .division: group = "\(col: R.countyCode)"
        case .industry: group = "\(col: R.industry)"
        }
        var query: SQLQueryString = """
            SELECT \(col: R.stage) AS \(ident: "stage"), \(group) AS \(ident: "grp"), CAST(SUM(\(col: R.factCount)) AS BIGINT) AS \(ident: "n"),
                   CAST(COALESCE(SUM(\(col: R.totalInvestmentFen)), 0) AS BIGINT) AS \(ident: "total"),
                   CAST(COALESCE(SUM(\(col: R.expectedAnnualOutputFen)), 0) AS BIGINT) AS \(ident: "output")
            FROM \(ident: StageRollup.schema)
            WHERE \(within(scope.prefix, column: R.countyCode))
            """
        if let division = r.division { query += " AND \(within(division.significantPrefix, column: R.countyCode))" }
        if let round = r.roundID { query += " AND \(col: R.roundID) = \(bind: round)" }
        if let first = months.first { query += " AND \(col: R.month) >= \(bind: first)" }
        if let last = months.last { query += " AND \(col: R.month) <= \(bind: last)" }
        query += " GROUP BY \(col: R.stage)"
        if r.groupBy != .stage { query += ", \(group)" }
        return query
    }

    /// Milestones one by one from the stage facts, for the days `from`…`to`.
    static func fromFacts(_ r: Request, from: CivilDate?, to: CivilDate?, scope: DivisionScope) -> SQLQueryString {
        typealias F = StageFact.FieldKeys
        let group: SQLQueryString
        switch r.groupBy {
        case .stage: group = "NULL"
        // Projects may sit at a township; reports group them under their county.
        case .division: group = "\(col: F.countyCode)"
        case .industry: group = "\(col: F.industry)"
        }
        var query: SQLQueryString = """
            SELECT \(col: F.stage) AS \(ident: "stage"), \(group) AS \(ident: "grp"), COUNT(*) AS \(ident: "n"),
                   CAST(COALESCE(SUM(\(col: F.totalInvestmentFen)), 0) AS BIGINT) AS \(ident: "total"),
                   CAST(COALESCE(SUM(\(col: F.expectedAnnualOutputFen)), 0) AS BIGINT) AS \(ident: "output")
            FROM \(ident: StageFact.schema)
            WHERE \(within(scope.prefix))
            """
        if let division = r.division { query += " AND \(within(division.significantPrefix))" }
        if let round = r.roundID { query += " AND \(col: F.roundID) = \(bind: round)" }
        if let from { query += " AND \(col: F.date) >= \(bind: from.description)" }
        if let to { query += " AND \(col: F.date) <= \(bind: to.description)" }
        query += " GROUP BY \(col: F.stage)"
        if r.groupBy != .stage { query += ", \(group)" }
        return query
    }
}
