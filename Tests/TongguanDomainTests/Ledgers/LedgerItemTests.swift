import Testing

@testable import TongguanDomain

@Suite("Ledger items: API body, overdue, division")
struct LedgerItemTests {
    typealias F = LedgerFixtures

    func problems(_ input: LedgerInput, _ definition: LedgerDefinition = F.definition(), existing: LedgerItemContent? = nil) -> [String: [String]] {
        do {
            _ = try LedgerItemContent(json: input, definition: definition, existing: existing)
            Issue.record("expected problems")
        } catch {
            return Dictionary(grouping: error.problems, by: \.field).mapValues { $0.map(\.message) }
        }
        return [:]
    }

    @Test("a new item: defaults to the initial state")
    func create() throws {
        let item = try LedgerItemContent(
            json: .object([
                "division_code": .string("141124"), "values": .object(["title": .string("修路")]),
                "due_date": .string("2024-06-30"), "owner_unit": .string(" 县交通局 "), "owner_person": .string("王五"),
            ]), definition: F.definition())
        #expect(
            item
                == LedgerItemContent(
                    divisionCode: F.linxian, stateCode: "todo", values: ["title": .text("修路")],
                    dueDate: F.date("2024-06-30"), ownerUnit: "县交通局", ownerPerson: "王五"))
        let inState = try LedgerItemContent(
            json: .object([
                "division_code": .string("141124"), "state": .string("done"),
                "values": .object(["title": .string("修路")]),
            ]), definition: F.definition())
        #expect(inState.stateCode == "done")
    }

    @Test("every problem by path; values under values.<key>")
    func everyProblem() {
        let found = problems(
            .object([
                "division_code": .string("14112"), "state": .string("nope"), "values": .object(["count": .string("x")]),
                "due_date": .string("2024/6/30"), "owner_unit": .string(String(repeating: "单", count: 101)),
                "owner_person": .string(String(repeating: "人", count: 51)),
            ]))
        #expect(found["division_code"] == [DivisionCode.Problem.badLength(5).message])
        #expect(found["state"] == ["没有这个状态"])
        #expect(found["values.count"] == ["应为整数,收到的是文本"])
        #expect(found["values.title"] == ["「事项」为必填项,不能为空"])
        #expect(found["due_date"] == ["日期应为 YYYY-MM-DD 格式,如 2024-03-01"])
        #expect(found["owner_unit"] == ["不能超过100个字符"])
        #expect(found["owner_person"] == ["不能超过50个字符"])
        #expect(found.count == 7)
    }

    @Test("missing body parts")
    func missing() {
        #expect(problems(.array([])) == ["item": ["应为对象,收到的是数组"]])
        let found = problems(.object([:]))
        #expect(found["division_code"] == ["不能为空"])
        #expect(found["values.title"] == ["「事项」为必填项,不能为空"])
        #expect(problems(.object(["division_code": .string("141124"), "values": .array([])]))["values"] == ["应为对象,收到的是数组"])
    }

    @Test("due date and owner only where the ledger has them")
    func flags() {
        let plain = F.definition(hasDueDate: false, hasOwner: false)
        let found = problems(
            .object([
                "division_code": .string("141124"), "values": .object(["title": .string("甲")]),
                "due_date": .string("2024-01-01"), "owner_unit": .string("局"), "owner_person": .string("人"),
            ]), plain)
        #expect(found["due_date"] == ["该台账不填写截止日期"])
        #expect(found["owner_unit"] == ["该台账不填写责任单位和责任人"])
        #expect(found["owner_person"] == ["该台账不填写责任单位和责任人"])
    }

    @Test("a replacement keeps the state and, when values are left out, the values")
    func replace() throws {
        let existing = F.item(["title": .text("旧")], state: "in_progress")
        let kept = try LedgerItemContent(json: .object(["division_code": .string("141124")]), definition: F.definition(), existing: existing)
        #expect(kept.stateCode == "in_progress")
        #expect(kept.values == ["title": .text("旧")])
        let changed = try LedgerItemContent(
            json: .object([
                "division_code": .string("141182"), "state": .string("done"),
                "values": .object(["title": .string("新")]),
            ]), definition: F.definition(), existing: existing)
        #expect(changed.stateCode == "done")
        #expect(changed.divisionCode == F.fenyang)
        #expect(changed.values == ["title": .text("新")])
    }

    @Test("the API form, with resident IDs masked")
    func json() {
        let item = LedgerItemContent(
            divisionCode: F.linxian, stateCode: "todo", values: ["id_number": .residentID(F.validID)],
            dueDate: F.date("2024-06-30"), ownerUnit: "局")
        #expect(
            item.json()
                == .object([
                    "division_code": .string("141124"), "state": .string("todo"),
                    "values": .object(["id_number": .string("110105********002X")]),
                    "due_date": .string("2024-06-30"), "owner_unit": .string("局"), "owner_person": .null,
                ]))
        #expect(item.json(revealing: true)["values"]?["id_number"] == .string(F.validID))
    }

    @Test("overdue: due before the day and not final; due through the due date")
    func overdue() {
        let d = F.definition()
        let due = F.date("2024-06-30")
        #expect(!F.item([:], due: due).isOverdue(on: F.date("2024-06-30"), in: d))
        #expect(F.item([:], due: due).isOverdue(on: F.date("2024-07-01"), in: d))
        #expect(F.item([:], state: "in_progress", due: due).isOverdue(on: F.date("2025-01-01"), in: d))
        #expect(!F.item([:], state: "done", due: due).isOverdue(on: F.date("2025-01-01"), in: d))
        #expect(!F.item([:]).isOverdue(on: F.date("2025-01-01"), in: d))
        #expect(!F.item([:], due: due).isOverdue(on: F.date("2025-01-01"), in: F.definition(hasDueDate: false)))
    }

    @Test("items live in the ledger's division or below")
    func division() {
        let d = F.definition()
        #expect(LedgerItemContent.divisionProblem(F.linxian, definition: d) == nil)
        #expect(LedgerItemContent.divisionProblem(F.lvliang, definition: d) == nil)
        #expect(LedgerItemContent.divisionProblem(DivisionCode("141124100201")!, definition: d) == nil)
        #expect(LedgerItemContent.divisionProblem(DivisionCode("140100")!, definition: d) == "区划 140100 不在台账所属区划 141100 之内")
    }
}

