import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// The SQL behind lists and aggregates (tallies and value rows) against the domain's
/// in-memory reference (`LedgerAggregateQuery.run`, `LedgerItemQuery.matches`) over the
/// same random items, on whichever engine the suite runs.
@Suite struct LedgerAggregatePropertyTests {
    static var definitionJSON: [String: Any] {
        [
            "code": "props", "name": "性质测试", "division_code": "141100", "has_due_date": true, "has_owner": true,
            "states": [["code": "sa", "name": "甲"], ["code": "sb", "name": "乙"], ["code": "sc", "name": "丙", "final": true]],
            "fields": [
                ["key": "title", "label": "标题", "type": "text"],
                ["key": "kind", "label": "类别", "type": "choice", "options": ["产业", "就业", "教育"]],
                ["key": "tags", "label": "标签", "type": "multi_choice", "options": ["重点", "紧急", "长期"]],
                ["key": "ok", "label": "完成", "type": "bool"],
                ["key": "num", "label": "人数", "type": "integer"],
                ["key": "amt", "label": "金额", "type": "money"],
                ["key": "dec", "label": "面积", "type": "decimal", "scale": 3],
                ["key": "unit", "label": "单位", "type": "unit"],
                ["key": "who", "label": "联系人", "type": "person"],
                ["key": "village", "label": "村", "type": "division"],
                ["key": "day", "label": "日期", "type": "date"],
            ],
        ]
    }

    static let divisions = ["141100", "141124", "141124100", "141124100201", "141124200", "141123", "141123100", "141102"]
    static let days = ["2024-01-01", "2024-01-05", "2024-02-01", "2024-03-01"]

    struct Stored {
        var seq: Int64
        var content: LedgerItemContent
        var events: [(day: CivilDate, to: String)]
    }

    static func randomContent(_ rng: inout Seeded, definition: LedgerDefinition) -> LedgerItemContent {
        func maybe(_ p: Int = 70) -> Bool { Int.random(in: 0..<100, using: &rng) < p }
        var values: LedgerValueMap = [:]
        if maybe() { values["title"] = .text(["北路", "南路 Road", "东村", "西村"].randomElement(using: &rng)!) }
        if maybe() { values["kind"] = .choice(["产业", "就业", "教育"].randomElement(using: &rng)!) }
        if maybe(50) {
            let chosen = ["重点", "紧急", "长期"].filter { _ in maybe(50) }
            if !chosen.isEmpty { values["tags"] = .multiChoice(chosen) }
        }
        if maybe() { values["ok"] = .bool(maybe(50)) }
        if maybe() { values["num"] = .integer(Int64.random(in: -3...12, using: &rng)) }
        if maybe() { values["amt"] = .money(Int64.random(in: 0...99_999, using: &rng)) }
        if maybe() {
            let scale = Int.random(in: 0...3, using: &rng)
            values["dec"] = .decimal(LedgerDecimal(units: Int64.random(in: -5000...5000, using: &rng), scale: scale))
        }
        if maybe() { values["unit"] = .unit(["民政局", "教育局"].randomElement(using: &rng)!) }
        if maybe(40) {
            values["who"] = .person(
                LedgerPerson(
                    name: ["张三", "张三丰", "李四"].randomElement(using: &rng)!, phone: ["13912345678", "13800000000"].randomElement(using: &rng)!))
        }
        if maybe(50) {
            values["village"] = .division(DivisionCode(["141124100201", "141124100", "141123100", "141102"].randomElement(using: &rng)!)!)
        }
        if maybe(50) { values["day"] = .date(CivilDate(iso: days.randomElement(using: &rng)!)!) }
        return LedgerItemContent(
            divisionCode: DivisionCode(divisions.randomElement(using: &rng)!)!, stateCode: definition.states.randomElement(using: &rng)!.code,
            values: values, dueDate: maybe(50) ? CivilDate(iso: days.randomElement(using: &rng)!) : nil)
    }

