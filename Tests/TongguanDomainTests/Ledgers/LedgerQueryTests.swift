import Testing

@testable import TongguanDomain

@Suite("Ledger filters and item queries")
struct LedgerQueryTests {
    typealias F = LedgerFixtures
    let d = F.definition()

    func filter(_ key: String, _ value: String) throws(LedgerValueFailure) -> LedgerFieldFilter {
        try LedgerFieldFilter(key: key, value: value, definition: d)
    }

    func message(_ key: String, _ value: String, _ definition: LedgerDefinition? = nil) -> String? {
        do {
            _ = try LedgerFieldFilter(key: key, value: value, definition: definition ?? d)
            Issue.record("expected a problem")
            return nil
        } catch {
            return error.problems.first?.message
        }
    }

    @Test("filter values in the API's forms, per type")
    func forms() throws {
        #expect(try filter("funded", "true").match == .equals(.bool(true)))
        #expect(try filter("funded", "false").match == .equals(.bool(false)))
        #expect(try filter("count", "-3").match == .equals(.integer(-3)))
        #expect(try filter("amount", "12345").match == .equals(.money(12345)))
        #expect(try filter("area", "1.50").match == .equals(.decimal(F.dec("1.5"))))
        #expect(try filter("signed_on", "2024-03-01").match == .equals(.date(F.date("2024-03-01"))))
        #expect(try filter("kind", "就业").match == .equals(.choice("就业")))
        #expect(try filter("tags", "重点").match == .includesOption("重点"))
        #expect(try filter("village", "141124").match == .withinDivision(F.linxian))
        #expect(try filter("unit", "u1").match == .equals(.unit("u1")))
        #expect(try filter("title", "修路").match == .equals(.text("修路")))
        #expect(try filter("contact", "张三").match == .personName("张三"))
        #expect(try filter("contact", "138 0000 1111").match == .personPhone("13800001111"))
        #expect(try filter("id_number", "11010519491231002x").match == .residentID(F.validID))
    }

    @Test("bad filter values, unknown and archived keys")
    func problems() {
        #expect(message("funded", "是") == "应为 true 或 false")
        #expect(message("count", "1.5") == "应为整数")
        #expect(message("amount", "12.34") == "金额应为以分为单位的整数")
        #expect(message("area", "1.234") == "最多保留2位小数")
        #expect(message("signed_on", "2024/3/1") == "日期应为 YYYY-MM-DD 格式,如 2024-03-01")
        #expect(message("kind", "其他") == "不是可选项,可选:产业、就业、教育")
        #expect(message("tags", "其他") == "不是可选项,可选:重点、紧急、长期")
        #expect(message("village", "14") == DivisionCode.Problem.badLength(2).message)
        #expect(message("id_number", "110105194912310021") == ResidentID.Problem.checksum.message)
        #expect(message("contact", "a\u{0}") == "应为姓名或电话")
        #expect(message("nope", "1") == "没有这个字段")
        var fields = F.fields
        fields[1].archived = true
        #expect(message("count", "1", F.definition(fields: fields)) == "字段「数量」已归档,不能用于筛选")
    }

    @Test("matching values")
    func matching() throws {
        #expect(try filter("area", "1.5").matches(.decimal(F.dec("1.50"))))
        #expect(try !filter("area", "1.5").matches(.decimal(F.dec("1.51"))))
        #expect(try !filter("area", "1.5").matches(nil))
        #expect(try filter("tags", "重点").matches(.multiChoice(["重点", "长期"])))
        #expect(try !filter("tags", "紧急").matches(.multiChoice(["重点", "长期"])))
        #expect(try filter("village", "141124").matches(.division(DivisionCode("141124100201")!)))
        #expect(try !filter("village", "141124").matches(.division(F.fenyang)))
        let person = LedgerValue.person(LedgerPerson(name: "张三", phone: "13800001111"))
        #expect(try filter("contact", "张三").matches(person))
        #expect(try filter("contact", "13800001111").matches(person))
        #expect(try !filter("contact", "李四").matches(person))
        #expect(try filter("id_number", F.validID).matches(.residentID(F.validID)))
        #expect(try !filter("id_number", F.validID).matches(.residentID(F.otherID)))
        #expect(try !filter("tags", "重点").matches(.text("重点")))
    }

    @Test("item query parameters")
    func itemQuery() throws {
        let q = try LedgerItemQuery(
            parameters: [
                "division": "141124", "state": "todo", "overdue_on": "2024-07-01", "q": " Road ",
                "f.kind": "产业", "f.funded": "true", "f.count": "", "page": "2", "per": "50",
            ], definition: d)
        #expect(q.division == F.linxian)
        #expect(q.stateCode == "todo")
        #expect(q.overdueOn == F.date("2024-07-01"))
        #expect(q.q == "road")
        #expect(q.filters.map(\.key) == ["funded", "kind"])
        #expect(try LedgerItemQuery(parameters: [:], definition: d) == LedgerItemQuery())
    }

