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
            guard case .success(let top) = numerator else {
                return EvaluatedValue(value: nil, unavailable: numerator.failureMessage, link: "", sourceKind: "computed")
            }
            guard let denominator else {
                return EvaluatedValue(value: .value(top.value, from: [period]), link: top.link, sourceKind: "computed")
            }
            let below = await run(denominator, period: period, division: division, overrides: overrides)
            guard case .success(let bottom) = below else {
                return EvaluatedValue(value: nil, unavailable: below.failureMessage, link: top.link, sourceKind: "computed")
            }
            guard !bottom.value.isZero else {
                return EvaluatedValue(value: nil, unavailable: "分母为0,比值无意义", link: top.link, sourceKind: "computed")
            }
            do {
                let ratio = try top.value.divided(by: bottom.value, scale: Self.ratioScale)
                return EvaluatedValue(value: .value(ratio, from: [period]), link: top.link, sourceKind: "computed")
            } catch {
                return EvaluatedValue(value: nil, unavailable: error.message, link: top.link, sourceKind: "computed")
            }
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
        } catch let refusal as Refusal {
            let detail = refusal.problems.map(\.message).joined(separator: ";")
            return .failure(detail.isEmpty ? refusal.message : detail)
        } catch {
            logger?.report(error: error)
            return .failure("「\(kind.spec.label)」计算失败")
        }
    }
}
