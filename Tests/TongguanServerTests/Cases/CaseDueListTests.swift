import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite("诉求 due lists: the overdue list in pages, read in due-date order from its index")
struct CaseDueListTests {
    @Test("overdue_on pages: every page in order of due date then number, the same cases as one long page, totals exact, scoped")
    func overduePages() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let cityUnit = try await t.request(.POST, "/api/v1/units", token: kit.admin, json: ["name": "离石区住建局", "division_code": "141102"])
            let otherUnit = try cityUnit.json()["id"] as! String
            // Nine hotline cases routed on two days (handle due 5 working days later), in
            // 临县, one of its townships and 离石区: ties on the due date are ordered by number.
            var expected: [(due: String, number: String, id: String, county: Bool)] = []
            for (i, (division, routed)) in [
                ("141124", "2024-09-02"), ("141102", "2024-09-02"), ("141124100", "2024-09-02"), ("141124", "2024-09-03"),
                ("141102", "2024-09-03"), ("141124", "2024-09-02"), ("141102", "2024-09-02"), ("141124100", "2024-09-03"),
                ("141124", "2024-09-03"),
            ].enumerated() {
                let c = try await kit.register(CaseKit.body(division: division, received: routed))
                let id = c["id"] as! String
                let unit = division.hasPrefix("141124") ? kit.unitID : otherUnit
                let routedCase = try await kit.must(id, "route", ["unit_id": unit, "date": routed])
                let due = try #require((routedCase["due"] as? [String: Any])?["handle"] as? String, "case \(i)")
                expected.append((due, c["number"] as! String, id, division.hasPrefix("141124")))
            }
            // A case answered in time is never overdue; one never routed has no handle due.
            let answered = try await kit.register(CaseKit.body(received: "2024-09-02"))["id"] as! String
            try await kit.must(answered, "route", ["unit_id": kit.unitID, "date": "2024-09-02"])
            try await kit.must(answered, "accept", token: kit.handler, ["date": "2024-09-02"])
            try await kit.must(answered, "start", token: kit.handler, ["date": "2024-09-02"])
            try await kit.must(answered, "reply", token: kit.handler, ["outcome": "resolved", "text": "已处理", "date": "2024-09-04"])
            _ = try await kit.register(CaseKit.body(received: "2024-09-02"))
            expected.sort { ($0.due, $0.number) < ($1.due, $1.number) }
            #expect(Set(expected.map(\.due)) == ["2024-09-09", "2024-09-10"])

            func pages(_ query: String, token: String, per: Int) async throws -> (ids: [String], totals: Set<Int>) {
                var ids: [String] = []
                var totals: Set<Int> = []
                for page in 1...12 {
                    let res = try await t.request(.GET, "/api/v1/cases?\(query)&per=\(per)&page=\(page)", token: token)
                    try #require(res.status == .ok, "\(res.body.string)")
                    let body = try res.json()
                    totals.insert((body["metadata"] as? [String: Any])?["total"] as? Int ?? -1)
                    let items = body["items"] as? [[String: Any]] ?? []
                    if items.isEmpty { break }
                    ids += items.compactMap { $0["id"] as? String }
                }
                return (ids, totals)
            }
            // Overdue on 2024-09-11: all nine, in order, whatever the page size.
            for per in [2, 4, 100] {
                let city = try await pages("overdue_on=2024-09-11", token: kit.admin, per: per)
                #expect(city.ids == expected.map(\.id), "per=\(per)")
                #expect(city.totals == [expected.count])
            }
            // Overdue on 2024-09-10: only the ones due on 09-09.
            let early = expected.filter { $0.due == "2024-09-09" }
            let partial = try await pages("overdue_on=2024-09-10", token: kit.admin, per: 2)
            #expect(partial.ids == early.map(\.id) && partial.totals == [early.count])
            // The county user: 临县 and its township only, same order.
            let county = expected.filter(\.county)
            let seen = try await pages("overdue_on=2024-09-11", token: kit.handler, per: 2)
            #expect(seen.ids == county.map(\.id) && seen.totals == [county.count])
            // The division filter narrows the same way inside the city.
            let township = try await pages("overdue_on=2024-09-11&division=141124100", token: kit.admin, per: 1)
            #expect(township.ids.count == 2 && township.totals == [2])
        }
    }
}