    @Test("every problem of a query, by parameter name")
    func itemQueryProblems() throws {
        do {
            _ = try LedgerItemQuery(
                parameters: [
                    "division": "1", "state": "gone", "overdue_on": "soon", "q": String(repeating: "字", count: 101),
                    "f.nope": "1", "f.count": "x",
                ], definition: d)
            Issue.record("expected problems")
        } catch {
            let fields = Dictionary(grouping: error.problems, by: \.field).mapValues { $0.map(\.message) }
            #expect(fields["division"] == [DivisionCode.Problem.badLength(1).message])
            #expect(fields["state"] == ["没有这个状态"])
            #expect(fields["overdue_on"] == ["日期应为 YYYY-MM-DD 格式,如 2024-03-01"])
            #expect(fields["q"] == ["搜索内容不能超过100个字符"])
            #expect(fields["f.nope"] == ["没有这个字段"])
            #expect(fields["f.count"] == ["应为整数"])
        }
        #expect(throws: ValidationFailure.self) {
            try LedgerItemQuery(parameters: ["overdue_on": "2024-01-01"], definition: F.definition(hasDueDate: false))
        }
        #expect(throws: ValidationFailure.self) { try LedgerItemQuery(parameters: ["q": "a\u{202E}"], definition: d) }
        do {
            _ = try LedgerItemQuery(parameters: ["due_from": "2024-07-01", "due_to": "2024-06-30"], definition: d)
            Issue.record("expected a reversed range to be refused")
        } catch {
            #expect(error.problems.map(\.field) == ["due_to"])
            #expect(error.problems.first?.message == "截止日期止不能早于截止日期起")
        }
        do {
            _ = try LedgerItemQuery(parameters: ["due_from": "2024-02-30", "due_to": "明天"], definition: d)
            Issue.record("expected bad dates to be refused")
        } catch {
            #expect(error.problems.map(\.field).sorted() == ["due_from", "due_to"])
            #expect(error.problems.contains { $0.message == "截止日期起应为 YYYY-MM-DD 格式,如 2024-03-01" })
        }
        let undated = F.definition(hasDueDate: false)
        do {
            _ = try LedgerItemQuery(parameters: ["due_from": "2024-01-01"], definition: undated)
            Issue.record("expected a ledger without due dates to refuse the range")
        } catch {
            #expect(error.problems.map(\.message) == ["该台账没有截止日期"])
        }
        let range = try LedgerItemQuery(parameters: ["due_from": " 2024-01-01 ", "due_to": "2024-12-31"], definition: d)
        #expect(range.dueFrom == F.date("2024-01-01") && range.dueTo == F.date("2024-12-31"))
    }

    @Test("an item query over items in memory")
    func itemQueryMatches() throws {
        let items = [
            F.item(["title": .text("Road 修路"), "kind": .choice("产业")], due: F.date("2024-06-30")),
            F.item(["title": .text("学校"), "kind": .choice("教育")], state: "done", due: F.date("2024-06-30")),
            F.item(["title": .text("修桥"), "kind": .choice("产业")], division: F.fenyang),
        ]
        func titles(_ parameters: [String: String]) throws -> [String] {
            let q = try LedgerItemQuery(parameters: parameters, definition: d)
            return items.filter { q.matches($0, definition: d) }.compactMap { if case .text(let t) = $0.values["title"] { t } else { nil } }
        }
        #expect(try titles([:]).count == 3)
        #expect(try titles(["division": "141124"]) == ["Road 修路", "学校"])
        #expect(try titles(["state": "done"]) == ["学校"])
        #expect(try titles(["overdue_on": "2024-07-01"]) == ["Road 修路"])
        // A due-date range includes both ends; an item without a due date is in none.
        #expect(try titles(["due_from": "2024-06-30"]) == ["Road 修路", "学校"])
        #expect(try titles(["due_to": "2024-06-30"]) == ["Road 修路", "学校"])
        #expect(try titles(["due_from": "2024-06-30", "due_to": "2024-06-30"]) == ["Road 修路", "学校"])
        #expect(try titles(["due_from": "2024-07-01"]).isEmpty)
        #expect(try titles(["due_to": "2024-06-29"]).isEmpty)
        #expect(try titles(["due_from": "2024-01-01", "state": "done"]) == ["学校"])
        #expect(try titles(["q": "ROAD"]) == ["Road 修路"])
        #expect(try titles(["q": "修"]) == ["Road 修路", "修桥"])
        #expect(try titles(["f.kind": "产业", "division": "141182"]) == ["修桥"])
        let q = try LedgerItemQuery(parameters: ["q": "precomputed"], definition: d)
        #expect(q.matches(items[0], definition: d, searchDocument: "precomputed text"))
    }
}
