import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The statistics are served from tallies the write path keeps (`CaseTally`): random writes
/// through every write path (registration by the API and Open311, edits, every workflow
/// action, refused ones included, subtasks, supervision, the backlog import), then every
/// grouping, partial and whole-month date ranges, filters and scopes must equal the same
/// figures recomputed here from the case rows.
@Suite("诉求 tallies: statistics equal the figures recomputed from the case rows after random writes through every write path")
struct CaseTallyTests {
    /// A small deterministic generator (the same cases on every run and engine).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    }

    static let kinds: [String: [String]] = [
        "hotline": ["咨询", "投诉", "求助"], "online": ["投诉", "建议"], "leader_visit": ["求助", "举报"],
        "liaison_station": ["建议", "求助"], "petition": ["建议意见", "申诉求决"],
    ]

    @Test("random writes, then every grouping, range, filter and scope equals the recomputed figures")
    func statsEqualTheCaseRows() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            var rng = Random(state: 20_210_716)
            let divisions = ["141124", "141124100", "141124101", "141102", "141102001"]
            let days = ["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-15", "2024-02-29", "2024-03-01", "2024-04-10", "2024-05-31"]
            var ids: [String] = []
            for i in 0..<24 {
                let source = rng.pick(Array(Self.kinds.keys).sorted())
                var extra: [String: Any] = [:]
                if source == "liaison_station" { extra["station"] = ["name": "城关联络站", "batch": rng.pick(["2024年第1批", "2024年第2批", "2024年第3批"])] }
                if rng.int(3) == 0 { extra["owner_leader_id"] = kit.leaderID }
                if source == "petition" && rng.int(2) == 0 {
                    extra["backlog"] = true
                    extra["handed_down_by"] = rng.pick(["中央联席办", "省联席办"])
                    extra["original_received_on"] = rng.pick(["2016-05-06", "2016-05-31", "2017-01-01"])
                }
                let body = CaseKit.body(
                    source: source, kind: rng.pick(Self.kinds[source]!), division: rng.pick(divisions), received: rng.pick(days), extra: extra)
                ids.append(try await kit.register(body)["id"] as! String)
                if i % 8 == 7 {
                    // An edit before routing: the case moves to another division, kind and day.
                    let read = try await t.request(.GET, "/api/v1/cases/\(ids[i - 1])", token: kit.admin)
                    let etag = try #require(read.headers.first(name: .eTag))
                    _ = try await t.request(
                        .PATCH, "/api/v1/cases/\(ids[i - 1])", token: kit.admin,
                        json: ["division_code": rng.pick(divisions), "received_on": rng.pick(days)], headers: ["If-Match": etag])
                }
            }
            // Open311 intake and the backlog import are write paths too.
            let key = try await Open311Tests.issueKey(t)
            let posted = try await Open311Tests.post(t, Open311Tests.goodRequest + [("api_key", key)])
            #expect(posted.status == .created, "\(posted.body.string)")
            let imported = try await CaseImport.run(
                data: CaseImportTests.csv(CaseImportTests.good), options: .init(handedDownBy: "中央联席办"),
                scope: DivisionScope(DivisionCode("141100")!), actor: .cli(), on: t.db)
            #expect(imported.applied, "\(imported.text)")
            ids += try await CaseRecord.query(on: t.db).all().map { $0.id!.uuidString }.filter { !ids.contains($0) }
            // Random steps, refused ones included (a refusal must leave the tallies as they were).
            try await t.createUser("city.sup", role: .supervisor, division: "141100")
            let sup = try await t.token("city.sup")
            let steps: [(String, [String: Any], Bool)] = [
                ("route", ["unit_id": kit.unitID], false), ("route", ["unit_id": kit.otherUnitID], false), ("accept", [:], true),
                ("return", ["reason": "不属本单位职责"], true), ("start", [:], true), ("reply", ["outcome": "resolved", "text": "已化解"], true),
                ("reply", ["outcome": "explained", "text": "已解释"], true), ("close", [:], true),
                ("follow_up", ["satisfaction": "satisfied"], false), ("follow_up", ["satisfaction": "unsatisfied"], false),
                ("reopen", ["reason": "群众不满意"], false), ("extend", ["days": 5, "reason": "需要调查"], true), ("review", [:], false),
            ]
            for n in 0..<200 {
                let id = rng.pick(ids)
                let c = try #require(try await CaseRecord.find(UUID(uuidString: id), on: t.db))
                let date = min(c.snapshot.lastStepOn.adding(days: rng.int(25)), CaseClock.today())
                switch n % 20 {
                case 5:
                    _ = try await t.request(
                        .POST, "/api/v1/cases/\(id)/subtasks", token: kit.handler,
                        json: ["unit_id": kit.unitID, "person": "李工", "description": "现场核实", "deadline": date.adding(days: 3).description])
                case 11:
                    if let sub = try await CaseSubtaskRecord.query(on: t.db).filter(\.$caseID == c.id!).filter(\.$state == "open").first() {
                        _ = try await t.request(
                            .PATCH, "/api/v1/cases/\(id)/subtasks/\(sub.id!.uuidString)", token: kit.handler,
                            json: ["state": "done", "note": "已核实", "date": date.description])
                    }
                case 17:
                    _ = try await t.request(.POST, "/api/v1/cases/\(id)/supervision", token: sup, json: ["level": "flagged", "note": "督办"])
                default:
                    // Mostly the step the case is waiting for, sometimes any (often refused).
                    let next: [String: Int] = [
                        "registered": 0, "returned": 0, "routed": 2, "accepted": 4, "in_progress": 5 + rng.int(2), "replied": 7,
                        "closed": 8 + rng.int(2),
                    ]
                    let (action, fields, byUnit) = rng.int(4) == 0 ? rng.pick(steps) : steps[next[c.state] ?? rng.int(steps.count)]
                    var body = fields
                    body["date"] = date.description
                    _ = try await kit.act(id, action, token: byUnit ? kit.handler : kit.admin, body)
                }
            }
            let cases = try await CaseRecord.query(on: t.db).all()
            // The walk must have reached the figures the tallies keep, or the test proves little.
            #expect(cases.contains { $0.state == "closed" } && cases.contains { $0.onTime != nil } && cases.contains { $0.followedUpOn != nil })
            #expect(cases.contains { $0.pendingDue.map { $0 < CaseClock.today().description } == true })
            try await t.createUser("linxian.viewer", role: .viewer, division: "141124")
            try await t.createUser("linquan.viewer", role: .viewer, division: "141124100")
            let scopes: [(String, DivisionScope)] = [
                (kit.admin, DivisionScope(DivisionCode("141100")!)),
                (try await t.token("linxian.viewer"), DivisionScope(DivisionCode("141124")!)),
                (try await t.token("linquan.viewer"), DivisionScope(DivisionCode("141124100")!)),
            ]
            let filters: [CaseStats.Request] = [
                .init(), .init(from: CivilDate(iso: "2024-01-31"), to: CivilDate(iso: "2024-03-01")),
                .init(from: CivilDate(iso: "2024-02-01"), to: CivilDate(iso: "2024-02-29")),
                .init(from: CivilDate(iso: "2024-02-10"), to: CivilDate(iso: "2024-02-20")), .init(from: CivilDate(iso: "2024-02-01")),
                .init(to: CivilDate(iso: "2024-02-14")), .init(backlog: true),
                .init(from: CivilDate(iso: "2016-05-06"), to: CivilDate(iso: "2016-12-31"), backlog: true),
                .init(backlog: false), .init(source: .liaisonStation), .init(source: .petition), .init(division: DivisionCode("141124")),
                .init(division: DivisionCode("141124100")), .init(owner: .any), .init(owner: .leader(UUID(uuidString: kit.leaderID)!)),
                .init(handedDownBy: "中央联席办"),
                // Whole years from the year tallies, the months and days at either end from
                // the month tallies and the case rows.
                .init(from: CivilDate(iso: "2023-01-01"), to: CivilDate(iso: "2024-03-31")),
                .init(from: CivilDate(iso: "2023-11-20"), to: CivilDate(iso: "2025-02-05")), .init(to: CivilDate(iso: "2024-12-31")),
                .init(from: CivilDate(iso: "2016-05-01"), to: CivilDate(iso: "2017-12-31"), backlog: true),
                // The same cuts with a filter the plain tallies cannot answer (owner leader,
                // 交办机关), so the tallies that keep those keys are read.
                .init(from: CivilDate(iso: "2023-11-20"), to: CivilDate(iso: "2025-02-05"), owner: .any),
                .init(from: CivilDate(iso: "2016-05-01"), to: CivilDate(iso: "2017-12-31"), backlog: true, handedDownBy: "中央联席办"),
                .init(from: CivilDate(iso: "2024-01-15"), to: CivilDate(iso: "2024-04-30"), source: .liaisonStation),
            ]
            let today = CaseClock.today()
            var checked = 0
            for (token, scope) in scopes {
                for filter in filters {
                    for grouping in [nil] + CaseStats.Grouping.allCases {
                        var r = filter
                        r.groupBy = grouping
                        let got = try await Self.figures(t, r, token: token)
                        let want = Self.reference(r, scope: scope, today: today, cases: cases)
                        #expect(got == want, "\(scope.prefix) \(Self.query(r))")
                        checked += 1
                    }
                }
            }
            #expect(checked == scopes.count * filters.count * (CaseStats.Grouping.allCases.count + 1))
            // The tallies equal the ones a fresh fill from the case rows makes (what the
            // migration does for an old database): no rows count anything the cases do not.
            try await Self.expectRefilled(t.db)
            // The requests with neither owner leader nor 交办机关 read the plain tallies: with
            // the tallies keyed by those emptied, their figures still equal the case rows'.
            for f in CaseTally.families where !f.plain && CaseTally.plainVariant(of: f) != nil {
                try await t.db.sql.raw("DELETE FROM \(ident: f.table)").run()
            }
            let plainRequests: [CaseStats.Request] = [
                .init(), .init(from: CivilDate(iso: "2023-01-01"), to: CivilDate(iso: "2024-03-31")), .init(backlog: true),
                .init(division: DivisionCode("141124")), .init(from: CivilDate(iso: "2024-02-01"), to: CivilDate(iso: "2024-02-29")),
            ]
            for filter in plainRequests {
                for grouping in [nil, .source, .division, .kind, .unit, .month] as [CaseStats.Grouping?] {
                    var r = filter
                    r.groupBy = grouping
                    let got = try await Self.figures(t, r, token: kit.admin)
                    let want = Self.reference(r, scope: scopes[0].1, today: today, cases: cases)
                    #expect(got == want, "plain: \(Self.query(r))")
                }
            }
        }
    }

    @Test("whole months are cut into the whole years they hold and the months at either end")
    func yearsInMonths() {
        func cut(_ first: String?, _ last: String?) -> String {
            let (years, months) = CaseStats.years(in: (first, last))
            let y = years.map { "\($0.first ?? "…")-\($0.last ?? "…")" } ?? "none"
            return ([y] + months.map { "\($0.first ?? "…")..\($0.last ?? "…")" }).joined(separator: " ")
        }
        #expect(cut(nil, nil) == "…-…")
        #expect(cut("2021-01", "2023-12") == "2021-2023")
        #expect(cut("2021-03", "2023-02") == "2022-2022 2021-03..2021-12 2023-01..2023-02")
        #expect(cut("2021-03", nil) == "2022-… 2021-03..2021-12")
        #expect(cut(nil, "2024-05") == "…-2023 2024-01..2024-05")
        #expect(cut("2021-02", "2022-11") == "none 2021-02..2022-11")
        #expect(cut("2021-02", "2021-12") == "none 2021-02..2021-12")
        #expect(cut("2022-01", "2022-12") == "2022-2022")
    }

    /// The query string of a request.
    static func query(_ r: CaseStats.Request) -> String {
        var parts: [String] = []
        if let from = r.from { parts.append("from=\(from)") }
        if let to = r.to { parts.append("to=\(to)") }
        if let s = r.source { parts.append("source=\(s.rawValue)") }
        if let d = r.division { parts.append("division=\(d.rawValue)") }
        if let b = r.backlog { parts.append("backlog=\(b)") }
        switch r.owner {
        case .any: parts.append("owner_leader=any")
        case .leader(let id): parts.append("owner_leader=\(id.uuidString)")
        case nil: break
        }
        if let h = r.handedDownBy { parts.append("handed_down_by=\(h.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)") }
        if let g = r.groupBy { parts.append("group_by=\(g.rawValue)") }
        return parts.joined(separator: "&")
    }

    /// The figures the API answers for a request, by group.
    static func figures(_ t: TestApp, _ r: CaseStats.Request, token: String) async throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for row in try await CaseStatsTests.rows(t, query(r), token: token) {
            out[row["group"] as! String] = Dictionary(
                uniqueKeysWithValues: CaseStats.Measure.allCases.map { ($0.rawValue, row[$0.rawValue] as! Int) })
        }
        return out
    }

    /// The figures of a request computed from the case rows, in Swift.
    static func reference(_ r: CaseStats.Request, scope: DivisionScope, today: CivilDate, cases: [CaseRecord]) -> [String: [String: Int]] {
        let childLength =
            switch scope.root.level {
            case .province: 4
            case .city: 6
            case .county: 9
            case .township, .village: 12
            }
        var out: [String: [String: Int]] = [:]
        var batches: [String: Set<String>] = [:]
        for c in cases {
            let date = r.backlog == true ? c.countOn : c.receivedOn
            guard c.divisionCode.hasPrefix(scope.prefix) else { continue }
            if let from = r.from, date < from.description { continue }
            if let to = r.to, date > to.description { continue }
            if let s = r.source, c.source != s.rawValue { continue }
            if let d = r.division, !c.divisionCode.hasPrefix(d.significantPrefix) { continue }
            if let b = r.backlog, c.backlog != b { continue }
            if let h = r.handedDownBy, c.handedDownBy != h { continue }
            switch r.owner {
            case .any: if c.ownerLeaderID == nil { continue }
            case .leader(let id): if c.ownerLeaderID != id { continue }
            case nil: break
            }
            let group: String =
                switch r.groupBy {
                case .source: c.source
                case .division: String(c.divisionCode.prefix(childLength))
                case .kind: c.caseKind.label
                case .unit: c.unitID?.uuidString ?? "none"
                case .month: String(date.prefix(7))
                case .handedDownBy: c.handedDownBy ?? ""
                case nil: "all"
                }
            var row = out[group] ?? Dictionary(uniqueKeysWithValues: CaseStats.Measure.allCases.map { ($0.rawValue, 0) })
            func count(_ m: CaseStats.Measure, _ yes: Bool) { if yes { row[m.rawValue]! += 1 } }
            count(.received, true)
            count(.closed, c.state == "closed")
            count(.resolved, c.outcome == "resolved" && (c.state == "replied" || c.state == "closed"))
            count(.answered, c.onTime != nil)
            count(.onTime, c.onTime == true)
            count(.overdueOpen, c.pendingDue.map { $0 < today.description } ?? false)
            count(.satisfied, c.satisfaction == "satisfied" || c.satisfaction == "basically_satisfied")
            count(.followUps, c.followedUpOn != nil)
            if let b = c.stationBatch { batches[group, default: []].insert(b) }
            out[group] = row
        }
        for (group, set) in batches { out[group]?["batches"] = set.count }
        return out
    }

    /// Every tally's rows that count something equal what a fill from the case rows alone
    /// writes (what the migration does for a database from before the tallies).
    static func expectRefilled(_ db: any Database, everyTableUsed: Bool = true) async throws {
        let tables = CaseTally.families.map { ($0.table, "received") } + [(CaseTally.batches, "cases")]
        func snapshot() async throws -> [String: [String]] {
            var out: [String: [String]] = [:]
            for (table, counted) in tables {
                let rows = try await db.sql.raw("SELECT * FROM \(ident: table) WHERE \(ident: counted) <> 0").all()
                out[table] = try rows.map { row in
                    try row.allColumns.sorted().map { c in
                        if let v = try? row.decode(column: c, as: Int64.self) { return "\(c)=\(v)" }
                        if let v = try? row.decode(column: c, as: UUID.self) { return "\(c)=\(v)" }
                        if let v = try? row.decode(column: c, as: Bool.self) { return "\(c)=\(v)" }
                        return "\(c)=\(try row.decode(column: c, as: String.self))"
                    }.joined(separator: ",")
                }.sorted()
            }
            return out
        }
        let kept = try await snapshot()
        for (table, _) in tables { try await db.sql.raw("DELETE FROM \(ident: table)").run() }
        try await CaseTally.apply(.add, cases: "1 = 1", on: db)
        let refilled = try await snapshot()
        #expect(kept == refilled)
        if everyTableUsed { #expect(tables.allSatisfy { !(refilled[$0.0] ?? []).isEmpty }) }
    }
}
