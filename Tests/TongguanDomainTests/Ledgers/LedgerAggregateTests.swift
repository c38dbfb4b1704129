import Testing

@testable import TongguanDomain

@Suite("Ledger aggregates")
struct LedgerAggregateTests {
    typealias F = LedgerFixtures
    let d = F.definition()

    func query(_ parameters: [String: String]) throws -> LedgerAggregateQuery {
        try LedgerAggregateQuery(parameters: parameters, definition: d)
    }

    func problems(_ parameters: [String: String], _ definition: LedgerDefinition? = nil) -> [String: [String]] {
        do {
            _ = try LedgerAggregateQuery(parameters: parameters, definition: definition ?? d)
            Issue.record("expected problems")
        } catch {
            return Dictionary(grouping: error.problems, by: \.field).mapValues { $0.map(\.message) }
        }
        return [:]
    }

    @Test("parameters")
    func parsing() throws {
        #expect(try query([:]) == LedgerAggregateQuery())
        #expect(try query(["measure": "count"]).measure == .count)
        #expect(try query(["measure": "count_distinct:unit"]).measure == .countDistinct(key: "unit"))
        for key in ["count", "area", "amount"] { #expect(try query(["measure": "sum:\(key)"]).measure == .sum(key: key)) }
        #expect(try query(["group_by": "division"]).grouping == .division)
        #expect(try query(["group_by": "state"]).grouping == .state)
        #expect(try query(["group_by": "kind"]).grouping == .choice(key: "kind"))
        let q = try query(["filter.kind": "产业", "state": "done", "division": "141124", "as_of": "2024-06-30", "f.kind": "ignored"])
        #expect(q.filters == [LedgerFieldFilter(key: "kind", match: .equals(.choice("产业")))])
        #expect(q.stateCode == "done")
        #expect(q.division == F.linxian)
        #expect(q.asOf == F.date("2024-06-30"))
    }

    @Test("parameter problems")
    func parameterProblems() {
        #expect(problems(["measure": "avg:count"]) == ["measure": ["应为 count、count_distinct:<字段标识> 或 sum:<字段标识>"]])
        #expect(problems(["measure": "sum"]) == ["measure": ["应为 count、count_distinct:<字段标识> 或 sum:<字段标识>"]])
        #expect(problems(["measure": "sum:title"]) == ["measure": ["只能对整数、小数和金额字段求和,「事项」是文本字段"]])
        #expect(problems(["measure": "sum:nope"]) == ["measure": ["没有这个字段"]])
        #expect(problems(["group_by": "tags"]) == ["group_by": ["只能按区划、状态或单选字段分组,「标签」是多选字段"]])
        #expect(problems(["group_by": "nope"]) == ["group_by": ["没有这个字段"]])
        #expect(problems(["filter.kind": "其他"]) == ["filter.kind": ["不是可选项,可选:产业、就业、教育"]])
        #expect(
            problems(["state": "gone", "division": "x", "as_of": "yesterday"]) == [
                "state": ["没有这个状态"], "division": [DivisionCode.Problem.notDigits.message], "as_of": ["日期应为 YYYY-MM-DD 格式,如 2024-03-01"],
            ])
        var fields = F.fields
        fields[3].archived = true
        fields[6].archived = true
        let archived = F.definition(fields: fields)
        #expect(
            problems(["measure": "sum:amount", "group_by": "kind"], archived) == [
                "measure": ["字段「金额」已归档"], "group_by": ["字段「类别」已归档"],
            ])
    }

    let items: [LedgerItemContent] = [
        LedgerFixtures.item([
            "count": .integer(2), "area": .decimal(LedgerFixtures.dec("0.1")), "amount": .money(150), "kind": .choice("产业"), "unit": .unit("u1"),
        ]),
        LedgerFixtures.item(
            ["count": .integer(3), "area": .decimal(LedgerFixtures.dec("0.25")), "amount": .money(1), "kind": .choice("产业"), "unit": .unit("u2")],
            state: "done", division: DivisionCode("141124100201")!),
        LedgerFixtures.item(
            ["count": .integer(-1), "area": .decimal(LedgerFixtures.dec("3")), "kind": .choice("教育"), "unit": .unit("u1")],
            division: LedgerFixtures.fenyang),
        LedgerFixtures.item(["area": .decimal(LedgerFixtures.dec("0.05"))], state: "in_progress", division: LedgerFixtures.lvliang),
    ]

    @Test("count and exact sums without grouping")
    func totals() throws {
        #expect(try query([:]).run(items, definition: d) == [LedgerAggregateRow(group: nil, value: .count(4))])
        #expect(try query(["measure": "sum:count"]).run(items, definition: d) == [LedgerAggregateRow(group: nil, value: .integer(4))])
        #expect(try query(["measure": "sum:amount"]).run(items, definition: d) == [LedgerAggregateRow(group: nil, value: .money(151))])
        #expect(try query(["measure": "sum:area"]).run(items, definition: d) == [LedgerAggregateRow(group: nil, value: .decimal(F.dec("3.4")))])
        #expect(try query(["measure": "count_distinct:unit"]).run(items, definition: d) == [LedgerAggregateRow(group: nil, value: .count(2))])
        #expect(try query(["measure": "sum:amount"]).run([], definition: d) == [LedgerAggregateRow(group: nil, value: .money(0))])
    }

    @Test("grouped by state: every state in order, empty ones included")
    func byState() throws {
        let rows = try query(["group_by": "state", "measure": "sum:area"]).run(items, definition: d)
        #expect(
            rows == [
                LedgerAggregateRow(group: "todo", value: .decimal(F.dec("3.1"))),
                LedgerAggregateRow(group: "in_progress", value: .decimal(F.dec("0.05"))),
                LedgerAggregateRow(group: "done", value: .decimal(F.dec("0.25"))),
            ])
        let empty = try query(["group_by": "state"]).run([], definition: d)
        #expect(empty.map(\.value) == [.count(0), .count(0), .count(0)])
    }

    @Test("grouped by division one level below the ledger's, or below the division asked for")
    func byDivision() throws {
        let rows = try query(["group_by": "division"]).run(items, definition: d)
        #expect(
            rows == [
                LedgerAggregateRow(group: "141100", value: .count(1)), LedgerAggregateRow(group: "141124", value: .count(2)),
                LedgerAggregateRow(group: "141182", value: .count(1)),
            ])
        let below = try query(["group_by": "division", "division": "141124"]).run(items, definition: d)
        #expect(below == [LedgerAggregateRow(group: "141124", value: .count(1)), LedgerAggregateRow(group: "141124100", value: .count(1))])
        #expect(LedgerAggregateQuery.divisionGroup(DivisionCode("141124100201")!, under: F.lvliang) == F.linxian)
        #expect(LedgerAggregateQuery.divisionGroup(DivisionCode("141124100201")!, under: DivisionCode("140000")!) == F.lvliang)
        #expect(LedgerAggregateQuery.divisionGroup(F.lvliang, under: F.lvliang) == F.lvliang)
        #expect(LedgerAggregateQuery.divisionGroup(DivisionCode("140100")!, under: F.lvliang) == DivisionCode("140100")!)
    }

    @Test("grouped by a choice: options in order, then items without one")
    func byChoice() throws {
        let rows = try query(["group_by": "kind", "measure": "sum:count"]).run(items, definition: d)
        #expect(
            rows == [
                LedgerAggregateRow(group: "产业", value: .integer(5)), LedgerAggregateRow(group: "就业", value: .integer(0)),
                LedgerAggregateRow(group: "教育", value: .integer(-1)), LedgerAggregateRow(group: nil, value: .integer(0)),
            ])
        let withoutEmpty = try query(["group_by": "kind"]).run(Array(items.prefix(3)), definition: d)
        #expect(withoutEmpty.map(\.group) == ["产业", "就业", "教育"])
    }

    @Test("filters, state and division narrow what is counted")
    func narrowing() throws {
        #expect(try query(["filter.kind": "产业"]).run(items, definition: d).first?.value == .count(2))
        #expect(try query(["state": "done"]).run(items, definition: d).first?.value == .count(1))
        #expect(try query(["division": "141124"]).run(items, definition: d).first?.value == .count(2))
    }

    @Test("overflowing sums are refused")
    func overflow() {
        let big = [F.item(["count": .integer(Int64.max)]), F.item(["count": .integer(1)])]
        #expect(throws: Refusal.conflict("合计超出可计算的范围")) { try query(["measure": "sum:count"]).run(big, definition: d) }
        let decimals = [F.item(["area": .decimal(LedgerDecimal(units: Int64.max, scale: 0))]), F.item(["area": .decimal(F.dec("0.01"))])]
        #expect(throws: Refusal.self) { try query(["measure": "sum:area"]).run(decimals, definition: d) }
    }

    @Test("JSON: {\"rows\": [{\"group\", \"value\"}]}, decimals as strings")
    func json() {
        let rows = [
            LedgerAggregateRow(group: "产业", value: .decimal(F.dec("1.50"))), LedgerAggregateRow(group: nil, value: .money(5)),
            LedgerAggregateRow(group: "todo", value: .count(3)), LedgerAggregateRow(group: "x", value: .integer(-2)),
        ]
        #expect(
            LedgerAggregateQuery.json(rows)
                == .object([
                    "rows": .array([
                        .object(["group": .string("产业"), "value": .string("1.5")]),
                        .object(["group": .null, "value": .integer(5)]),
                        .object(["group": .string("todo"), "value": .integer(3)]),
                        .object(["group": .string("x"), "value": .integer(-2)]),
                    ])
                ]))
    }

    @Test("state as of a day, from state events")
    func history() {
        let events: [(day: CivilDate, to: String)] = [
            (F.date("2024-03-01"), "todo"), (F.date("2024-04-10"), "in_progress"), (F.date("2024-04-10"), "done"),
            (F.date("2024-06-01"), "in_progress"),
        ]
        #expect(LedgerItemHistory.state(asOf: F.date("2024-02-28"), events: events) == nil)
        #expect(LedgerItemHistory.state(asOf: F.date("2024-03-01"), events: events) == "todo")
        #expect(LedgerItemHistory.state(asOf: F.date("2024-04-09"), events: events) == "todo")
        #expect(LedgerItemHistory.state(asOf: F.date("2024-04-10"), events: events) == "done")
        #expect(LedgerItemHistory.state(asOf: F.date("2024-05-31"), events: events) == "done")
        #expect(LedgerItemHistory.state(asOf: F.date("2025-01-01"), events: events) == "in_progress")
        #expect(LedgerItemHistory.state(asOf: F.date("2024-05-01"), events: events.reversed()) == "in_progress")
    }
}
