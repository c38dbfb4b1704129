import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Counts and sums of projects per stage (and county or industry), computed when asked in
/// one SQL statement over the stage facts (`StageFact`: the milestone rows with their
/// project's division, industry and amounts, kept in step by the write path), never cached.
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
    static func within(_ prefix: String) -> SQLQueryString {
        let key = StageFact.FieldKeys.divisionCode
        return "\(col: key) >= \(bind: prefix) AND \(col: key) <= \(bind: ProjectService.lastCode(prefix))"
    }

    static func run(_ r: Request, scope: DivisionScope, on db: any Database) async throws -> [Row] {
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
        if let from = r.from { query += " AND \(col: F.date) >= \(bind: from.description)" }
        if let to = r.to { query += " AND \(col: F.date) <= \(bind: to.description)" }
        query += " GROUP BY \(col: F.stage)"
        if r.groupBy != .stage { query += ", \(group)" }

        var rows: [Row] = []
        try await db.sql.tuneSQLiteCache(kibibytes: 65536)
        for row in try await db.sql.raw(query).all() {
            guard let stage = Stage(rawValue: try row.decode(column: "stage", as: String.self)) else { continue }
            rows.append(
                Row(
                    stage: stage,
                    group: try row.decodeNil(column: "grp") ? nil : try row.decode(column: "grp", as: String.self),
                    count: try row.decode(column: "n", as: Int.self),
                    totalInvestmentFen: try row.decode(column: "total", as: Int64.self),
                    expectedAnnualOutputFen: try row.decode(column: "output", as: Int64.self)))
        }
        if r.groupBy == .stage {
            // Every stage is always present, with zeros when nothing matched.
            return Stage.allCases.map { stage in
                rows.first { $0.stage == stage }
                    ?? Row(stage: stage, group: nil, count: 0, totalInvestmentFen: 0, expectedAnnualOutputFen: 0)
            }
        }
        return rows.sorted { ($0.stage, $0.group ?? "") < ($1.stage, $1.group ?? "") }
    }
}
