import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// `projects.summary` for 指标: how many projects reached a stage (or their investment or
/// expected output) at a round or within a period, in a division — the same summary query
/// every 项目 report uses, so a briefing's figure and the round report always agree.
enum ProjectIndicatorQueries {
    static let summary = IndicatorQueryKind(
        spec: QueryKindSpec(
            kind: "projects.summary", label: "三个一批项目汇总",
            parameters: [
                QueryParameterSpec(name: "stage", label: "阶段", required: true, allowedValues: Stage.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "measure", label: "度量", required: true, allowedValues: Measure.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "round", label: "活动批次(名称)"),
                QueryParameterSpec(name: "industry", label: "产业类别"),
            ]),
        evaluate: evaluate, series: series)

    enum Measure: String, CaseIterable { case count, investment, output }

    static func stageAndMeasure(_ parameters: [String: String]) throws -> (Stage, Measure) {
        guard let stage = parameters["stage"].flatMap(Stage.init(rawValue:)), let measure = parameters["measure"].flatMap(Measure.init(rawValue:))
        else {
            throw Refusal.invalid("parameters", "项目汇总需要阶段和度量")
        }
        return (stage, measure)
    }

    @Sendable static func evaluate(_ q: IndicatorQueryRequest) async throws -> IndicatorFigure {
        let (stage, measure) = try stageAndMeasure(q.parameters)
        var request = ProjectSummary.Request(division: q.division, groupBy: q.parameters["industry"] == nil ? .stage : .industry)
        var filter = ProjectFilter(division: q.division.rawValue, industry: q.parameters["industry"])
        filter.milestoneStage = stage
        if let name = q.parameters["round"] {
            // A round is named, so the figure is the round's whatever the period says.
            guard let round = try await RoundService.visible(q.scope, on: q.db).filter(\.$name == name).first(), let id = round.id else {
                throw Refusal.invalid("round", "活动批次「\(name)」不存在")
            }
            request.roundID = id
            filter.roundID = id
        } else {
            (request.from, request.to) = (q.period.start, q.period.end)
            (filter.from, filter.to) = (q.period.start, q.period.end)
        }
        let rows = try await ProjectSummary.run(request, scope: q.scope, on: q.db)
            .filter { $0.stage == stage && (q.parameters["industry"] == nil || $0.group == q.parameters["industry"]) }
        let value: Int64 = rows.reduce(0) { sum, row in
            switch measure {
            case .count: sum + Int64(row.count)
            case .investment: sum + row.totalInvestmentFen
            case .output: sum + row.expectedAnnualOutputFen
            }
        }
        return IndicatorFigure(value: ExactDecimal(value), link: "/projects" + filter.queryString())
    }

    /// The periods of a series in one statement over the stage facts, grouped by the period
    /// each milestone date falls in: the same rows `evaluate`'s summary reads for each
    /// period (its stage, and industry when named), summed the same way. A named round does
    /// not depend on the period, so it is asked once.
    @Sendable static func series(_ q: IndicatorSeriesRequest) async throws -> [IndicatorFigure] {
        let (stage, measure) = try stageAndMeasure(q.parameters)
        guard q.parameters["round"] == nil, let span = q.span else {
            guard let first = q.periods.first else { return [] }
            return Array(repeating: try await evaluate(q.single(first)), count: q.periods.count)
        }
        typealias F = StageFact.FieldKeys
        let summed: SQLQueryString =
            switch measure {
            case .count: "COUNT(*)"
            case .investment: "CAST(COALESCE(SUM(\(col: F.totalInvestmentFen)), 0) AS BIGINT)"
            case .output: "CAST(COALESCE(SUM(\(col: F.expectedAnnualOutputFen)), 0) AS BIGINT)"
            }
        var query: SQLQueryString = """
            SELECT \(q.bucket("\(col: F.date)")) AS \(ident: "bucket"), \(summed) AS \(ident: "v")
            FROM \(ident: StageFact.schema)
            WHERE \(ProjectSummary.within(q.scope.prefix)) AND \(ProjectSummary.within(q.division.significantPrefix))
              AND \(col: F.stage) = \(bind: stage.rawValue)
              AND \(col: F.date) >= \(bind: span.from.description) AND \(col: F.date) <= \(bind: span.to.description)
            """
        if let industry = q.parameters["industry"] { query += " AND \(col: F.industry) = \(bind: industry)" }
        query += " GROUP BY \(ident: "bucket")"
        try await q.db.sql.tuneSQLiteCache(kibibytes: 65536)
        var values = Array(repeating: Int64(0), count: q.periods.count)
        for row in try await q.db.sql.raw(query).all() {
            guard let bucket = try row.decode(column: "bucket", as: String?.self).flatMap(Int.init), values.indices.contains(bucket) else {
                continue
            }
            values[bucket] = try row.decode(column: "v", as: Int64.self)
        }
        return zip(q.periods, values).map { period, value in
            var filter = ProjectFilter(division: q.division.rawValue, industry: q.parameters["industry"])
            filter.milestoneStage = stage
            (filter.from, filter.to) = (period.start, period.end)
            return IndicatorFigure(value: ExactDecimal(value), link: "/projects" + filter.queryString())
        }
    }
}
