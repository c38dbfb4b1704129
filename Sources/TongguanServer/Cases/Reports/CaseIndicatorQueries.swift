import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// `cases.stats` for 指标: one measure of the 诉求 statistics for a period and a division —
/// the same query as `GET /api/v1/cases/stats` and the dashboard, so a briefing's figure and
/// the dashboard always agree — with the case list behind it.
enum CaseIndicatorQueries {
    static let stats = IndicatorQueryKind(
        spec: QueryKindSpec(
            kind: "cases.stats", label: "诉求统计",
            parameters: [
                QueryParameterSpec(
                    name: "measure", label: "度量(登记、办结、化解、已答复、按期答复、逾期未办(截至今天)、满意、已回访、联络站接待批次)", required: true,
                    allowedValues: CaseStats.Measure.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "source", label: "来源", allowedValues: CaseSource.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "backlog", label: "积案(是时按原始登记日期计入期间)", allowedValues: ["true", "false"]),
                QueryParameterSpec(name: "owner_leader", label: "领导包案", allowedValues: ["any"]),
                QueryParameterSpec(name: "handed_down_by", label: "交办机关(如 中央联席办)"),
            ]),
        evaluate: evaluate, series: series)

    @Sendable static func evaluate(_ q: IndicatorQueryRequest) async throws -> IndicatorFigure {
        let (measure, request) = try parsed(q.parameters, from: q.period.start, to: q.period.end, division: q.division)
        let row = try await CaseStats.total(request, scope: q.scope, on: q.db)
        return IndicatorFigure(value: ExactDecimal(row.value(measure)), link: CaseDashboardPages.link(request, measure))
    }

    /// The periods of a series in one statement: the statistics grouped by the period each
    /// case's counted date falls in (the same parts and sums as `evaluate` per period),
    /// computing only the asked measure: whole-month periods from the monthly tallies. Tiles
    /// that share reads (`IndicatorSharedReads`) ask every tallied measure of whole months at
    /// once (the tally row holds them all), so those tiles of one filter are one statement.
    @Sendable static func series(_ q: IndicatorSeriesRequest) async throws -> [IndicatorFigure] {
        guard let span = q.span else { return [] }
        let (measure, request) = try parsed(q.parameters, from: span.from, to: span.to, division: q.division)
        let buckets = q
        // Whole months (months, quarters, half-years, years) are read from the monthly tallies.
        let wholeMonths = q.periods.allSatisfy {
            $0.start.day == 1 && $0.end.day == CivilDate.daysIn(month: $0.end.month, year: $0.end.year)
        }
        let bucketing = CaseStats.Bucketing(expression: { buckets.bucket($0) }, wholeMonths: wholeMonths)
        let rows: [CaseStats.Row]
        if let shared = q.shared, wholeMonths, CaseTally.measures.contains(measure) {
            // Every tallied measure counts cases among those received, so the statement's
            // `received > 0` keeps every group any of them counts in.
            let key = q.sharedKey(stats.spec.kind, parameters: q.parameters.filter { $0.key != "measure" })
            rows = try await shared.value(key) {
                try await CaseStats.run(request, scope: q.scope, bucket: bucketing, only: Set(CaseTally.measures), on: q.db)
            }
        } else {
            rows = try await CaseStats.run(request, scope: q.scope, bucket: bucketing, only: [measure], on: q.db)
        }
        return q.periods.enumerated().map { i, period in
            var one = request
            (one.from, one.to) = (period.start, period.end)
            let value = rows.first { $0.group == String(i) }?.value(measure) ?? 0
            return IndicatorFigure(value: ExactDecimal(value), link: CaseDashboardPages.link(one, measure))
        }
    }

    /// The measure and the statistics request the parameters ask for, from `from` to `to`.
    static func parsed(
        _ parameters: [String: String], from: CivilDate, to: CivilDate, division: DivisionCode
    ) throws -> (CaseStats.Measure, CaseStats.Request) {
        guard let measure = parameters["measure"].flatMap(CaseStats.Measure.init(rawValue:)) else {
            throw Refusal.invalid("measure", "诉求统计的度量应为 " + CaseStats.Measure.allCases.map(\.rawValue).joined(separator: "、"))
        }
        var request = CaseStats.Request(from: from, to: to, division: division)
        if let raw = parameters["source"] {
            guard let source = CaseSource(rawValue: raw) else { throw Refusal.invalid("source", "来源「\(raw)」不存在") }
            request.source = source
        }
        if let raw = parameters["backlog"] {
            guard let backlog = Bool(raw) else { throw Refusal.invalid("backlog", "积案应为 true 或 false") }
            request.backlog = backlog
        }
        if let raw = parameters["owner_leader"] {
            guard raw == "any" else { throw Refusal.invalid("owner_leader", "领导包案只能为 any") }
            request.owner = .any
        }
        request.handedDownBy = parameters["handed_down_by"].flatMap { $0.isEmpty ? nil : $0 }
        return (measure, request)
    }
}
