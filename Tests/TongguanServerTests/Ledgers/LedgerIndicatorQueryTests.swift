import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// `ledger.aggregate` as the 指标 module asks it: through `Modules.indicatorQueries`, for a
/// period and a division, with the link to the items behind the figure.
@Suite struct LedgerIndicatorQueryTests {
    static let city = DivisionScope(DivisionCode("141100")!)
    static var thisYear: Period { Period.unit(.year, containing: LedgerItemService.chinaDay(Date()))! }

    func evaluate(
        _ t: TestApp, _ parameters: [String: String], division: String = "141100", period: Period = thisYear, scope: DivisionScope = city
    ) async throws -> IndicatorFigure {
        let kind = try #require(Modules.indicatorQueries["ledger.aggregate"])
        return try await kind.evaluate(
            IndicatorQueryRequest(parameters: parameters, period: period, division: DivisionCode(division)!, scope: scope, db: t.db))
    }

    /// Three items in 临县 (two 产业, one 就业, one of them done) and one in 石楼县.
    func fill(_ t: TestApp) async throws -> String {
        let token = try await LedgerSamples.define(t)
        for (title, division, kind, amount) in [
            ("甲", "141124", "产业", 100), ("乙", "141124", "产业", 250), ("丙", "141124", "就业", 7), ("丁", "141123", "产业", 1),
        ] {
            var body = LedgerSamples.item(title, division: division, kind: kind)
            body["values"] = (body["values"] as? [String: Any] ?? [:]).merging(["amount": amount, "area": "0.25"]) { _, new in new }
            _ = try await LedgerSamples.create(t, token: token, body)
        }
        let item = try #require(try await t.request(.GET, "/api/v1/ledgers/assistance/items?q=乙", token: token).json()["items"] as? [[String: Any]])
        let id = try #require(item.first?["id"] as? String)
        let done = try await t.request(.POST, "/api/v1/ledgers/assistance/items/\(id)/state", token: token, json: ["state": "done"])
        #expect(done.status == .ok, "\(done.body.string)")
        return token
    }

    @Test func theKindIsRegisteredWithItsParameters() throws {
        let kind = try #require(Modules.indicatorQueries["ledger.aggregate"])
        #expect(kind.spec.parameters.map(\.name) == ["ledger", "measure", "filter", "state"])
        #expect(kind.spec.parameter("ledger")?.required == true)
        #expect(
            kind.spec.problems(of: IndicatorQuery(kind: "ledger.aggregate", parameters: ["nope": "1"]), field: "query").map(\.field).sorted() == [
                "query.parameters.ledger", "query.parameters.nope",
            ])
    }

    @Test func valuesForADivisionWithTheirLinks() async throws {
        try await TestApp.with { t in
            _ = try await fill(t)
            #expect(try await evaluate(t, ["ledger": "assistance"]).value == ExactDecimal(4))
            let lin = try await evaluate(t, ["ledger": "assistance"], division: "141124")
            #expect(lin.value == ExactDecimal(3))
            #expect(lin.link == "/ledgers/assistance/items?division=141124")

            let filtered = try await evaluate(t, ["ledger": "assistance", "measure": "sum:amount", "filter": "kind=产业"], division: "141124")
            #expect(filtered.value == ExactDecimal(350))
            #expect(filtered.link.hasPrefix("/ledgers/assistance/items?division=141124&f.kind="))
            #expect(filtered.link.removingPercentEncoding?.hasSuffix("f.kind=产业") == true, "\(filtered.link)")

            #expect(try await evaluate(t, ["ledger": "assistance", "state": "done"], division: "141124").value == ExactDecimal(1))
            #expect(try await evaluate(t, ["ledger": "assistance", "measure": "sum:area"]).value == (try ExactDecimal("1.00")))
            #expect(
                try await evaluate(t, ["ledger": "assistance", "measure": "count_distinct:kind", "filter": "funded=true; kind=产业"]).value
                    == ExactDecimal(1))

            // A period that ended before the items existed counts none of them.
            let past = Period.year(2020)!
            #expect(try await evaluate(t, ["ledger": "assistance"], period: past).value == ExactDecimal(0))
        }
    }

    @Test func aCountyCountsOnlyItsOwnItems() async throws {
        try await TestApp.with { t in
            _ = try await fill(t)
            let lin = DivisionScope(DivisionCode("141124")!)
            #expect(try await evaluate(t, ["ledger": "assistance", "filter": "kind=产业"], division: "141124", scope: lin).value == ExactDecimal(2))
        }
    }

    @Test func badParametersAreRefusedByName() async throws {
        try await TestApp.with { t in
            _ = try await fill(t)
            func fields(_ parameters: [String: String]) async -> [String] {
                do {
                    _ = try await evaluate(t, parameters)
                    return []
                } catch let refusal as Refusal {
                    return refusal.problems.map(\.field)
                } catch {
                    return ["\(error)"]
                }
            }
            #expect(await fields(["ledger": "nope"]) == ["ledger"])
            #expect(await fields(["ledger": "assistance", "filter": "kind"]) == ["filter"])
            #expect(await fields(["ledger": "assistance", "measure": "sum:kind"]) == ["measure"])
            #expect(await fields(["ledger": "assistance", "filter": "kind=医疗"]) == ["filter.kind"])
            #expect(await fields(["ledger": "assistance", "state": "nope"]) == ["state"])
            #expect(await fields(["ledger": "assistance", "other": "1"]) == ["other"])
        }
    }
}