@Suite("Ledger state transitions")
struct LedgerStateTransitionTests {
    typealias F = LedgerFixtures
    let d = F.definition()

    func refusal(_ body: () throws(Refusal) -> LedgerStateEvent) -> Refusal? {
        do {
            _ = try body()
            Issue.record("expected a refusal")
            return nil
        } catch {
            return error
        }
    }

    @Test("editors move items between any open or final states", arguments: [Role.admin, .operator])
    func editors(_ role: Role) throws {
        for (from, to) in [("todo", "in_progress"), ("in_progress", "todo"), ("todo", "done"), ("in_progress", "done")] {
            let event = try LedgerStateTransition.check(definition: d, from: from, to: to, role: role, note: " 说明 ")
            #expect(event == LedgerStateEvent(from: from, to: to, note: "说明", reopened: false))
        }
    }

    @Test("supervisors and viewers may not move open items", arguments: [Role.supervisor, .viewer])
    func nonEditors(_ role: Role) {
        let r = refusal { () throws(Refusal) in try LedgerStateTransition.check(definition: d, from: "todo", to: "done", role: role) }
        #expect(r == .forbidden("您的角色不能修改记录状态"))
    }

    @Test("leaving a final state needs a supervisor and a reason")
    func reopen() throws {
        for role in [Role.admin, .supervisor] {
            let event = try LedgerStateTransition.check(definition: d, from: "done", to: "in_progress", role: role, note: "复核发现问题")
            #expect(event.reopened)
            #expect(event.note == "复核发现问题")
        }
        for role in [Role.operator, .viewer] {
            let r = refusal { () throws(Refusal) in try LedgerStateTransition.check(definition: d, from: "done", to: "todo", role: role, note: "x") }
            #expect(r == .forbidden("「已完成」是完成状态,只有督办人或管理员可以重新打开"))
        }
        let r = refusal { () throws(Refusal) in
            try LedgerStateTransition.check(definition: d, from: "done", to: "todo", role: .supervisor, note: "  ")
        }
        #expect(r == .invalid("note", "重新打开「已完成」的记录须说明原因"))
    }

    @Test("final to another final state is also leaving a final state")
    func finalToFinal() throws {
        let states = LedgerState.defaults + [LedgerState(code: "void", name: "作废", final: true)]
        let definition = F.definition(states: states)
        #expect(try LedgerStateTransition.check(definition: definition, from: "done", to: "void", role: .supervisor, note: "重复登记").reopened)
        #expect(
            refusal { () throws(Refusal) in try LedgerStateTransition.check(definition: definition, from: "done", to: "void", role: .operator) }?.kind
                == .forbidden)
    }

    @Test("unknown target, no change, bad notes")
    func refusals() {
        #expect(
            refusal { () throws(Refusal) in try LedgerStateTransition.check(definition: d, from: "todo", to: "gone", role: .admin) }
                == .invalid("state", "没有这个状态"))
        #expect(
            refusal { () throws(Refusal) in try LedgerStateTransition.check(definition: d, from: "todo", to: "todo", role: .admin) }
                == .conflict("记录已处于「待办」状态"))
        #expect(
            refusal { () throws(Refusal) in
                try LedgerStateTransition.check(definition: d, from: "todo", to: "done", role: .admin, note: String(repeating: "说", count: 501))
            }
                == .invalid("note", "说明不能超过500个字符"))
        #expect(
            refusal { () throws(Refusal) in try LedgerStateTransition.check(definition: d, from: "todo", to: "done", role: .admin, note: "a\u{0}") }?
                .problems.first?.field == "note")
    }

    @Test("the note may be 500 characters and keep line breaks")
    func noteBoundary() throws {
        let note = String(repeating: "说", count: 498) + "\n完"
        let event = try LedgerStateTransition.check(definition: d, from: "todo", to: "done", role: .operator, note: note)
        #expect(event.note == note)
        #expect(event.note.count == 500)
    }

    @Test("the creation event")
    func created() throws {
        #expect(
            try LedgerStateTransition.created(definition: d, role: .operator) == LedgerStateEvent(from: nil, to: "todo", note: "", reopened: false))
        #expect(try LedgerStateTransition.created(definition: d, in: "done", role: .admin).to == "done")
        #expect(refusal { () throws(Refusal) in try LedgerStateTransition.created(definition: d, role: .supervisor) } == .forbidden)
        #expect(
            refusal { () throws(Refusal) in try LedgerStateTransition.created(definition: d, in: "gone", role: .admin) }
                == .invalid("state", "没有这个状态"))
    }
}
