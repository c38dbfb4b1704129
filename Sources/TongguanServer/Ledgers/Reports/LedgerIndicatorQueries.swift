import Fluent
import Foundation
import TongguanDomain

/// `ledger.aggregate` for 指标: a ledger's aggregate (the same query as
/// `GET /api/v1/ledgers/{code}/aggregate`) for a division, as it stood at the end of the
/// period, with the link to the item list behind the figure. Parameters: `ledger` (the
/// ledger's code), `measure` (`count`, `count_distinct:<key>`, `sum:<key>`; default
/// `count`), `filter` (`<key>=<value>;…` in the API's forms) and `state` (a state code).
/// Money comes in 分, decimals exactly.
enum LedgerIndicatorQueries {
    static let aggregate = IndicatorQueryKind(
        spec: QueryKindSpec(
            kind: "ledger.aggregate", label: "台账汇总",
            parameters: [
                QueryParameterSpec(name: "ledger", label: "台账代码", required: true),
                QueryParameterSpec(name: "measure", label: "度量(count、count_distinct:字段、sum:字段)"),
                QueryParameterSpec(name: "filter", label: "筛选(字段=值;字段=值)"),
                QueryParameterSpec(name: "state", label: "状态代码"),
            ]),
        evaluate: evaluate)

    @Sendable static func evaluate(_ q: IndicatorQueryRequest) async throws -> IndicatorFigure {
        guard let code = q.parameters["ledger"], !code.isEmpty else { throw Refusal.invalid("ledger", "缺少必填参数「台账代码」") }
        let unknown = Set(q.parameters.keys).subtracting(aggregate.spec.parameters.map(\.name)).sorted()
        if !unknown.isEmpty { throw Refusal.invalid(unknown.map { FieldProblem(field: $0, message: "台账汇总没有此参数") }) }
        let filters = try filters(q.parameters["filter"] ?? "")
        // A period that has not ended yet is counted as it stands now (from the tallies); an
        // ended one as it stood on its last day (from the state events).
        let today = LedgerItemService.chinaDay(Date())
        let asOf = q.period.end < today ? q.period.end : nil
        let answer: LedgerQueries.Aggregate
        do {
            answer = try await LedgerQueries.aggregate(
                code: code, measure: q.parameters["measure"] ?? "count", filters: filters, scope: q.scope, asOf: asOf,
                state: q.parameters["state"], division: q.division, on: q.db)
        } catch let refusal as Refusal where refusal.kind == .notFound {
            throw Refusal.invalid("ledger", "台账「\(code)」不存在或不在管辖范围内")
        }
        let value: ExactDecimal
        switch answer.rows.first?.value ?? .count(0) {
        case .count(let n): value = ExactDecimal(n)
        case .integer(let n), .money(let n): value = ExactDecimal(n)
        case .decimal(let d):
            do { value = try ExactDecimal(d.description) } catch { throw Refusal.invalid("measure", "合计超出可表示的范围") }
        }
        return IndicatorFigure(value: value, link: answer.link)
    }

    /// `<key>=<value>;<key>=<value>` → conditions (every bad part reported).
    static func filters(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var problems: [String] = []
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pair[0].trimmingCharacters(in: .whitespaces)
            guard pair.count == 2, !key.isEmpty else {
                problems.append("「\(part)」应写作 字段=值")
                continue
            }
            if result[key] != nil { problems.append("字段「\(key)」出现了两次") }
            result[key] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        if !problems.isEmpty { throw Refusal.invalid("filter", problems.joined(separator: ";")) }
        return result
    }
}
