import Fluent
import Foundation
import TongguanDomain
import Vapor

/// One indicator's value for a period and division, as every answer of this module states
/// it: the value (or the periods missing), the link to what it counts, and where it came from.
struct EvaluatedValue: Sendable, Equatable {
    /// Nil when the figure cannot be computed at all (`unavailable` says why).
    var value: PeriodValue?
    var unavailable: String?
    /// The list of records behind a computed value, or an entered value's history.
    var link: String
    /// `manual` or `computed`.
    var sourceKind: String

    /// The value, when there is one.
    var exact: ExactDecimal? { value?.value }

    /// The reason there is no value (missing periods or the module's refusal).
    var reason: String? {
        if let unavailable { return unavailable }
        if case .gap(let missing)? = value {
            return "以下期间没有填报数值:" + missing.map(\.description).joined(separator: "、")
        }
        return nil
    }
}

/// Computes indicator values: a manual indicator reads what was entered (rolled up only as the
/// indicator says), a computed one asks the module that registered its query kind, through
/// `Modules.indicatorQueries` only, for any period and any division in the caller's scope.
struct IndicatorEvaluator: Sendable {
    let db: any Database
    let scope: DivisionScope
    var kinds: [String: IndicatorQueryKind] = Modules.indicatorQueries
    var logger: Logger? = nil
    /// Set for a page of several tiles (the dashboard): their series share reads.
    var shared: IndicatorSharedReads? = nil

    /// Ratios are computed at this many decimals before the indicator rounds them for display.
    static let ratioScale = 10

    func evaluate(
        _ record: IndicatorRecord, period: Period, division: DivisionCode, overrides: [String: String] = [:]
    ) async throws -> EvaluatedValue {
        let indicator = record.indicator
        switch indicator.source {
        case .manual:
            let link =
                "/indicators/\(indicator.code.rawValue)/history"
                + QueryString.encode([("division", division.rawValue), ("period", period.description)])
            let entries = try await ValueService.entries(try record.requireID(), division: division, within: period, on: db)
            do {
                return EvaluatedValue(value: try indicator.rollUp.value(for: period, entries: entries), link: link, sourceKind: "manual")
            } catch {
                return EvaluatedValue(value: nil, unavailable: error.message, link: link, sourceKind: "manual")
            }
        case .computed(let query, let denominator):
            let numerator = await run(query, period: period, division: division, overrides: overrides)
            var below: QueryOutcome?
            if let denominator, case .success = numerator {
                below = await run(denominator, period: period, division: division, overrides: overrides)
            }
            return Self.combined(numerator, below, period: period, ratio: denominator != nil)
        }
    }

    /// A computed indicator's values for several periods, in their order: each query kind is
    /// asked once for all of them (`IndicatorQueryKind.figures`, one statement where the
    /// module implements `series`), and each period's value is exactly what `evaluate`
    /// gives for it. A manual indicator is read period by period.
    func evaluate(_ record: IndicatorRecord, periods: [Period], division: DivisionCode) async throws -> [EvaluatedValue] {
        guard case .computed(let query, let denominator) = record.indicator.source else {
            var values: [EvaluatedValue] = []
            for period in periods { values.append(try await evaluate(record, period: period, division: division)) }
            return values
        }
        let numerators = await run(query, periods: periods, division: division)
        var denominators: [QueryOutcome]?
        if let denominator { denominators = await run(denominator, periods: periods, division: division) }
        return periods.indices.map { i in Self.combined(numerators[i], denominators?[i], period: periods[i], ratio: denominator != nil) }
    }

    /// One period's value from its numerator's and (for a ratio) denominator's outcomes.
    static func combined(_ numerator: QueryOutcome, _ below: QueryOutcome?, period: Period, ratio: Bool) -> EvaluatedValue {
        guard case .success(let top) = numerator else {
            return EvaluatedValue(value: nil, unavailable: numerator.failureMessage, link: "", sourceKind: "computed")
        }
        guard ratio, let below else {
            return EvaluatedValue(value: .value(top.value, from: [period]), link: top.link, sourceKind: "computed")
        }
        do {
            guard case .success(let bottom) = below else {
                return EvaluatedValue(value: nil, unavailable: below.failureMessage, link: top.link, sourceKind: "computed")
            }
            guard !bottom.value.isZero else {
                return EvaluatedValue(value: nil, unavailable: "分母为0,比值无意义", link: top.link, sourceKind: "computed")
            }
            let ratio = try top.value.divided(by: bottom.value, scale: Self.ratioScale)
            return EvaluatedValue(value: .value(ratio, from: [period]), link: top.link, sourceKind: "computed")
        } catch {
            return EvaluatedValue(value: nil, unavailable: error.message, link: top.link, sourceKind: "computed")
        }
    }

    enum QueryOutcome {
        case success(IndicatorFigure)
        case failure(String)

        var failureMessage: String {
            if case .failure(let m) = self { return m }
            return ""
        }
    }

    /// One query of a module; its refusals become the reason shown in place of the figure.
    func run(_ query: IndicatorQuery, period: Period, division: DivisionCode, overrides: [String: String]) async -> QueryOutcome {
        guard let kind = kinds[query.kind] else {
            return .failure("查询类型「\(query.kind)」尚未登记(提供它的模块未启用)")
        }
        // A template's `round:` or `filter.x:` replaces a parameter only where the kind has it.
        let accepted = overrides.filter { kind.spec.parameter($0.key) != nil }
        let request = IndicatorQueryRequest(
            parameters: query.overriding(accepted).parameters, period: period, division: division, scope: scope, db: db)
        do {
            return .success(try await kind.evaluate(request))
        } catch {
            return outcome(of: error, kind: kind)
        }
    }

    /// One query of a module for several periods (one outcome per period, in their order).
    func run(_ query: IndicatorQuery, periods: [Period], division: DivisionCode) async -> [QueryOutcome] {
        guard let kind = kinds[query.kind] else {
            return Array(repeating: .failure("查询类型「\(query.kind)」尚未登记(提供它的模块未启用)"), count: periods.count)
        }
        let request = IndicatorSeriesRequest(
            parameters: query.parameters, periods: periods, division: division, scope: scope, db: db, shared: shared)
        return await kind.figures(request).map { result in
            switch result {
            case .success(let figure): .success(figure)
            case .failure(let error): outcome(of: error, kind: kind)
            }
        }
    }

    /// A module's refusal as the reason shown in place of the figure; anything else is logged.
    func outcome(of error: any Error, kind: IndicatorQueryKind) -> QueryOutcome {
        if let refusal = error as? Refusal {
            let detail = refusal.problems.map(\.message).joined(separator: ";")
            return .failure(detail.isEmpty ? refusal.message : detail)
        }
        logger?.report(error: error)
        return .failure("「\(kind.spec.label)」计算失败")
    }
}
