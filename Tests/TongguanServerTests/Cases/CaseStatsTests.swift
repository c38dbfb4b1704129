import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Six cases whose figures are known: two hotline cases answered (one on time and resolved,
/// one late and explained), two liaison-station cases from two visit batches (one routed and
/// left overdue, one owned by a leader), a backlog petition handed down by 中央联席办 and
/// resolved, and one case in another county.
struct CaseStatsFixture {
    let kit: CaseKit
    var ids: [String: String] = [:]

    static func make(_ t: TestApp) async throws -> CaseStatsFixture {
        let kit = try await CaseKit.make(t)
        var f = CaseStatsFixture(kit: kit)
        let h = kit.handler
        let a = try await kit.register(CaseKit.body(received: "2024-09-02"))["id"] as! String
        try await kit.must(a, "route", ["unit_id": kit.unitID, "date": "2024-09-02"])
        try await kit.must(a, "accept", token: h, ["date": "2024-09-02"])
        try await kit.must(a, "start", token: h, ["date": "2024-09-03"])
        try await kit.must(a, "reply", token: h, ["outcome": "resolved", "text": "已修复", "date": "2024-09-05"])
        try await kit.must(a, "close", token: h, ["date": "2024-09-05"])
        try await kit.must(a, "follow_up", ["satisfaction": "satisfied", "date": "2024-09-06"])
        let b = try await kit.register(CaseKit.body(received: "2024-09-03"))["id"] as! String
        try await kit.must(b, "route", ["unit_id": kit.unitID, "date": "2024-09-03"])
        try await kit.must(b, "accept", token: h, ["date": "2024-09-03"])
        try await kit.must(b, "start", token: h, ["date": "2024-09-03"])
        try await kit.must(b, "reply", token: h, ["outcome": "explained", "text": "已解释政策", "date": "2024-09-20"])
        try await kit.must(b, "close", token: h, ["date": "2024-09-20"])
        try await kit.must(b, "follow_up", ["satisfaction": "unsatisfied", "date": "2024-09-21"])
        let c =
            try await kit.register(
                CaseKit.body(
                    source: "liaison_station", kind: "建议", received: "2024-10-08", extra: ["station": ["name": "城关联络站", "batch": "2024年第1批"]]))[
                "id"] as! String
        try await kit.must(c, "route", ["unit_id": kit.unitID, "date": "2024-10-08"])
        let d =
            try await kit.register(
                CaseKit.body(
                    source: "liaison_station", kind: "求助", received: "2024-10-09",
                    extra: ["station": ["name": "城关联络站", "batch": "2024年第2批"], "owner_leader_id": kit.leaderID]))["id"] as! String
        let e =
            try await kit.register(
                CaseKit.body(
                    source: "petition", kind: "申诉求决", received: "2024-09-06",
                    extra: [
                        "backlog": true, "handed_down_by": "中央联席办", "original_received_on": "2016-05-06", "owner_leader_id": kit.leaderID,
                    ]))["id"] as! String
        try await kit.must(e, "route", ["unit_id": kit.unitID, "date": "2024-09-06"])
        try await kit.must(e, "accept", token: h, ["date": "2024-09-06"])
        try await kit.must(e, "start", token: h, ["date": "2024-09-06"])
        try await kit.must(e, "reply", token: h, ["outcome": "resolved", "text": "已化解", "date": "2024-09-10"])
        try await kit.must(e, "close", token: h, ["date": "2024-09-10"])
        let other = try await kit.register(CaseKit.body(division: "141102", received: "2024-09-02"))["id"] as! String
        f.ids = ["a": a, "b": b, "c": c, "d": d, "e": e, "other": other]
        return f
    }
}

@Suite("诉求 statistics: figures from the records, closed is not resolved, backlog by original date, lists behind each figure, scope")
struct CaseStatsTests {
    static func rows(_ t: TestApp, _ query: String, token: String) async throws -> [[String: Any]] {
        let res = try await t.request(.GET, "/api/v1/cases/stats?\(query)", token: token)
        try #require(res.status == .ok, "\(query): \(res.body.string)")
        return try #require(try res.json()["rows"] as? [[String: Any]])
    }

    @Test("totals and groups: closed ≠ resolved, on time, overdue, satisfaction, batches; backlog counted by the original date")
    func figures() async throws {
        try await TestApp.with { t in
            let f = try await CaseStatsFixture.make(t)
            let admin = f.kit.admin
            let all = try await Self.rows(t, "from=2024-09-01&to=2024-10-31&division=141124", token: admin)
            #expect(all.count == 1)
            let total = try #require(all.first)
            // a, b, c, d and e (e received 2024-09-06; by its received date without backlog=true).
            #expect(total["received"] as? Int == 5)
            #expect(total["closed"] as? Int == 3 && total["resolved"] as? Int == 2)
            #expect(total["answered"] as? Int == 3 && total["on_time"] as? Int == 2)
            #expect(total["follow_ups"] as? Int == 2 && total["satisfied"] as? Int == 1)
            #expect(total["overdue_open"] as? Int == 1)
            #expect(total["batches"] as? Int == 2)
            let bySource = try await Self.rows(t, "from=2024-09-01&to=2024-10-31&division=141124&group_by=source", token: admin)
            let received = Dictionary(uniqueKeysWithValues: bySource.map { ($0["group"] as! String, $0["received"] as! Int) })
            #expect(received == ["hotline": 2, "liaison_station": 2, "petition": 1])
            #expect(bySource.first { $0["group"] as? String == "hotline" }?["label"] as? String == "12345热线")
            // Backlog: counted by the original received date (2016), so a 2024 range misses it.
            #expect(try await Self.rows(t, "from=2024-01-01&to=2024-12-31&backlog=true", token: admin).isEmpty)
            let backlog = try #require(try await Self.rows(t, "from=2016-01-01&to=2016-12-31&backlog=true", token: admin).first)
            #expect(backlog["received"] as? Int == 1 && backlog["resolved"] as? Int == 1)
            let owned = try #require(try await Self.rows(t, "owner_leader=any", token: admin).first)
            #expect(owned["received"] as? Int == 2 && owned["resolved"] as? Int == 1)
            let byMonth = try await Self.rows(t, "division=141124&group_by=month", token: admin)
            #expect(byMonth.map { $0["group"] as? String } == ["2024-09", "2024-10"])
            #expect(byMonth.map { $0["received"] as? Int } == [3, 2])
            let byDivision = try await Self.rows(t, "group_by=division", token: admin)
            #expect(byDivision.map { $0["group"] as? String } == ["141102", "141124"])
            #expect(byDivision.map { $0["received"] as? Int } == [1, 5])
            let bad = try await t.request(.GET, "/api/v1/cases/stats?group_by=year&owner_leader=x&from=2024-02-01&to=2024-01-01", token: admin)
            #expect(Set(try bad.problemFields()) == ["group_by", "owner_leader", "to"])
        }
    }

    @Test("every measure's list has exactly the figure's cases, and a county user sees only their county")
    func listsBehindFigures() async throws {
        try await TestApp.with { t in
            let f = try await CaseStatsFixture.make(t)
            try await t.createUser("lishi.viewer", role: .viewer, division: "141102")
            let lishi = try await t.token("lishi.viewer")
            for token in [f.kit.admin, f.kit.handler, lishi] {
                for query in ["from=2024-09-01&to=2024-10-31", "owner_leader=any", "backlog=true&from=2016-01-01&to=2016-12-31", "source=hotline"] {
                    let total = try await Self.rows(t, query, token: token).first ?? [:]
                    for m in CaseStats.Measure.allCases where m != .batches {
                        let res = try await t.request(.GET, "/api/v1/cases?\(query)&measure=\(m.rawValue)&per=100", token: token)
                        try #require(res.status == .ok, "\(res.body.string)")
                        let listed = try res.json()["total"] as? Int ?? (try res.json()["metadata"] as? [String: Any])?["total"] as? Int
                        #expect(listed == (total[m.rawValue] as? Int ?? 0), "\(query) \(m.rawValue)")
                    }
                }
            }
            let lishiTotal = try #require(try await Self.rows(t, "", token: lishi).first)
            #expect(lishiTotal["received"] as? Int == 1)
            let handlerTotal = try #require(try await Self.rows(t, "", token: f.kit.handler).first)
            #expect(handlerTotal["received"] as? Int == 5)
        }
    }

    @Test("the dashboard: figures link to their lists, the article's sentences, SVG charts, scoped; the public page shows aggregates only")
    func dashboardAndPublicPage() async throws {
        try await TestApp.with { t in
            _ = try await CaseStatsFixture.make(t)
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/cases/dashboard?from=2024-09-01&to=2024-10-31")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<svg class=\"bar-chart\""))
            #expect(html.contains("先后2批次深入人大代表联络站点,收集2个问题,办结0个"))
            #expect(html.contains("领导包案2件、化解1件"))
            // The backlog case's original date (2016) is outside the range.
            #expect(html.contains("交办的0件信访积案,已化解0件"))
            #expect(html.contains("href=\"/cases?from=2024-09-01&amp;to=2024-10-31&amp;measure=closed\""))
            let older = try await web.get("/cases/dashboard?from=2016-01-01&to=2024-10-31").body.string
            #expect(older.contains("中央联席办交办的1件信访积案,已化解1件"))
            // The figure's link opens the list with exactly its cases.
            let closedList = try await web.get("/cases?from=2024-09-01&to=2024-10-31&measure=closed").body.string
            #expect(closedList.contains("共 <strong>3</strong> 件") && closedList.contains("统计口径「办结」"))
            let resolvedList = try await web.get("/cases?from=2024-09-01&to=2024-10-31&measure=resolved").body.string
            #expect(resolvedList.contains("共 <strong>2</strong> 件"))
            // A county user's dashboard counts their county only.
            try await t.createUser("lishi.viewer", role: .viewer, division: "141102")
            let county = WebClient(t)
            try await county.signIn("lishi.viewer", password: TestApp.password)
            let theirs = try await county.get("/cases/dashboard?from=2024-09-01&to=2024-10-31").body.string
            #expect(theirs.contains("id=\"fig-received\"><h2>登记</h2><p class=\"lead\"><a href=\"/cases?from=2024-09-01&amp;to=2024-10-31\">1件</a>"))
            #expect(!theirs.contains("城关联络站"))
            let bad = try await web.get("/cases/dashboard?from=2024-10-01&to=2024-09-01")
            #expect(bad.status == .unprocessableEntity)
            // Public: no sign-in, counties' aggregates, never a case's text or a person.
            let anonymous = WebClient(t)
            let month = CaseClock.today()
            let pub = try await anonymous.get("/public/cases?month=\(String(month.description.prefix(7)))")
            #expect(pub.status == .ok)
            let text = pub.body.string
            #expect(text.contains("id=\"public-counties\"") && text.contains("<svg class=\"bar-chart\""))
            for secret in ["张三丰", "13800001234", "小区供暖不热", "暖气温度", "141124-2024"] { #expect(!text.contains(secret)) }
        }
    }

    @Test("the public page's figures for a month with cases, by county")
    func publicMonth() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let today = CaseClock.today()
            let a = try await kit.register(CaseKit.body(received: today.description))["id"] as! String
            try await kit.must(a, "route", ["unit_id": kit.unitID, "date": today.description])
            try await kit.must(a, "accept", token: kit.handler, ["date": today.description])
            try await kit.must(a, "start", token: kit.handler, ["date": today.description])
            try await kit.must(a, "reply", token: kit.handler, ["outcome": "explained", "text": "已解释", "date": today.description])
            try await kit.must(a, "close", token: kit.handler, ["date": today.description])
            _ = try await kit.register(CaseKit.body(division: "141102", received: today.description))
            let html = try await WebClient(t).get("/public/cases").body.string
            // 临县: received 1, closed 1, resolved 0 (explained), on time 100%; 离石区: 1 received.
            #expect(html.contains("<td>临县</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">100.0%</td>"))
            #expect(html.contains("<td>离石区</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td>"))
        }
    }

    @Test("cases.stats for 指标: every measure's value equals the statistics endpoint's, and its link lists exactly those cases")
    func indicatorQuery() async throws {
        try await TestApp.with { t in
            let f = try await CaseStatsFixture.make(t)
            let kind = try #require(Modules.indicatorQueries["cases.stats"])
            #expect(kind.spec.parameter("measure")?.required == true)
            #expect(Set(kind.spec.parameters.map(\.name)) == ["measure", "source", "backlog", "owner_leader", "handed_down_by"])
            let city = DivisionScope(DivisionCode("141100")!)
            let linxian = DivisionCode("141124")!
            let web = WebClient(t)
            try await web.signIn()
            let cases: [(Period, [String: String], String)] = [
                (Period.month(year: 2024, month: 9)!, [:], "from=2024-09-01&to=2024-09-30&division=141124"),
                (Period.year(2024)!, ["source": "liaison_station"], "from=2024-01-01&to=2024-12-31&division=141124&source=liaison_station"),
                (Period.year(2024)!, ["owner_leader": "any"], "from=2024-01-01&to=2024-12-31&division=141124&owner_leader=any"),
                (
                    Period.year(2016)!, ["backlog": "true", "handed_down_by": "中央联席办"],
                    "from=2016-01-01&to=2016-12-31&division=141124&backlog=true&handed_down_by=%E4%B8%AD%E5%A4%AE%E8%81%94%E5%B8%AD%E5%8A%9E"
                ),
            ]
            for (period, parameters, query) in cases {
                let expected = try #require(try await Self.rows(t, query, token: f.kit.admin).first)
                for m in CaseStats.Measure.allCases {
                    var p = parameters
                    p["measure"] = m.rawValue
                    let figure = try await kind.evaluate(.init(parameters: p, period: period, division: linxian, scope: city, db: t.db))
                    #expect(figure.value == ExactDecimal(expected[m.rawValue] as! Int), "\(query) \(m.rawValue)")
                    #expect(figure.link.hasPrefix("/cases?") && figure.link.contains("division=141124"))
                    if m != .batches {
                        let list = try await web.get(figure.link).body.string
                        #expect(list.contains("共 <strong>\(expected[m.rawValue] as! Int)</strong> 件"), "\(figure.link)")
                    }
                }
            }
            // The figures the fixture fixes: resolved ≠ closed, backlog by its original year.
            func value(_ p: [String: String], _ period: Period) async throws -> ExactDecimal {
                try await kind.evaluate(.init(parameters: p, period: period, division: linxian, scope: city, db: t.db)).value
            }
            #expect(try await value(["measure": "closed"], .year(2024)!) == ExactDecimal(3))
            #expect(try await value(["measure": "resolved"], .year(2024)!) == ExactDecimal(2))
            #expect(try await value(["measure": "batches", "source": "liaison_station"], .year(2024)!) == ExactDecimal(2))
            #expect(try await value(["measure": "resolved", "backlog": "true", "handed_down_by": "中央联席办"], .year(2016)!) == ExactDecimal(1))
            #expect(try await value(["measure": "received", "backlog": "true"], .year(2024)!) == ExactDecimal(0))
            // A county's scope never counts another county's cases.
            let lishi = try await kind.evaluate(
                .init(
                    parameters: ["measure": "received"], period: .year(2024)!, division: DivisionCode("141102")!,
                    scope: DivisionScope(DivisionCode("141102")!),
                    db: t.db))
            #expect(lishi.value == ExactDecimal(1))
            await #expect(throws: (any Error).self) {
                _ = try await kind.evaluate(.init(parameters: ["measure": "count"], period: .year(2024)!, division: linxian, scope: city, db: t.db))
            }
            await #expect(throws: (any Error).self) {
                _ = try await kind.evaluate(
                    .init(parameters: ["measure": "received", "owner_leader": "x"], period: .year(2024)!, division: linxian, scope: city, db: t.db))
            }
        }
    }
}
