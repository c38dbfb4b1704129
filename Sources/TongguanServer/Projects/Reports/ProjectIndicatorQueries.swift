import Fluent
import Foundation
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
        evaluate: evaluate)

    enum Measure: String, CaseIterable { case count, investment, output }

    @Sendable static func evaluate(_ q: IndicatorQueryRequest) async throws -> IndicatorFigure {
        guard let stage = q.parameters["stage"].flatMap(Stage.init(rawValue:)),
            let measure = q.parameters["measure"].flatMap(Measure.init(rawValue:))
        else {
            throw Refusal.invalid("parameters", "项目汇总需要阶段和度量")
        }
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
}
