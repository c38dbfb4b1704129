import Testing

@testable import TongguanDomain

@Suite("LedgerImport: matching rows to items")
struct LedgerImportTests {
    typealias F = LedgerFixtures

    /// 事项 (text) and 身份证号 are unique.
    var d: LedgerDefinition {
        var fields = F.fields
        fields[11].unique = true
        return F.definition(fields: fields)
    }

    func draft(_ line: Int, _ values: LedgerValueMap, state: String? = nil, masked: [String: String] = [:]) -> LedgerSheet.Draft {
        LedgerSheet.Draft(
            line: line, divisionCode: F.linxian, stateCode: state, values: values, dueDate: nil, ownerUnit: nil,
            ownerPerson: nil, maskedResidentIDs: masked)
    }

    @Test("match keys: filled, unmasked values of active unique fields")
    func matchKeys() {
        let keys = LedgerImport.matchKeys(draft(2, ["title": .text("修路"), "id_number": .residentID(F.validID), "count": .integer(1)]), definition: d)
        #expect(
            keys == [LedgerImport.MatchKey(fieldKey: "title", uniqueKey: "修路"), LedgerImport.MatchKey(fieldKey: "id_number", uniqueKey: F.validID)])
        #expect(LedgerImport.matchKeys(draft(2, ["count": .integer(1)]), definition: d).isEmpty)
        #expect(LedgerImport.matchKeys(draft(2, ["title": .text("修路")]), definition: F.definition(fields: [F.field("title", .text)])).isEmpty)
    }

    @Test("rows repeating a unique value within the file")
    func duplicates() {
        let drafts = [
            draft(2, ["title": .text("甲"), "id_number": .residentID(F.validID)]),
            draft(3, ["title": .text("乙"), "id_number": .residentID(F.validID)]),
            draft(4, ["title": .text("甲")]),
            draft(5, ["title": .text("丙")], masked: ["id_number": "110105********002X"]),
            draft(6, ["title": .text("丁")], masked: ["id_number": "110105********002X"]),
            draft(7, ["count": .integer(1)]),
        ]
        #expect(
            LedgerImport.duplicates(drafts, definition: d) == [
                RowProblem(row: 3, column: "身份证号", message: "与第2行相同,该字段的值不能重复"),
                RowProblem(row: 4, column: "事项", message: "与第2行相同,该字段的值不能重复"),
                RowProblem(row: 6, column: "身份证号", message: "与第5行相同,该字段的值不能重复"),
            ])
    }

    @Test("the matched item: none, one, or a contradiction")
    func matched() {
        let row = draft(2, ["title": .text("甲"), "id_number": .residentID(F.validID)])
        #expect(LedgerImport.matchedItem(row, found: [:], definition: d) == .success(nil))
        #expect(LedgerImport.matchedItem(row, found: ["title": "i1"], definition: d) == .success("i1"))
        #expect(LedgerImport.matchedItem(row, found: ["title": "i1", "id_number": "i1"], definition: d) == .success("i1"))
        #expect(
            LedgerImport.matchedItem(row, found: ["title": "i1", "id_number": "i2"], definition: d)
                == .failure(ImportProblems([RowProblem(row: 2, column: "事项", message: "「事项」、「身份证号」分别对应不同的已有记录,无法确定要更新哪一条")])))
        // A found id for a field the row does not fill is not a match.
        #expect(LedgerImport.matchedItem(draft(2, ["title": .text("甲")]), found: ["id_number": "i2"], definition: d) == .success(nil))
    }

    @Test("a row whose only unique value is a masked resident ID cannot be matched")
    func maskedOnly() {
        var fields = F.fields
        fields[0].unique = false
        fields[11].unique = true
        let definition = F.definition(fields: fields)
        let row = draft(4, ["title": .text("甲")], masked: ["id_number": "110105********002X"])
        #expect(
            LedgerImport.matchedItem(row, found: [:], definition: definition)
                == .failure(ImportProblems([RowProblem(row: 4, column: "身份证号", message: "身份证号是脱敏显示的,无法据此匹配已有记录,请填写完整号码")])))
        // With another unique value filled, the mask is resolved against the item that matched.
        #expect(LedgerImport.matchedItem(row, found: ["title": "i1"], definition: d) == .success("i1"))
    }

    @Test("a new row creates an item with its creation event")
    func create() {
        let action = LedgerImport.plan(draft(2, ["title": .text("甲")]), matched: nil, definition: d, role: .operator)
        #expect(action == .success(.create(F.item(["title": .text("甲")]), LedgerStateEvent(from: nil, to: "todo", note: "", reopened: false))))
        let done = LedgerImport.plan(draft(2, ["title": .text("甲")], state: "done"), matched: nil, definition: d, role: .operator)
        #expect(
            done
                == .success(.create(F.item(["title": .text("甲")], state: "done"), LedgerStateEvent(from: nil, to: "done", note: "", reopened: false)))
        )
    }

    @Test("re-importing an unchanged row changes nothing")
    func unchanged() {
        let existing = F.item(["title": .text("甲"), "count": .integer(2)], state: "in_progress")
        #expect(
            LedgerImport.plan(
                draft(2, ["title": .text("甲"), "count": .integer(2)], state: "in_progress"), matched: ("i1", existing), definition: d, role: .operator
            )
                == .success(.unchanged(itemID: "i1")))
        #expect(
            LedgerImport.plan(draft(2, ["title": .text("甲"), "count": .integer(2)]), matched: ("i1", existing), definition: d, role: .operator)
                == .success(.unchanged(itemID: "i1")))
    }

    @Test("a changed row updates; a state change carries its event")
    func update() {
        let existing = F.item(["title": .text("甲")])
        let changed = LedgerImport.plan(
            draft(2, ["title": .text("甲"), "count": .integer(5)]), matched: ("i1", existing), definition: d, role: .admin)
        #expect(changed == .success(.update(itemID: "i1", F.item(["title": .text("甲"), "count": .integer(5)]), event: nil)))
        let moved = LedgerImport.plan(draft(2, ["title": .text("甲")], state: "done"), matched: ("i1", existing), definition: d, role: .operator)
        #expect(
            moved
                == .success(
                    .update(
                        itemID: "i1", F.item(["title": .text("甲")], state: "done"),
                        event: LedgerStateEvent(from: "todo", to: "done", note: "", reopened: false))))
    }

    @Test("an import cannot reopen a final state, and non-editors cannot import")
    func refusals() {
        let done = F.item(["title": .text("甲")], state: "done")
        for role in [Role.operator, .admin] {
            guard
                case .failure(let problems) = LedgerImport.plan(
                    draft(3, ["title": .text("甲")], state: "todo"), matched: ("i1", done), definition: d, role: role)
            else {
                Issue.record("expected a refusal"); continue
            }
            #expect(problems.problems.count == 1)
            #expect(problems.problems[0].row == 3)
            #expect(problems.problems[0].column == "状态")
        }
        for role in [Role.supervisor, .viewer] {
            #expect(
                LedgerImport.plan(draft(3, ["title": .text("甲")]), matched: nil, definition: d, role: role)
                    == .failure(ImportProblems([RowProblem(row: 3, column: "状态", message: Refusal.forbidden.message)])))
        }
    }

    @Test("masked resident IDs resolve against the matched item, or the row is refused")
    func masks() {
        let existing = F.item(["title": .text("甲"), "id_number": .residentID(F.validID)])
        let row = draft(2, ["title": .text("甲")], masked: ["id_number": "110105********002X"])
        #expect(LedgerImport.plan(row, matched: ("i1", existing), definition: d, role: .operator) == .success(.unchanged(itemID: "i1")))
        guard case .failure(let problems) = LedgerImport.plan(row, matched: nil, definition: d, role: .operator) else {
            Issue.record("expected a refusal"); return
        }
        #expect(problems.problems.map(\.column) == ["身份证号"])
    }

    @Test("the whole flow: export every item, import the file again, nothing changes")
    func wholeFlow() {
        let items: [(String, LedgerItemContent)] = [
            ("i1", LedgerSheetTests.item),
            ("i2", F.item(["title": .text("乙"), "amount": .money(5)], state: "in_progress")),
        ]
        let columns: [LedgerSheet.Column: Int]
        switch LedgerSheet.locate(header: LedgerSheet.header(for: d), definition: d) {
        case .success(let c): columns = c
        case .failure: Issue.record("header"); return
        }
        var drafts: [LedgerSheet.Draft] = []
        for (i, item) in items.enumerated() {
            let cells = LedgerSheet.exportRow(item.1, definition: d)
            guard
                case .success(let draft) = LedgerSheet.draft(SheetRow(line: i + 2, cells: cells.map(SheetCell.text)), columns: columns, definition: d)
            else {
                Issue.record("row \(i + 2)"); continue
            }
            drafts.append(draft)
        }
        #expect(LedgerImport.duplicates(drafts, definition: d).isEmpty)
        for draft in drafts {
            // The server looks up each key; here, by scanning the items.
            var found: [String: String] = [:]
            for key in LedgerImport.matchKeys(draft, definition: d) {
                found[key.fieldKey] = items.first { $0.1.values[key.fieldKey]?.uniqueKey == key.uniqueKey }?.0
            }
            guard case .success(let id?) = LedgerImport.matchedItem(draft, found: found, definition: d),
                let matched = items.first(where: { $0.0 == id })
            else { Issue.record("row \(draft.line) not matched"); continue }
            #expect(LedgerImport.plan(draft, matched: matched, definition: d, role: .operator) == .success(.unchanged(itemID: id)))
        }
    }
}