    /// Items written through the services (creations, edits, state changes), then their
    /// events moved to earlier days so `as_of` has a history to read.
    static func populate(_ t: TestApp, seed: UInt64, count: Int) async throws -> (LedgerContext, [Stored]) {
        let root = Caller(userID: UUID(), username: "test", role: .admin, scope: DivisionScope(DivisionCode("141100")!))
        let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
        let definition = try LedgerDefinition(json: LedgerJSON.parse(JSONSerialization.data(withJSONObject: definitionJSON)))
        // Townships are seeded; the rest is made here.
        for raw in ["141124100", "141124100201", "141124200", "141123100"] where try await Division.find(raw, on: t.db) == nil {
            try await Division(code: DivisionCode(raw)!, name: "测试\(raw)", parentCode: DivisionCode(raw)!.parent!.rawValue).create(on: t.db)
        }
        let ledger = try await LedgerService.create(definition, caller: root, actor: actor, on: t.db)
        let ctx = try LedgerContext(ledger, definition)
        let protection = LedgerProtection(t.app)
        var rng = Seeded(seed)
        var records: [LedgerItemRecord] = []
        var contents: [LedgerItemContent] = []
        for _ in 0..<count {
            let content = randomContent(&rng, definition: definition)
            let event = try LedgerStateTransition.created(definition: definition, in: content.stateCode, role: .admin)
            records.append(try await LedgerItemService.create(content, event: event, in: ctx, actor: actor, protection: protection, on: t.db))
            contents.append(content)
        }
        // Some edits (values, division, state) so the tallies are decremented as well as incremented.
        for i in 0..<count where Int.random(in: 0..<3, using: &rng) == 0 {
            var new = randomContent(&rng, definition: definition)
            if Bool.random(using: &rng) { new.values = contents[i].values }
            let event =
                new.stateCode == contents[i].stateCode
                ? nil
                : try LedgerStateTransition.check(definition: definition, from: contents[i].stateCode, to: new.stateCode, role: .admin, note: "复查")
            try await LedgerItemService.update(
                records[i], from: contents[i], to: new, event: event, in: ctx, actor: actor, protection: protection, on: t.db)
            contents[i] = new
        }
        // Spread each item's events over earlier days, in order.
        struct Row: Decodable { var id: UUID; var item_seq: Int64; var ordinal: Int; var to_state: String }
        let events = try await t.sql.raw("SELECT id, item_seq, ordinal, to_state FROM ledger_item_events ORDER BY item_seq, ordinal").all(
            decoding: Row.self)
        var history: [Int64: [(day: CivilDate, to: String)]] = [:]
        var lastDay: [Int64: Int] = [:]
        for e in events {
            let start = lastDay[e.item_seq] ?? 0
            let index = Int.random(in: start..<days.count, using: &rng)
            lastDay[e.item_seq] = index
            try await t.sql.raw("UPDATE ledger_item_events SET day = \(bind: days[index]) WHERE id = \(bind: e.id)").run()
            history[e.item_seq, default: []].append((CivilDate(iso: days[index])!, e.to_state))
        }
        let stored = zip(records, contents).map { Stored(seq: $0.seq, content: $1, events: history[$0.seq] ?? []) }
        return (ctx, stored)
    }

