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
        /// Only this stage and only this industry (the indicator series asks for one figure).
        var stage: Stage?
        var industry: String?

        init(
            roundID: UUID? = nil, from: CivilDate? = nil, to: CivilDate? = nil, division: DivisionCode? = nil, groupBy: Grouping = .stage,
            stage: Stage? = nil, industry: String? = nil
        ) {
            self.roundID = roundID; self.from = from; self.to = to; self.division = division; self.groupBy = groupBy
            self.stage = stage; self.industry = industry
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

    /// A grouping by period for the indicator series: the expression of the period a
    /// `YYYY-MM-DD` date expression falls in (`IndicatorSeriesRequest.bucket`). When every
    /// period is whole months, the month rollup answers, a month's first day standing for
    /// the month.
    struct Bucketing: Sendable {
        var expression: @Sendable (SQLQueryString) -> SQLQueryString
        var wholeMonths: Bool
    }

    /// `bucket`, when given, groups by period instead of by stage: the rows' `group` is the
    /// bucket (see `Bucketing`), rows are not filled in for absent stages, and rows outside
    /// every bucket are dropped.
    static func run(_ r: Request, scope: DivisionScope, bucket: Bucketing? = nil, on db: any Database) async throws -> [Row] {
        try await db.sql.tuneSQLiteCache(kibibytes: 65536)
        var parts: [SQLQueryString] = []
        let split = MonthSplit(from: r.from, to: r.to)
        // The rollup counts by county: a narrower scope or filter reads the facts alone, and
        // so do periods that cut a month (a month's rollup row cannot be split between them).
        let countyLevel = scope.prefix.count <= 6 && (r.division.map { $0.significantPrefix.count <= 6 } ?? true)
        if countyLevel && (bucket?.wholeMonths ?? true) {
            if let months = split.months { parts.append(part(r, .rollup(first: months.first, last: months.last), scope: scope, bucket: bucket)) }
            for days in split.edges { parts.append(part(r, .facts(from: days.from, to: days.to), scope: scope, bucket: bucket)) }
        } else {
            parts.append(part(r, .facts(from: r.from, to: r.to), scope: scope, bucket: bucket))
        }
        guard !parts.isEmpty else { return try rows([], groupBy: r.groupBy, bucketed: bucket != nil) }
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
        return try rows(try await db.sql.raw(query).all(), groupBy: r.groupBy, bucketed: bucket != nil)
    }

    private static func rows(_ found: [any SQLRow], groupBy: Grouping, bucketed: Bool) throws -> [Row] {
        var rows: [Row] = []
        for row in found {
            guard let stage = Stage(rawValue: try row.decode(column: "stage", as: String.self)) else { continue }
            if bucketed, try row.decodeNil(column: "grp") { continue }
            rows.append(
                Row(
                    stage: stage,
                    group: try row.decodeNil(column: "grp") ? nil : try row.decode(column: "grp", as: String.self),
                    count: try row.decode(column: "n", as: Int.self),
                    totalInvestmentFen: try row.decode(column: "total", as: Int64.self),
                    expectedAnnualOutputFen: try row.decode(column: "output", as: Int64.self)))
        }
        if bucketed { return rows }
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

    private static func part(_ r: Request, _ source: Source, scope: DivisionScope, bucket: Bucketing?) -> SQLQueryString {
        typealias F = StageFact.FieldKeys
        typealias R = StageRollup.FieldKeys
        let table: String, count: SQLQueryString, division: FieldKey, day: FieldKey, low: String?, high: String?
        let date: SQLQueryString
        switch source {
        case .rollup(let first, let last):
            (table, count, division, day, low, high) = (StageRollup.schema, "SUM(\(col: R.factCount))", R.countyCode, R.month, first, last)
            date = "\(col: R.month) || '-01'"
        case .facts(let from, let to):
            (table, count, division, day, low, high) = (StageFact.schema, "COUNT(*)", F.divisionCode, F.date, from?.description, to?.description)
            date = "\(col: F.date)"
        }
        let group: SQLQueryString
        switch (r.groupBy, bucket) {
        case (_, .some(let bucket)): group = bucket.expression(date)
        case (.stage, nil): group = "NULL"
        // Projects may sit at a township; reports group them under their county.
        case (.division, nil): group = "\(col: F.countyCode)"
        case (.industry, nil): group = "\(col: F.industry)"
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
        if let stage = r.stage { query += " AND \(col: F.stage) = \(bind: stage.rawValue)" }
        if let industry = r.industry { query += " AND \(col: F.industry) = \(bind: industry)" }
        if let low { query += " AND \(col: day) >= \(bind: low)" }
        if let high { query += " AND \(col: day) <= \(bind: high)" }
        query += " GROUP BY \(col: F.stage)"
        // A bucket by its name: its expression binds values, so written twice it would be
        // two expressions to PostgreSQL.
        if bucket != nil {
            query += ", \(ident: "grp")"
        } else if r.groupBy != .stage {
            query += ", \(group)"
        }
        return query
    }
}
