import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// `IndicatorQueryKind.series` answers a run of periods in one query; every figure (value
/// and link) must equal what `evaluate` answers for that period alone, on whichever engine
/// the suite runs, and a dashboard tile's values equal the per-period evaluation.
@Suite struct IndicatorSeriesTests {
    typealias Random = StageFactTests.Random

    /// `count` periods of `kind` ending by `asOf` and the same period a year before the
    /// newest, as a dashboard tile asks for them.
    static func tilePeriods(_ kind: Period.Kind, asOf: CivilDate, count: Int = 12) -> [Period] {
        var periods = DashboardService.periods(kind, endingBy: asOf, count: count)
        if let lastYear = periods.first?.sameLastYear, !periods.contains(lastYear) { periods.append(lastYear) }
        return periods
    }

    /// The series of `kind` against its per-period answers (the loop the seam replaces);
    /// with `shared`, also the series that reads through it (as a dashboard's tiles do, one
    /// instance across calls, so a key that named too little would answer another question).
    static func expectSeriesEqualsLoop(
        _ kind: IndicatorQueryKind, _ parameters: [String: String], periods: [Period], division: DivisionCode, scope: DivisionScope,
        on db: any Database, shared: IndicatorSharedReads? = nil, _ context: String
    ) async throws -> [ExactDecimal] {
        let series = try #require(kind.series, "\(kind.spec.kind) has a series")
        let request = IndicatorSeriesRequest(parameters: parameters, periods: periods, division: division, scope: scope, db: db)
        let answered = try await series(request)
        var looped: [IndicatorFigure] = []
        for p in periods { looped.append(try await kind.evaluate(request.single(p))) }
        #expect(answered == looped, "\(context) \(parameters) \(division.rawValue) \(periods.map(\.description))")
        let figures = await kind.figures(request).map { try? $0.get() }
        #expect(figures == looped.map { Optional($0) }, "\(context)")
        if let shared {
            var sharing = request
            sharing.shared = shared
            let read = try await series(sharing)
            #expect(read == looped, "\(context) shared \(parameters) \(division.rawValue) \(periods.map(\.description))")
        }
        return looped.map(\.value)
    }

    /// A `projects.summary` figure recomputed in Swift from the project and milestone rows
    /// (`StageFactTests.recomputed`), read neither from the facts nor from the month rollup:
    /// a series that reads either wrongly differs from it.
    static func recomputedSummary(
        _ parameters: [String: String], period: Period, division: DivisionCode, scope: DivisionScope, rounds: [String: UUID], from projects: [Project]
    ) throws -> ExactDecimal {
        let (stage, measure) = try ProjectIndicatorQueries.stageAndMeasure(parameters)
        var request = ProjectSummary.Request(division: division, groupBy: parameters["industry"] == nil ? .stage : .industry)
        if let name = parameters["round"] {
            let round: UUID = try #require(rounds[name])
            request.roundID = round
        } else {
            (request.from, request.to) = (period.start, period.end)
        }
        let rows = StageFactTests.recomputed(request, scope: scope, from: projects)
            .filter { $0.stage == stage && (parameters["industry"] == nil || $0.group == parameters["industry"]) }
        return ExactDecimal(rows.reduce(Int64(0)) { $0 + measure.of($1) })
    }

