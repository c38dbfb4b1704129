import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// `monitoring.summary` for 指标: how many households (or their present members) were in a
/// monitoring state on the period's last day, or how many were identified, had their risk
/// eliminated, or were warned within the period, in a division. It counts with the same
/// filters the episode and warning lists use, so every figure links to exactly the list it
/// counts.
enum MonitoringIndicatorQueries {
    enum Measure: String, CaseIterable {
        /// Households whose episode in force on the period's last day (or today, if earlier)
        /// matches the filters; without `state` or `phase`, the 监测对象 (phase `monitoring`).
        case households
        /// The present members, on that day, of those households.
        case members
        /// Episodes approved (纳入监测) within the period.
        case identified
        /// Episodes whose risk was eliminated within the period.
        case eliminated
        /// Warnings raised within the period (optionally of one rule).
        case warningsRaised = "warnings_raised"
    }

    static let summary = IndicatorQueryKind(
        spec: QueryKindSpec(
            kind: "monitoring.summary", label: "防返贫监测汇总",
            parameters: [
                QueryParameterSpec(name: "measure", label: "度量", required: true, allowedValues: Measure.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "state", label: "监测状态", allowedValues: EpisodeState.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "phase", label: "阶段", allowedValues: EpisodePhase.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "category", label: "监测对象类别", allowedValues: MonitoringCategory.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "risk_type", label: "风险类型", allowedValues: MonitoringRiskType.allCases.map(\.rawValue)),
                QueryParameterSpec(name: "rule", label: "预警规则(仅用于预警数)", allowedValues: EarlyWarningRule.allCases.map(\.rawValue)),
            ]),
        evaluate: evaluate)

    @Sendable static func evaluate(_ q: IndicatorQueryRequest) async throws -> IndicatorFigure {
        try await evaluate(q, today: RegistryFinder.today())
    }

    static func evaluate(_ q: IndicatorQueryRequest, today: CivilDate) async throws -> IndicatorFigure {
        var problems: [FieldProblem] = []
        func value<T: RawRepresentable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let raw = q.parameters[name] else { return nil }
            guard let v = T(rawValue: raw) else {
                problems.append(FieldProblem(field: name, message: "「\(raw)」不是可用的取值"))
                return nil
            }
            return v
        }
        let measure = value("measure", Measure.self)
        if q.parameters["measure"] == nil { problems.append(FieldProblem(field: "measure", message: "监测汇总需要度量")) }
        let state = value("state", EpisodeState.self)
        let phase = value("phase", EpisodePhase.self)
        let category = value("category", MonitoringCategory.self)
        let riskType = value("risk_type", MonitoringRiskType.self)
        let rule = value("rule", EarlyWarningRule.self)
        if !problems.isEmpty { throw Refusal.invalid(problems) }

        let db = q.db
        struct Count: Decodable { var n: Int64 }
        switch measure! {
        case .households, .members:
            let day = min(q.period.end, today)
            let filter = EpisodeFilter(
                state: state, phase: state == nil ? (phase ?? .monitoring) : phase, category: category, riskType: riskType,
                division: q.division, asOf: day)
            let body = filter.fromWhere(scope: q.scope, today: today)
            let n: Int64
            if measure == .households {
                n = try await db.sql.raw("SELECT COUNT(DISTINCT h.id) AS n " + body).first(decoding: Count.self)?.n ?? 0
            } else {
                let d = day.description
                n =
                    try await db.sql.raw(
                        """
                        SELECT COUNT(*) AS n FROM members m WHERE m.household_id IN (SELECT h.id \(body))
                        AND m.birth_date <= \(bind: d) AND (m.left_on IS NULL OR m.left_on >= \(bind: d))
                        """
                    ).first(decoding: Count.self)?.n ?? 0
            }
            return IndicatorFigure(value: ExactDecimal(n), link: "/monitoring/episodes" + filter.queryString())
        case .identified, .eliminated:
            var filter = EpisodeFilter(state: state, phase: phase, category: category, riskType: riskType, division: q.division)
            if measure == .identified {
                (filter.identifiedFrom, filter.identifiedTo) = (q.period.start, q.period.end)
            } else {
                (filter.eliminatedFrom, filter.eliminatedTo) = (q.period.start, q.period.end)
            }
            let body = filter.fromWhere(scope: q.scope, today: today)
            let n = try await db.sql.raw("SELECT COUNT(*) AS n " + body).first(decoding: Count.self)?.n ?? 0
            return IndicatorFigure(value: ExactDecimal(n), link: "/monitoring/episodes" + filter.queryString())
        case .warningsRaised:
            var filter = WarningFilter()
            filter.division = q.division
            filter.rule = rule
            (filter.raisedFrom, filter.raisedTo) = (q.period.start, q.period.end)
            let n =
                try await db.sql.raw(
                    "SELECT COUNT(*) AS n FROM early_warnings w JOIN households h ON h.id = w.household_id WHERE \(filter.condition(scope: q.scope))"
                ).first(decoding: Count.self)?.n ?? 0
            return IndicatorFigure(value: ExactDecimal(n), link: "/monitoring/warnings" + filter.queryString())
        }
    }
}
