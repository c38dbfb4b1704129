import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct LedgerAggregateAPITests {
    func rows(_ t: TestApp, _ query: String, token: String) async throws -> [[String: Any]] {
        let res = try await t.request(.GET, "/api/v1/ledgers/assistance/aggregate?\(query)", token: token)
        try #require(res.status == .ok, "\(query): \(res.body.string)")
        return try res.json()["rows"] as? [[String: Any]] ?? []
    }

    @Test func figuresInTheAPIForms() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("甲", kind: "就业", extra: ["area": "1.25", "amount": 100]))
            _ = try await LedgerSamples.create(
                t, token: token, LedgerSamples.item("乙", division: "141123", kind: "就业", extra: ["area": "2.5", "amount": 250]))
            _ = try await LedgerSamples.create(t, token: token, LedgerSamples.item("丙", kind: "教育", extra: ["funded": false]))
            let count = try await rows(t, "", token: token)
            #expect(count.count == 1 && count[0]["value"] as? Int == 3 && count[0]["group"] is NSNull)
            #expect(try await rows(t, "measure=sum:area", token: token).first?["value"] as? String == "16.25")
            #expect(try await rows(t, "measure=sum:amount&filter.kind=就业", token: token).first?["value"] as? Int == 350)
            #expect(try await rows(t, "measure=count_distinct:kind", token: token).first?["value"] as? Int == 2)
            let byKind = try await rows(t, "group_by=kind", token: token)
            #expect(byKind.map { $0["group"] as? String } == ["产业", "就业", "教育"])
            #expect(byKind.map { $0["value"] as? Int } == [0, 2, 1])
            let byDivision = try await rows(t, "group_by=division&filter.funded=true", token: token)
            #expect(byDivision.map { $0["group"] as? String } == ["141123", "141124"])
            #expect(byDivision.map { $0["value"] as? Int } == [1, 1])
            let byState = try await rows(t, "group_by=state", token: token)
            #expect(byState.map { $0["group"] as? String } == ["todo", "in_progress", "done"])
            // Yesterday nothing existed yet.
            let yesterday = LedgerItemService.chinaDay(Date()).adding(days: -1).description
            #expect(try await rows(t, "as_of=\(yesterday)", token: token).first?["value"] as? Int == 0)
            #expect(try await rows(t, "as_of=\(LedgerItemService.chinaDay(Date()))&state=todo", token: token).first?["value"] as? Int == 3)

            let bad = try await t.request(
                .GET, "/api/v1/ledgers/assistance/aggregate?measure=sum:title&group_by=title&as_of=x&filter.contact=张三", token: token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.problemFields()) == ["filter.contact"])
            let bad2 = try await t.request(.GET, "/api/v1/ledgers/assistance/aggregate?measure=sum:title&group_by=title&as_of=x", token: token)
            #expect(Set(try bad2.problemFields()) == ["measure", "group_by", "as_of"])
            #expect(try await t.request(.GET, "/api/v1/ledgers/nope/aggregate", token: token).status == .notFound)
        }
    }

    @Test func aCountyNeverCountsAnotherCountysItems() async throws {
        try await TestApp.with { t in
            let token = try await LedgerSamples.define(t)
            var other = ""
            for (i, division) in ["141124", "141124", "141123", "141102", "141124"].enumerated() {
                let item = try await LedgerSamples.create(
                    t, token: token, LedgerSamples.item("事项\(i)", division: division, kind: i % 2 == 0 ? "就业" : "产业"))
                if division == "141123" { other = item["id"] as? String ?? "" }
            }
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let lin = try await t.token("lin.viewer")
            #expect(try await rows(t, "", token: lin).first?["value"] as? Int == 3)
            let byDivision = try await rows(t, "group_by=division", token: lin)
            #expect(byDivision.map { $0["group"] as? String } == ["141124"])
            #expect(try await rows(t, "division=141123", token: lin).first?["value"] as? Int == 0)
            #expect(try await rows(t, "division=141100&group_by=kind", token: lin).map { $0["value"] as? Int } == [1, 2, 0])
            #expect(try await rows(t, "measure=count_distinct:title&filter.kind=就业&filter.funded=true", token: lin).first?["value"] as? Int == 2)
            let list = try await t.request(.GET, "/api/v1/ledgers/assistance/items?division=141123", token: lin)
            #expect((try list.json()["metadata"] as? [String: Any])?["total"] as? Int == 0)
            #expect(try await t.request(.GET, "/api/v1/ledgers/assistance/items/\(other)", token: lin).status == .notFound)
            let ledger = try await t.request(.GET, "/api/v1/ledgers/assistance", token: lin)
            #expect(try ledger.json()["item_count"] as? Int == 3)

            // The query service other modules call applies the same scope.
            let service = try await LedgerQueries.aggregate(
                code: "assistance", filters: ["kind": "就业"], scope: DivisionScope(DivisionCode("141124")!), groupBy: "division", on: t.db)
            #expect(service.rows == [LedgerAggregateRow(group: "141124", value: .count(2))])
            #expect(service.groupLinks["141124"] == "/ledgers/assistance/items?division=141124&f.kind=%E5%B0%B1%E4%B8%9A")
            await #expect(throws: Refusal.self) {
                _ = try await LedgerQueries.aggregate(
                    code: "assistance", measure: "sum:title", scope: DivisionScope(DivisionCode("141124")!), on: t.db)
            }
        }
    }
}