    @Test func projectsSummarySeriesEqualsEachPeriod() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            var roundIDs: [String] = []
            var rounds: [String: UUID] = [:]
            for (name, date) in [("2021年第一次", "2021-03-18"), ("2022年第一次", "2022-05-20")] {
                let res = try await t.request(.POST, "/api/v1/rounds", token: token, json: ["name": name, "date": date, "division_code": "141100"])
                roundIDs.append(try #require(try res.json()["id"] as? String))
                let id: UUID = try #require(UUID(uuidString: roundIDs.last!))
                rounds[name] = id
            }
            var rng = Random(state: 20_221_231)
            var created: [(id: String, etag: String, stages: [String])] = []
            for serial in 0..<36 {
                var milestones: [[String: Any]] = []
                var day = CivilDate(year: 2020, month: 1, day: 1)!.adding(days: Int.random(in: 0..<800, using: &rng))
                for stage in Stage.allCases.prefix(Int.random(in: 0...3, using: &rng)) {
                    var m: [String: Any] = ["stage": stage.rawValue, "date": day.description]
                    if rng.chance(0.5) { m["round_id"] = rng.pick(roundIDs) }
                    milestones.append(m)
                    day = day.adding(days: Int.random(in: 0...200, using: &rng))
                }
                let body: [String: Any] = [
                    "name": "序列项目\(serial)", "investor_name": "山西测试实业有限公司", "credit_code": rng.pick(StageFactTests.codes),
                    "division_code": rng.pick(StageFactTests.divisions), "industry": rng.pick(StageFactTests.industries),
                    "total_investment_fen": Int.random(in: 1...9_000_000_000, using: &rng),
                    "expected_annual_output_fen": Int.random(in: 0...9_000_000_000, using: &rng), "milestones": milestones,
                ]
                let res = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
                try #require(res.status == .created, "\(res.body.string)")
                created.append(
                    (
                        try #require(try res.json()["id"] as? String), try #require(res.headers.first(name: .eTag)),
                        milestones.compactMap { $0["stage"] as? String }
                    ))
            }
            // Some projects move to another county and change their amounts, lose their last
            // milestone or are deleted, so the month rollup holds rows that were taken from.
            for (i, (id, etag, stages)) in created.enumerated() where i % 5 == 2 {
                let division = rng.pick(StageFactTests.divisions)
                let patch: [String: Any] = ["division_code": division, "total_investment_fen": 123_456_789 * (i + 1)]
                let res = try await t.request(.PATCH, "/api/v1/projects/\(id)", token: token, json: patch, headers: ["If-Match": etag])
                try #require(res.status == .ok, "\(res.body.string)")
                if stages.count > 1, let last = stages.last {
                    let removed = try await t.request(.DELETE, "/api/v1/projects/\(id)/milestones/\(last)", token: token)
                    try #require(removed.status == .ok, "\(removed.body.string)")
                }
            }
            for (id, _, _) in created.suffix(2) {
                try #require(try await t.request(.DELETE, "/api/v1/projects/\(id)", token: token).status == .noContent)
            }
            let projects = try await Project.query(on: t.db).with(\.$milestones).all()
            let kind = try #require(Modules.indicatorQueries["projects.summary"])
            let city = DivisionScope(DivisionCode("141100")!)
            let asOf = CivilDate(year: 2022, month: 12, day: 31)!
            // Periods that cut months: the series reads them from the facts alone.
            let days = { (from: String, to: String) in try Period.range(from: .day(CivilDate(iso: from)!), to: .day(CivilDate(iso: to)!)) }
            let cut = try [
                days("2020-11-16", "2021-02-10"), days("2021-02-11", "2021-06-30"), days("2021-07-01", "2022-03-05"), .month(year: 2022, month: 4)!,
            ]
            var nonZero = 0
            // One set of shared reads for every series below, as one dashboard's tiles share it.
            let shared = IndicatorSharedReads()
            for periods in [PeriodKindOrList.kind(.month), .kind(.quarter), .kind(.halfYear), .kind(.year), .list(cut)] {
                for stage in Stage.allCases {
                    for measure in ["count", "investment", "output"] {
                        var parameters = ["stage": stage.rawValue, "measure": measure]
                        if rng.chance(0.4) { parameters["industry"] = rng.pick(StageFactTests.industries) }
                        if rng.chance(0.15) { parameters["round"] = "2021年第一次" }
                        let division = DivisionCode(rng.pick(["141100", "141124", "141124100", "141102"]))!
                        let asked = periods.periods(asOf: asOf)
                        let values = try await Self.expectSeriesEqualsLoop(
                            kind, parameters, periods: asked, division: division, scope: city, on: t.db, shared: shared, "projects \(periods)")
                        let want = try asked.map {
                            try Self.recomputedSummary(parameters, period: $0, division: division, scope: city, rounds: rounds, from: projects)
                        }
                        #expect(values == want, "projects \(periods) \(parameters) \(division.rawValue): the records' figures")
                        nonZero += values.filter { !$0.isZero }.count
                    }
                }
            }
            #expect(nonZero > 40, "the data gives the series something to count")
            // A county user's scope bounds the series like each period.
            let county = DivisionScope(DivisionCode("141124")!)
            let quarters = Self.tilePeriods(.quarter, asOf: asOf)
            let values = try await Self.expectSeriesEqualsLoop(
                kind, ["stage": "signed", "measure": "count"], periods: quarters, division: DivisionCode("141124")!, scope: county, on: t.db,
                shared: shared, "county scope")
            let want = try quarters.map {
                try Self.recomputedSummary(
                    ["stage": "signed", "measure": "count"], period: $0, division: DivisionCode("141124")!, scope: county, rounds: rounds,
                    from: projects)
            }
            #expect(values == want, "county scope: the records' figures")
            // Refusals are the same for every period.
            let request = IndicatorSeriesRequest(
                parameters: ["stage": "signed", "measure": "count", "round": "不存在的批次"], periods: Self.tilePeriods(.year, asOf: asOf),
                division: DivisionCode("141100")!, scope: city, db: t.db)
            let outcomes = await kind.figures(request)
            #expect(outcomes.count == request.periods.count)
            #expect(outcomes.allSatisfy { if case .failure(let e) = $0 { (e as? Refusal) != nil } else { false } })
        }
    }

    @Test func casesStatsSeriesEqualsEachPeriod() async throws {
        try await TestApp.with { t in
            _ = try await CaseStatsFixture.make(t)
            let kind = try #require(Modules.indicatorQueries["cases.stats"])
            let city = DivisionScope(DivisionCode("141100")!)
            let parameterSets: [[String: String]] = [
                [:], ["source": "liaison_station"], ["owner_leader": "any"], ["backlog": "true", "handed_down_by": "中央联席办"], ["backlog": "false"],
            ]
            var nonZero = 0
            let shared = IndicatorSharedReads()
            for extra in parameterSets {
                for measure in CaseStats.Measure.allCases {
                    var parameters = extra
                    parameters["measure"] = measure.rawValue
                    for (periodKind, asOf) in [(Period.Kind.month, "2024-12-31"), (.quarter, "2024-12-31"), (.year, "2024-12-31")] {
                        for division in ["141100", "141124", "141102"] {
                            let values = try await Self.expectSeriesEqualsLoop(
                                kind, parameters, periods: Self.tilePeriods(periodKind, asOf: CivilDate(iso: asOf)!),
                                division: DivisionCode(division)!,
                                scope: city, on: t.db, shared: shared, "cases \(periodKind)")
                            nonZero += values.filter { !$0.isZero }.count
                        }
                    }
                }
            }
            #expect(nonZero > 20, "the fixture's cases are counted")
            // The tallied measures that tiles read together (one statement through the shared
            // reads) against the figures recomputed from the case rows.
            let cases = try await CaseRecord.query(on: t.db).all()
            let today = CaseClock.today()
            let series = try #require(kind.series)
            var counted = 0
            for extra in parameterSets {
                let tiles = IndicatorSharedReads()
                for measure in CaseTally.measures {
                    var parameters = extra
                    parameters["measure"] = measure.rawValue
                    for periodKind in [Period.Kind.month, .quarter, .year] {
                        for division in ["141100", "141124", "141102"] {
                            let periods = Self.tilePeriods(periodKind, asOf: CivilDate(iso: "2024-12-31")!)
                            let request = IndicatorSeriesRequest(
                                parameters: parameters, periods: periods, division: DivisionCode(division)!, scope: city, db: t.db, shared: tiles)
                            let read = try await series(request).map(\.value)
                            let want = try periods.map { p in
                                let (_, r) = try CaseIndicatorQueries.parsed(parameters, from: p.start, to: p.end, division: DivisionCode(division)!)
                                let all = CaseTallyTests.reference(r, scope: city, today: today, cases: cases)["all"]
                                return ExactDecimal(all?[measure.rawValue] ?? 0)
                            }
                            #expect(read == want, "cases shared \(parameters) \(periodKind) \(division): the case rows' figures")
                            counted += read.filter { !$0.isZero }.count
                        }
                    }
                }
            }
            #expect(counted > 20, "the shared reads count the fixture's cases")
        }
    }

    /// The evaluator over a series (what a dashboard tile uses) equals evaluating each
    /// period: plain, ratio, manual and refused indicators, with their reasons.
    @Test func evaluatorSeriesEqualsEachPeriod() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            _ = try await CaseStatsFixture.make(t)
            var ratio = IndicatorBodies.computed("series.ratio", name: "化解率", stage: "signed", measure: "count", unit: "%")
            ratio["source"] = [
                "type": "computed", "query": ["kind": "cases.stats", "parameters": ["measure": "resolved"]],
                "denominator": ["kind": "cases.stats", "parameters": ["measure": "received"]],
            ]
            try await t.createIndicator(ratio, token: token)
            try await t.createIndicator(IndicatorBodies.computed("series.signed", name: "签约项目", stage: "signed", measure: "count"), token: token)
            var refused = IndicatorBodies.computed("series.refused", name: "批次项目", stage: "signed", measure: "count")
            refused["source"] = [
                "type": "computed", "query": ["kind": "projects.summary", "parameters": ["stage": "signed", "measure": "count", "round": "无此批次"]],
            ]
            try await t.createIndicator(refused, token: token)
            try await t.createIndicator(IndicatorBodies.manual("series.manual", name: "填报值", unit: "个"), token: token)
            let evaluator = IndicatorEvaluator(db: t.db, scope: DivisionScope(DivisionCode("141100")!))
            let periods = Self.tilePeriods(.month, asOf: CivilDate(year: 2024, month: 12, day: 31)!)
            var ratios = 0
            for code in ["series.ratio", "series.signed", "series.refused", "series.manual"] {
                let record = try #require(try await IndicatorRecord.query(on: t.db).filter(\.$code == code).first())
                let series = try await evaluator.evaluate(record, periods: periods, division: DivisionCode("141124")!)
                var looped: [EvaluatedValue] = []
                for p in periods { looped.append(try await evaluator.evaluate(record, period: p, division: DivisionCode("141124")!)) }
                #expect(series == looped, "\(code)")
                if code == "series.ratio" { ratios = series.filter { $0.exact != nil }.count }
                if code == "series.refused" { #expect(series.allSatisfy { $0.reason?.contains("无此批次") == true }) }
            }
            #expect(ratios > 0, "some month has received cases, so a ratio")
        }
    }
}

/// A dashboard's periods of one kind, or a list of periods as given.
enum PeriodKindOrList: CustomStringConvertible {
    case kind(Period.Kind)
    case list([Period])

    func periods(asOf: CivilDate) -> [Period] {
        switch self {
        case .kind(let kind): IndicatorSeriesTests.tilePeriods(kind, asOf: asOf)
        case .list(let periods): periods
        }
    }

    var description: String {
        switch self {
        case .kind(let kind): kind.rawValue
        case .list(let periods): periods.map(\.description).joined(separator: ",")
        }
    }
}