    static func randomAggregateParameters(_ rng: inout Seeded) -> [String: String] {
        var p: [String: String] = [:]
        p["measure"] = [
            "count", "count", "count_distinct:kind", "count_distinct:title", "count_distinct:who", "count_distinct:tags", "sum:num", "sum:amt",
            "sum:dec",
        ]
        .randomElement(using: &rng)!
        if let g = ["", "division", "state", "kind"].randomElement(using: &rng)!.nonEmpty { p["group_by"] = g }
        let filters: [(String, String)] = [
            ("kind", "就业"), ("kind", "产业"), ("tags", "重点"), ("tags", "长期"), ("ok", "true"), ("ok", "false"), ("num", "3"), ("amt", "100"),
            ("dec", "1.5"), ("unit", "民政局"), ("village", "141124"), ("village", "141123100"), ("title", "北路"), ("day", "2024-01-05"),
        ]
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            let (k, v) = filters.randomElement(using: &rng)!
            p["filter." + k] = v
        }
        if Int.random(in: 0..<4, using: &rng) == 0 { p["state"] = ["sa", "sb", "sc"].randomElement(using: &rng)! }
        if Int.random(in: 0..<3, using: &rng) == 0 { p["division"] = ["141124", "141123", "141124100", "141100"].randomElement(using: &rng)! }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            p["as_of"] = ["2023-12-31", "2024-01-01", "2024-01-20", "2024-02-01", "2024-12-31"].randomElement(using: &rng)!
        }
        return p
    }

    /// What the reference counts: the items in scope, and with `as_of` only those that
    /// existed then, each in the state it had then.
    static func reference(_ stored: [Stored], scope: DivisionScope, asOf: CivilDate?) -> [LedgerItemContent] {
        stored.compactMap { item in
            guard scope.contains(item.content.divisionCode) else { return nil }
            guard let asOf else { return item.content }
            guard let state = LedgerItemHistory.state(asOf: asOf, events: item.events) else { return nil }
            var content = item.content
            content.stateCode = state
            return content
        }
    }

    @Test(arguments: [UInt64(11), 12])
    func aggregatesEqualTheReference(seed: UInt64) async throws {
        try await TestApp.with { t in
            let (ctx, stored) = try await Self.populate(t, seed: seed, count: 70)
            var rng = Seeded(seed &* 31)
            var talliedQueries = 0
            for round in 0..<150 {
                let parameters = Self.randomAggregateParameters(&rng)
                let query = try LedgerAggregateQuery(parameters: parameters, definition: ctx.definition)
                let scope = DivisionScope(DivisionCode(round % 3 == 0 ? "141124" : "141100")!)
                let expected = try query.run(Self.reference(stored, scope: scope, asOf: query.asOf), definition: ctx.definition)
                let general = try await LedgerAggregateSQL.run(query, ctx: ctx, scope: scope, keys: nil, on: t.sql, allowTallies: false)
                #expect(general == expected, "general path, \(parameters) in \(scope.root)")
                if LedgerAggregateSQL.talliesAnswer(query, definition: ctx.definition) {
                    talliedQueries += 1
                    let tallied = try await LedgerAggregateSQL.run(query, ctx: ctx, scope: scope, keys: nil, on: t.sql)
                    #expect(tallied == expected, "tallies, \(parameters) in \(scope.root)")
                }
            }
            #expect(talliedQueries > 10)
        }
    }

    @Test func listsEqualTheReference() async throws {
        try await TestApp.with { t in
            let (ctx, stored) = try await Self.populate(t, seed: 7, count: 60)
            var rng = Seeded(99)
            let filters: [(String, String)] = [
                ("f.kind", "就业"), ("f.tags", "紧急"), ("f.ok", "false"), ("f.num", "5"), ("f.dec", "0"), ("f.unit", "教育局"), ("f.village", "141124"),
                ("f.title", "东村"), ("f.day", "2024-02-01"), ("f.amt", "0"),
            ]
            for round in 0..<80 {
                var p: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let (k, v) = filters.randomElement(using: &rng)!
                    p[k] = v
                }
                if Int.random(in: 0..<4, using: &rng) == 0 { p["state"] = ["sa", "sb", "sc"].randomElement(using: &rng)! }
                if Int.random(in: 0..<3, using: &rng) == 0 { p["division"] = ["141124", "141123", "141124100"].randomElement(using: &rng)! }
                if Int.random(in: 0..<5, using: &rng) == 0 { p["overdue_on"] = Self.days.randomElement(using: &rng)! }
                if Int.random(in: 0..<5, using: &rng) == 0 { p["due_from"] = Self.days.randomElement(using: &rng)! }
                if Int.random(in: 0..<5, using: &rng) == 0, (p["due_from"] ?? "") <= Self.days[2] { p["due_to"] = Self.days[2] }
                if Int.random(in: 0..<6, using: &rng) == 0 { p["q"] = ["road", "村", "民政"].randomElement(using: &rng)! }
                let query = try LedgerItemQuery(parameters: p, definition: ctx.definition)
                let scope = DivisionScope(DivisionCode(round % 2 == 0 ? "141124" : "141100")!)
                let expected = stored.filter { scope.contains($0.content.divisionCode) && query.matches($0.content, definition: ctx.definition) }
                    .sorted { ($0.content.divisionCode.rawValue, $0.seq) < ($1.content.divisionCode.rawValue, $1.seq) }.map(\.seq)
                for limit in [LedgerItemSearch.drivingLimit, 0] {
                    let paging = TongguanServer.PageRequest(page: 2, per: 7)
                    let result = try await LedgerItemSearch.run(
                        query, ctx: ctx, scope: scope, paging: paging, keys: nil, on: t.sql, drivingLimit: limit, allowTallies: limit > 0)
                    #expect(result.total == expected.count, "\(p) in \(scope.root), driving limit \(limit)")
                    #expect(result.items.map(\.seq) == Array(expected.dropFirst(7).prefix(7)), "\(p) in \(scope.root), driving limit \(limit)")
                }
            }
        }
    }

    /// The page query runs with PostgreSQL's parallel workers off, and the session's own
    /// setting comes back afterwards, also when the query fails (the rows themselves are
    /// checked against the reference above, on both engines).
    @Test func pagesRunWithoutParallelWorkersAndRestoreTheSetting() async throws {
        try await TestApp.with { t in
            struct Setting: Decodable { var value: String }
            struct Planned: Error {}
            try await t.sql.withSession { s in
                let setting: @Sendable () async throws -> String? = {
                    guard !s.isSQLite else { return nil }
                    return try await s.raw("SELECT current_setting('max_parallel_workers_per_gather') AS value").first(decoding: Setting.self)?.value
                }
                if !s.isSQLite { try await s.raw("SET max_parallel_workers_per_gather = 3").run() }
                let inside = try await LedgerItemSearch.withoutParallelWorkers(on: s) { inner in
                    inner.isSQLite
                        ? nil
                        : try await inner.raw("SELECT current_setting('max_parallel_workers_per_gather') AS value").first(decoding: Setting.self)?
                            .value
                }
                #expect(inside == (s.isSQLite ? nil : "0"))
                #expect(try await setting() == (s.isSQLite ? nil : "3"))
                await #expect(throws: Planned.self) {
                    _ = try await LedgerItemSearch.withoutParallelWorkers(on: s) { _ -> Int in throw Planned() }
                }
                #expect(try await setting() == (s.isSQLite ? nil : "3"))
                if !s.isSQLite { try await s.raw("RESET max_parallel_workers_per_gather").run() }
            }
        }
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
