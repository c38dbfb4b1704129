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

    enum Measure: String, CaseIterable {
        case count, investment, output

        /// This measure of a summary row.
        func of(_ row: ProjectSummary.Row) -> Int64 {
            switch self {
            case .count: Int64(row.count)
            case .investment: row.totalInvestmentFen
            case .output: row.expectedAnnualOutputFen
            }
        }
    }

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
        let value: Int64 = rows.reduce(0) { $0 + measure.of($1) }
        return IndicatorFigure(value: ExactDecimal(value), link: "/projects" + filter.queryString())
    }

    /// The periods of a series in one statement, grouped by the period each milestone date
    /// falls in: the summary `evaluate` asks for each period, over the whole span — whole
    /// months from the month rollup when every period is whole months at a county or wider,
    /// the edge days and anything narrower from the stage facts — for its stage (and
    /// industry when named), summed the same way. A named round does not depend on the
    /// period, so it is asked once. Tiles that share reads (`IndicatorSharedReads`) ask
    /// every stage at once, so the stages and measures of one industry are one statement.
    @Sendable static func series(_ q: IndicatorSeriesRequest) async throws -> [IndicatorFigure] {
        let (stage, measure) = try stageAndMeasure(q.parameters)
        guard q.parameters["round"] == nil, let span = q.span else {
            guard let first = q.periods.first else { return [] }
            return Array(repeating: try await evaluate(q.single(first)), count: q.periods.count)
        }
        let industry = q.parameters["industry"]
        let bucketing = ProjectSummary.Bucketing(expression: { q.bucket($0) }, wholeMonths: q.periods.allSatisfy(\.isWholeMonths))
        let rows: [ProjectSummary.Row]
        if let shared = q.shared {
            let request = ProjectSummary.Request(from: span.from, to: span.to, division: q.division, industry: industry)
            let key = q.sharedKey(summary.spec.kind, parameters: industry.map { ["industry": $0] } ?? [:])
            rows = try await shared.value(key) { try await ProjectSummary.run(request, scope: q.scope, bucket: bucketing, on: q.db) }
        } else {
            let request = ProjectSummary.Request(from: span.from, to: span.to, division: q.division, stage: stage, industry: industry)
            rows = try await ProjectSummary.run(request, scope: q.scope, bucket: bucketing, on: q.db)
        }
        var values = Array(repeating: Int64(0), count: q.periods.count)
        for row in rows {
            guard row.stage == stage, let bucket = row.group.flatMap(Int.init), values.indices.contains(bucket) else { continue }
            values[bucket] += measure.of(row)
        }
        return zip(q.periods, values).map { period, value in
            var filter = ProjectFilter(division: q.division.rawValue, industry: q.parameters["industry"])
            filter.milestoneStage = stage
            (filter.from, filter.to) = (period.start, period.end)
            return IndicatorFigure(value: ExactDecimal(value), link: "/projects" + filter.queryString())
        }
    }
}
