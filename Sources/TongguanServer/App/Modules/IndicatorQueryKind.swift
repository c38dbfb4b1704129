import Fluent
import Foundation
import TongguanDomain

/// A figure a module computes for computed indicators and the briefing: for a period, a
/// division inside the caller's scope and the query's parameters, the exact value and the
/// link to the list of records behind it. The 指标 module knows no kind by name; it asks
/// `Modules.indicatorQueries`.
struct IndicatorQueryKind: Sendable {
    var spec: QueryKindSpec
    var evaluate: @Sendable (IndicatorQueryRequest) async throws -> IndicatorFigure
}

struct IndicatorQueryRequest: Sendable {
    var parameters: [String: String]
    var period: Period
    /// The division the value is for; always inside `scope`.
    var division: DivisionCode
    var scope: DivisionScope
    var db: any Database
}

/// One computed value: exact, with where its records are listed (a page URL with filters).
struct IndicatorFigure: Sendable, Equatable {
    var value: ExactDecimal
    var link: String
}
