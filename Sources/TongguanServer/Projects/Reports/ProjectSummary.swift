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

    /// One part of the summary: whole months from the rollup (`StageRollup`, by county and
    /// `month`), or days from the stage facts (by division and `date`). Both tables name
    /// stage, round, county and industry alike; they differ in what a row counts.
    private enum Source {
        case rollup(first: String?, last: String?)
        case facts(from: CivilDate?, to: CivilDate?)
    }

    static func fromRollup(_ r: Request, months: (first: String?, last: String?), scope: DivisionScope) -> SQLQueryString {
        part(r, .rollup(first: months.first, last: months.last), scope: scope)
    }

    static func fromFacts(_ r: Request, from: CivilDate?, to: CivilDate?, scope: DivisionScope) -> SQLQueryString {
        part(r, .facts(from: from, to: to), scope: scope)
    }

    private static func part(_ r: Request, _ source: Source, scope: DivisionScope) -> SQLQueryString {
        typealias F = StageFact.FieldKeys
        typealias R = StageRollup.FieldKeys
        let table: String, count: SQLQueryString, division: FieldKey, day: FieldKey, low: String?, high: String?
        switch source {
        case .rollup(let first, let last):
            (table, count, division, day, low, high) = (StageRollup.schema, "SUM(\(col: R.factCount))", R.countyCode, R.month, first, last)
        case .facts(let from, let to):
            (table, count, division, day, low, high) = (StageFact.schema, "COUNT(*)", F.divisionCode, F.date, from?.description, to?.description)
        }
        let group: SQLQueryString
        switch r.groupBy {
        case .stage: group = "NULL"
        // Projects may sit at a township; reports group them under their county.
        case .division: group = "\(col: F.countyCode)"
        case .industry: group = "\(col: F.industry)"
        }
        var query: SQLQueryString = """
            SELECT \(col: F.stage) AS \(ident: "stage"), \(group) AS \(ident: "grp"), CAST(\(count) AS BIGINT) AS \(ident: "n"),
                   CAST(COALESCE(SUM(\(col: F.totalInvestmentFen)), 0) AS BIGINT) AS \(ident: "total"),
                   CAST(COALESCE(SUM(\(col: F.expectedAnnualOutputFen)), 0) AS BIGINT) AS \(ident: "output")
            FROM \(ident: table)
            WHERE \(within(scope.prefix, column: division))
            """
        if let d = r.division { query += " AND \(within(d.significantPrefix, column: division))" }
        if let round = r.roundID { query += " AND \(col: F.roundID) = \(bind: round)" }
        if let low { query += " AND \(col: day) >= \(bind: low)" }
        if let high { query += " AND \(col: day) <= \(bind: high)" }
        query += " GROUP BY \(col: F.stage)"
        if r.groupBy != .stage { query += ", \(group)" }
        return query
    }
}
