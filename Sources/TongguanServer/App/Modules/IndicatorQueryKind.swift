import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import TongguanDomain

/// A figure a module computes for computed indicators and the briefing: for a period, a
/// division inside the caller's scope and the query's parameters, the exact value and the
/// link to the list of records behind it. The 指标 module knows no kind by name; it asks
/// `Modules.indicatorQueries`.
///
/// `series` is optional: the figures of several periods at once (a dashboard tile asks for
/// 13), typically one SQL statement grouped by period. A kind without it is asked period by
/// period (`figures(_:)`); a kind with it must answer exactly what `evaluate` answers for
/// each period (the tests compare the two on both engines).
struct IndicatorQueryKind: Sendable {
    var spec: QueryKindSpec
    var evaluate: @Sendable (IndicatorQueryRequest) async throws -> IndicatorFigure
    /// One figure per period of the request, in its order; throwing refuses every period.
    var series: (@Sendable (IndicatorSeriesRequest) async throws -> [IndicatorFigure])?

    init(
        spec: QueryKindSpec, evaluate: @escaping @Sendable (IndicatorQueryRequest) async throws -> IndicatorFigure,
        series: (@Sendable (IndicatorSeriesRequest) async throws -> [IndicatorFigure])? = nil
    ) {
        self.spec = spec
        self.evaluate = evaluate
        self.series = series
    }

    /// Each period's figure or refusal: from `series` when the kind has one and the periods
    /// are distinct and do not overlap, else from `evaluate` period by period.
    func figures(_ request: IndicatorSeriesRequest) async -> [Result<IndicatorFigure, any Error>] {
        if let series, request.periods.count > 1, request.periodsAreDisjoint {
            do {
                let figures = try await series(request)
                guard figures.count == request.periods.count else {
                    throw IndicatorSeriesMismatch(kind: spec.kind, asked: request.periods.count, answered: figures.count)
                }
                return figures.map { .success($0) }
            } catch {
                return Array(repeating: .failure(error), count: request.periods.count)
            }
        }
        var result: [Result<IndicatorFigure, any Error>] = []
        for period in request.periods {
            do { result.append(.success(try await evaluate(request.single(period)))) } catch { result.append(.failure(error)) }
        }
        return result
    }
}

struct IndicatorQueryRequest: Sendable {
    var parameters: [String: String]
    var period: Period
    /// The division the value is for; always inside `scope`.
    var division: DivisionCode
    var scope: DivisionScope
    var db: any Database
}

/// The same question as `IndicatorQueryRequest` for several periods.
struct IndicatorSeriesRequest: Sendable {
    var parameters: [String: String]
    /// Distinct and pairwise disjoint whenever `series` is called.
    var periods: [Period]
    var division: DivisionCode
    var scope: DivisionScope
    var db: any Database
    /// The reads of one dashboard (or other page of several series) its tiles may share;
    /// nil reads alone.
    var shared: IndicatorSharedReads? = nil

    func single(_ period: Period) -> IndicatorQueryRequest {
        IndicatorQueryRequest(parameters: parameters, period: period, division: division, scope: scope, db: db)
    }

    /// What a read shared between series answers for: the kind, the parameters it depends
    /// on (`parameters`, given by the kind), the periods, the division and the scope.
    func sharedKey(_ kind: String, parameters: [String: String]) -> String {
        let named = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return [kind, named, periods.map(\.description).joined(separator: ","), division.rawValue, scope.root.rawValue].joined(separator: "|")
    }

    var periodsAreDisjoint: Bool {
        let sorted = periods.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        return zip(sorted, sorted.dropFirst()).allSatisfy { $0.end < $1.start }
    }

    /// The earliest start and latest end: the date range one query reads.
    var span: (from: CivilDate, to: CivilDate)? {
        guard let from = periods.map(\.start).min(), let to = periods.map(\.end).max() else { return nil }
        return (from, to)
    }

    /// `CASE WHEN column BETWEEN … THEN '0' WHEN … THEN '1' … END`: the index of the period a
    /// `YYYY-MM-DD` text column falls in (NULL outside them all), to `GROUP BY` in one
    /// statement. `column` is a qualified identifier of the caller's query.
    func bucket(_ column: SQLQueryString) -> SQLQueryString {
        var expression: SQLQueryString = "CASE"
        for (i, period) in periods.enumerated() {
            expression +=
                " WHEN \(column) >= \(bind: period.start.description) AND \(column) <= \(bind: period.end.description) THEN \(literal: String(i))"
        }
        return expression + " END"
    }
}

/// The series reads that several tiles of one request share: a kind whose one statement
/// answers several tiles (every stage and measure of the project summary, every tallied
/// measure of the case statistics) reads it once under a key (`sharedKey`) and each tile
/// takes its part. It lives as long as the request that made it, so every figure is still
/// read from the records on each request, and tiles asking the same question in one answer
/// agree.
final class IndicatorSharedReads: Sendable {
    private let reads = NIOLockedValueBox<[String: Task<any Sendable, any Error>]>([:])

    init() {}

    /// What `read` answers under `key`, read once however many tiles ask.
    func value<T: Sendable>(_ key: String, _ read: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = reads.withLockedValue { reads in
            if let task = reads[key] { return task }
            let task = Task<any Sendable, any Error> { try await read() }
            reads[key] = task
            return task
        }
        guard let value = try await task.value as? T else { throw SharedReadMismatch(key: key) }
        return value
    }

    /// A key read as two different types (a bug in the kind that keyed it).
    struct SharedReadMismatch: Error, CustomStringConvertible {
        var key: String
        var description: String { "shared read \(key) answered another type" }
    }
}

/// A `series` that answered a different number of periods than asked (a bug in the kind).
struct IndicatorSeriesMismatch: Error, CustomStringConvertible {
    var kind: String
    var asked: Int
    var answered: Int
    var description: String { "\(kind).series answered \(answered) periods for \(asked)" }
}

/// One computed value: exact, with where its records are listed (a page URL with filters).
struct IndicatorFigure: Sendable, Equatable {
    var value: ExactDecimal
    var link: String
}
