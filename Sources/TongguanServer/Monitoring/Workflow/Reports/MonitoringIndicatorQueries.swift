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
        evaluate: evaluate, series: series)

    @Sendable static func evaluate(_ q: IndicatorQueryRequest) async throws -> IndicatorFigure {
        try await evaluate(q, today: RegistryFinder.today())
    }

    @Sendable static func series(_ r: IndicatorSeriesRequest) async throws -> [IndicatorFigure] {
        try await series(r, today: RegistryFinder.today())
    }

    /// The query's parameters, every bad one refused at once.
    struct Question {
        var measure: Measure
        var state: EpisodeState?
        var phase: EpisodePhase?
        var category: MonitoringCategory?
        var riskType: MonitoringRiskType?
        var rule: EarlyWarningRule?

        init(_ parameters: [String: String]) throws {
            var problems: [FieldProblem] = []
            func value<T: RawRepresentable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
                guard let raw = parameters[name] else { return nil }
                guard let v = T(rawValue: raw) else {
                    problems.append(FieldProblem(field: name, message: "「\(raw)」不是可用的取值"))
                    return nil
                }
                return v
            }
            let measure = value("measure", Measure.self)
            if parameters["measure"] == nil { problems.append(FieldProblem(field: "measure", message: "监测汇总需要度量")) }
            state = value("state", EpisodeState.self)
            phase = value("phase", EpisodePhase.self)
            category = value("category", MonitoringCategory.self)
            riskType = value("risk_type", MonitoringRiskType.self)
            rule = value("rule", EarlyWarningRule.self)
            guard problems.isEmpty, let measure else { throw Refusal.invalid(problems) }
            self.measure = measure
        }

        /// The households counted on a day: the episode list as of that day.
        func households(in division: DivisionCode, on day: CivilDate) -> EpisodeFilter {
            EpisodeFilter(
                state: state, phase: state == nil ? (phase ?? .monitoring) : phase, category: category, riskType: riskType, division: division,
                asOf: day)
        }

        /// The episodes approved or eliminated within the period.
        func episodes(in division: DivisionCode, _ period: (CivilDate, CivilDate)) -> EpisodeFilter {
            var filter = EpisodeFilter(state: state, phase: phase, category: category, riskType: riskType, division: division)
            if measure == .identified {
                (filter.identifiedFrom, filter.identifiedTo) = period
            } else {
                (filter.eliminatedFrom, filter.eliminatedTo) = period
            }
            return filter
        }

        /// The warnings raised within the period.
        func warnings(in division: DivisionCode, _ period: (CivilDate, CivilDate)) -> WarningFilter {
            var filter = WarningFilter()
            filter.division = division
            filter.rule = rule
            (filter.raisedFrom, filter.raisedTo) = period
            return filter
        }

        /// The date column the period is read from, for identified, eliminated and warnings.
        var dateColumn: SQLQueryString {
            switch measure {
            case .identified: "e.identified_on"
            case .eliminated: "e.closed_on"
            default: "w.raised_on"
            }
        }
    }

    static func evaluate(_ q: IndicatorQueryRequest, today: CivilDate) async throws -> IndicatorFigure {
        let series = IndicatorSeriesRequest(parameters: q.parameters, periods: [q.period], division: q.division, scope: q.scope, db: q.db)
        return try await Self.series(series, today: today)[0]
    }

    /// Every period in one statement: as of each period's last day (households, members) or
    /// grouped by the period a date falls in (identified, eliminated, warnings).
    static func series(_ r: IndicatorSeriesRequest, today: CivilDate) async throws -> [IndicatorFigure] {
        let question = try Question(r.parameters)
        let periods = r.periods.map { ($0.start, $0.end) }
        var counts: [String: Int64] = [:]
        var links: [String] = []
        switch question.measure {
        case .households, .members:
            var query: SQLQueryString = ""
            for (i, period) in r.periods.enumerated() {
                let filter = question.households(in: r.division, on: min(period.end, today))
                links.append("/monitoring/episodes" + filter.queryString())
                let n: SQLQueryString = question.measure == .households ? "COUNT(*)" : "CAST(COALESCE(SUM(p.members), 0) AS BIGINT)"
                query +=
                    (i == 0 ? "" : " UNION ALL ") + "SELECT \(literal: String(i)) AS k, \(n) AS n "
                    + MonitoringReports.spans(filter, scope: r.scope, today: today)
            }
            counts = try await decode(query, on: r.db)
        case .identified, .eliminated:
            links = periods.map { "/monitoring/episodes" + question.episodes(in: r.division, $0).queryString() }
            guard let span = r.span else { return [] }
            let body = question.episodes(in: r.division, span).fromWhere(scope: r.scope, today: today)
            counts = try await decode("SELECT \(r.bucket(question.dateColumn)) AS k, COUNT(*) AS n " + body + " GROUP BY k", on: r.db)
        case .warningsRaised:
            links = periods.map { "/monitoring/warnings" + question.warnings(in: r.division, $0).queryString() }
            guard let span = r.span else { return [] }
            let condition = question.warnings(in: r.division, span).condition(scope: r.scope)
            counts = try await decode(
                "SELECT \(r.bucket(question.dateColumn)) AS k, COUNT(*) AS n FROM early_warnings w WHERE "
                    + condition + " GROUP BY k", on: r.db)
        }
        return links.enumerated().map { i, link in IndicatorFigure(value: ExactDecimal(counts[String(i)] ?? 0), link: link) }
    }

    /// `k` (the period's index, NULL outside them all) → `n`.
    static func decode(_ query: SQLQueryString, on db: any Database) async throws -> [String: Int64] {
        struct Cell: Decodable { var k: String?; var n: Int64 }
        var out: [String: Int64] = [:]
        for cell in try await db.sql.raw(query).all(decoding: Cell.self) {
            if let k = cell.k { out[k, default: 0] += cell.n }
        }
        return out
    }
}
