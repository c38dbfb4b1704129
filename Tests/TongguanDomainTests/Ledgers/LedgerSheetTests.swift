import Testing

@testable import TongguanDomain

@Suite("LedgerSheet: header, rows, template")
struct LedgerSheetTests {
    typealias F = LedgerFixtures
    let d = F.definition()

    static let fullHeader = [
        "区划代码", "事项", "数量", "面积", "金额", "签订日期", "是否拨付", "类别", "标签", "所在村", "牵头单位",
        "联系人", "联系人电话", "身份证号", "状态", "截止日期", "责任单位", "责任人",
    ]

    func row(_ line: Int, _ cells: [String: String], header: [String] = fullHeader) -> SheetRow {
        SheetRow(line: line, cells: header.map { SheetCell.text(cells[$0] ?? "") })
    }

    func columns(_ definition: LedgerDefinition? = nil) -> [LedgerSheet.Column: Int] {
        let definition = definition ?? d
        guard case .success(let columns) = LedgerSheet.locate(header: LedgerSheet.header(for: definition), definition: definition) else {
            Issue.record("header not located")
            return [:]
        }
        return columns
    }

    func problems(_ row: SheetRow, _ definition: LedgerDefinition? = nil) -> [RowProblem] {
        switch LedgerSheet.draft(row, columns: columns(definition), definition: definition ?? d) {
        case .success: Issue.record("expected problems"); return []
        case .failure(let failure): return failure.problems
        }
    }

    @Test("the header: 区划代码, fields (a person twice), 状态, then due date and owner when they apply")
    func header() {
        #expect(LedgerSheet.header(for: d) == Self.fullHeader)
        let plain = F.definition(
            hasDueDate: false, hasOwner: false, fields: [F.field("aa", .text, label: "甲"), F.field("bb", .text, label: "乙", archived: true)])
        #expect(LedgerSheet.header(for: plain) == ["区划代码", "甲", "状态"])
        #expect(
            LedgerSheet.header(for: F.definition(hasDueDate: true, hasOwner: false, fields: [F.field("aa", .text)])) == ["区划代码", "aa", "状态", "截止日期"])
    }

    @Test("locating columns: any order, normalised text, extra columns ignored")
    func locate() {
        let header = ["备注", " 事项 ", "区划代码"] + Self.fullHeader.filter { $0 != "事项" && $0 != "区划代码" }.reversed()
        guard case .success(let columns) = LedgerSheet.locate(header: header, definition: d) else { Issue.record("not located"); return }
        #expect(columns[.field(key: "title")] == 1)
        #expect(columns[.fixed(.division)] == 2)
        #expect(columns[.phone(key: "contact")] == header.firstIndex(of: "联系人电话"))
        #expect(columns.count == Self.fullHeader.count)
        let bracketed = F.definition(fields: [F.field("aa", .money, label: "金额(元)")])
        guard case .success = LedgerSheet.locate(header: ["区划代码", "金额 (元)", "状态", "截止日期", "责任单位", "责任人"], definition: bracketed) else {
            Issue.record("full-width brackets and spaces should match"); return
        }
    }

    @Test("header problems: missing and repeated columns, all at once")
    func headerProblems() {
        let header = Self.fullHeader.filter { $0 != "联系人电话" && $0 != "状态" } + ["事项"]
        guard case .failure(let failure) = LedgerSheet.locate(header: header, definition: d) else { Issue.record("expected problems"); return }
        #expect(
            failure.problems == [
                RowProblem(row: 1, column: "事项", message: "表头中此列出现了2次"),
                RowProblem(row: 1, column: "联系人电话", message: "表头缺少此列"),
                RowProblem(row: 1, column: "状态", message: "表头缺少此列"),
            ])
    }

    @Test("a full row becomes a draft")
    func draft() {
        let r = row(
            2,
            [
                "区划代码": "141124", "事项": "修路", "数量": "1,200", "面积": "12.5", "金额": "1234.56", "签订日期": "2024/3/1",
                "是否拨付": "是", "类别": "产业", "标签": "长期、重点", "所在村": "141124100201", "牵头单位": "交通局",
                "联系人": "张三", "联系人电话": "13800001111", "身份证号": F.validID, "状态": "进行中", "截止日期": "2024年6月30日",
                "责任单位": "县交通局", "责任人": "王五",
            ])
        guard case .success(let draft) = LedgerSheet.draft(r, columns: columns(), definition: d) else { Issue.record("expected a draft"); return }
        #expect(draft.line == 2)
        #expect(draft.divisionCode == F.linxian)
        #expect(draft.stateCode == "in_progress")
        #expect(draft.dueDate == F.date("2024-06-30"))
        #expect(draft.ownerUnit == "县交通局")
        #expect(draft.ownerPerson == "王五")
        #expect(draft.values.count == 12)
        #expect(draft.values["tags"] == .multiChoice(["重点", "长期"]))
        #expect(draft.values["amount"] == .money(123456))
        #expect(draft.maskedResidentIDs.isEmpty)
    }

    @Test("a minimal row: blanks are absent, the state is left to the import")
    func minimal() {
        guard case .success(let draft) = LedgerSheet.draft(row(3, ["区划代码": "141124", "事项": "修路"]), columns: columns(), definition: d) else {
            Issue.record("expected a draft"); return
        }
        #expect(draft.values == ["title": .text("修路")])
        #expect(draft.stateCode == nil)
        #expect(draft.dueDate == nil && draft.ownerUnit == nil && draft.ownerPerson == nil)
    }

    @Test("every problem of a row, in its column, with the Excel row number")
    func rowProblems() {
        let found = problems(
            row(
                7,
                [
                    "区划代码": "140100", "数量": "1.5", "金额": "-1", "是否拨付": "Y", "联系人": "张三", "联系人电话": "123",
                    "状态": "已办结", "截止日期": "下周", "责任人": String(repeating: "人", count: 51),
                ]))
        #expect(
            found == [
                RowProblem(row: 7, column: "区划代码", message: "区划 140100 不在台账所属区划 141100 之内"),
                RowProblem(row: 7, column: "事项", message: "不能为空"),
                RowProblem(row: 7, column: "数量", message: "应为整数"),
                RowProblem(row: 7, column: "金额", message: "金额不能为负数"),
                RowProblem(row: 7, column: "是否拨付", message: "应填写“是”或“否”"),
                RowProblem(row: 7, column: "联系人电话", message: PhoneNumber.problemMessage),
                RowProblem(row: 7, column: "状态", message: "没有这个状态,可选:待办、进行中、已完成"),
                RowProblem(row: 7, column: "截止日期", message: "日期应为 2021-07-16、2021/7/16 或 2021年7月16日"),
                RowProblem(row: 7, column: "责任人", message: "不能超过50个字符"),
            ])
        #expect(problems(row(8, ["事项": "甲"])) == [RowProblem(row: 8, column: "区划代码", message: "不能为空")])
        #expect(
            problems(row(9, ["区划代码": "abc", "事项": "甲"])) == [RowProblem(row: 9, column: "区划代码", message: DivisionCode.Problem.notDigits.message)])
        #expect(problems(row(10, ["区划代码": "141124", "事项": "甲", "责任单位": "a\u{7}"])).first?.column == "责任单位")
    }

    @Test("short rows read as blank cells")
    func shortRow() {
        let r = SheetRow(line: 4, cells: [.text("141124"), .text("修路")])
        guard case .success(let draft) = LedgerSheet.draft(r, columns: columns(), definition: d) else { Issue.record("expected a draft"); return }
        #expect(draft.values == ["title": .text("修路")])
    }

    static let item = LedgerItemContent(
        divisionCode: DivisionCode("141124100201")!, stateCode: "done",
        values: [
            "title": .text("修路,\"加宽\"\n二期"), "count": .integer(-3), "area": .decimal(LedgerFixtures.dec("0.05")), "amount": .money(100_000_001),
            "signed_on": .date(LedgerFixtures.date("2024-02-29")), "funded": .bool(false), "kind": .choice("教育"),
            "tags": .multiChoice(["重点", "紧急", "长期"]), "village": .division(LedgerFixtures.linxian), "unit": .unit("县教育局"),
            "contact": .person(LedgerPerson(name: "张三", phone: "0358-8221234")), "id_number": .residentID(LedgerFixtures.validID),
        ],
        dueDate: LedgerFixtures.date("2024-12-31"), ownerUnit: "县教育局", ownerPerson: "李四")

    @Test("export then import is the identity")
    func roundTrip() {
        let cells = LedgerSheet.exportRow(Self.item, definition: d, revealing: true)
        #expect(cells.count == Self.fullHeader.count)
        #expect(cells[4] == "1000000.01")
        #expect(cells[14] == "已完成")
        guard case .success(let draft) = LedgerSheet.draft(SheetRow(line: 2, cells: cells.map(SheetCell.text)), columns: columns(), definition: d)
        else {
            Issue.record("expected a draft"); return
        }
        #expect(draft.content(existing: nil, definition: d) == Self.item)
        // Through CSV text as well.
        guard let parsed = try? CSVParser.parse(CSVParser.line(LedgerSheet.header(for: d)) + "\r\n" + CSVParser.line(cells)),
            parsed.count == 2
        else { Issue.record("CSV did not parse"); return }
        let csvRow = SheetRow(line: parsed[1].line, cells: parsed[1].fields.map(SheetCell.text))
        guard case .success(let fromCSV) = LedgerSheet.draft(csvRow, columns: columns(), definition: d) else {
            Issue.record("expected a draft"); return
        }
        #expect(fromCSV.content(existing: nil, definition: d) == Self.item)
    }

    @Test("exported resident IDs are masked unless revealed, and a mask stands for the matched item's number")
    func maskedExport() {
        let cells = LedgerSheet.exportRow(Self.item, definition: d)
        #expect(cells[13] == "110105********002X")
        guard case .success(let draft) = LedgerSheet.draft(SheetRow(line: 5, cells: cells.map(SheetCell.text)), columns: columns(), definition: d)
        else {
            Issue.record("expected a draft"); return
        }
        #expect(draft.values["id_number"] == nil)
        #expect(draft.maskedResidentIDs == ["id_number": "110105********002X"])
        guard case .success(let resolved) = draft.resolvingMasks(existing: Self.item, definition: d) else {
            Issue.record("expected resolution"); return
        }
        #expect(resolved.content(existing: Self.item, definition: d) == Self.item)
        var other = Self.item
        other.values["id_number"] = .residentID(F.otherID)
        let refused = RowProblem(row: 5, column: "身份证号", message: "身份证号是脱敏显示的,与已有记录不符,请填写完整号码")
        #expect(draft.resolvingMasks(existing: other, definition: d) == .failure(ImportProblems([refused])))
        #expect(draft.resolvingMasks(existing: nil, definition: d) == .failure(ImportProblems([refused])))
    }

    @Test("a person masked by a default export stands for the matched item's person, never for a new one")
    func maskedPerson() {
        let header = LedgerSheet.header(for: d)
        let export = PersonalSheet(subject: "测试", columns: [.init("联系人", .name), .init("联系人电话", .phone)])
        let cells = PersonalSheet.masked(
            LedgerSheet.exportRow(Self.item, definition: d, revealing: true), at: export.positions(in: header))
        #expect(cells[11] == "张*" && cells[12] == "035*****1234")
        guard case .success(let draft) = LedgerSheet.draft(SheetRow(line: 7, cells: cells.map(SheetCell.text)), columns: columns(), definition: d)
        else {
            Issue.record("expected a draft"); return
        }
        #expect(draft.values["contact"] == nil && draft.maskedPeople == ["contact": ["张*", "035*****1234"]])
        guard case .success(let resolved) = draft.resolvingMasks(existing: Self.item, definition: d) else {
            Issue.record("expected resolution"); return
        }
        #expect(resolved.values["contact"] == .person(LedgerPerson(name: "张三", phone: "0358-8221234")))
        var other = Self.item
        other.values["contact"] = .person(LedgerPerson(name: "张三", phone: "0358-8229999"))
        let refused = RowProblem(row: 7, column: "联系人", message: "此人的姓名或电话是脱敏显示的,与已有记录不符,请填写完整内容")
        #expect(draft.resolvingMasks(existing: other, definition: d) == .failure(ImportProblems([refused])))
        #expect(draft.resolvingMasks(existing: nil, definition: d) == .failure(ImportProblems([refused])))
    }

    @Test("a matched item keeps its state when the cell is blank, and its archived values")
    func content() {
        var fields = F.fields
        fields[1].archived = true
        let archived = F.definition(fields: fields)
        let cols = columns(archived)
        let header = LedgerSheet.header(for: archived)
        guard
            case .success(let draft) = LedgerSheet.draft(row(2, ["区划代码": "141124", "事项": "甲"], header: header), columns: cols, definition: archived)
        else {
            Issue.record("expected a draft"); return
        }
        let existing = F.item(["title": .text("甲"), "count": .integer(9)], state: "in_progress")
        let content = draft.content(existing: existing, definition: archived)
        #expect(content.stateCode == "in_progress")
        #expect(content.values["count"] == .integer(9))
        #expect(draft.content(existing: nil, definition: archived).stateCode == "todo")
    }

    @Test("a ledger that turned due dates and owners off keeps them on import")
    func flagsOff() {
        let plain = F.definition(hasDueDate: false, hasOwner: false)
        let existing = LedgerItemContent(
            divisionCode: F.linxian, stateCode: "todo", values: ["title": .text("甲")],
            dueDate: F.date("2024-01-01"), ownerUnit: "局", ownerPerson: "人")
        let cells = LedgerSheet.exportRow(existing, definition: plain)
        #expect(cells.count == LedgerSheet.header(for: plain).count)
        guard
            case .success(let draft) = LedgerSheet.draft(
                SheetRow(line: 2, cells: cells.map(SheetCell.text)), columns: columns(plain), definition: plain)
        else {
            Issue.record("expected a draft"); return
        }
        #expect(draft.content(existing: existing, definition: plain) == existing)
    }

    @Test("the template's explanation sheet: one row per column, with types, requirement and options")
    func explanation() {
        let rows = LedgerSheet.explanation(for: d)
        #expect(rows.map(\.column) == LedgerSheet.header(for: d))
        #expect(LedgerSheet.explanationHeader == ["列名", "类型", "是否必填", "填写说明"])
        func row(_ column: String) -> LedgerSheet.ExplanationRow { rows.first { $0.column == column }! }
        #expect(row("区划代码").cells == ["区划代码", "区划代码", "是", "6位、9位或12位区划代码,须为 141100 或其下级区划"])
        #expect(row("事项").cells == ["事项", "文本", "是", "文本,最多2000个字;每条记录不能重复,导入时据此匹配已有记录"])
        #expect(row("面积").notes == "数字,最多2位小数,如 12.5")
        #expect(row("金额").notes == "金额,单位为元,最多两位小数,如 1234.50")
        #expect(row("类别").notes == "从以下选项中选一项:产业、就业、教育")
        #expect(row("标签").notes == "从以下选项中选一项或多项,多项之间用顿号“、”分隔:重点、紧急、长期")
        #expect(row("是否拨付").notes == "填写“是”或“否”")
        #expect(row("联系人").notes == "姓名,最多50个字;电话填在「联系人电话」列")
        #expect(row("联系人电话").cells == ["联系人电话", "电话", "否", "「联系人」的电话:11位手机号或带区号的固定电话(如 0358-8221234)"])
        #expect(row("状态").notes == "可选:待办、进行中、已完成;留空时新记录为「待办」,已有记录保持原状态")
        #expect(row("截止日期").type == "日期")
        #expect(row("数量").cells[2] == "否")
        for r in rows { #expect(!r.type.isEmpty && !r.notes.isEmpty) }
        #expect(LedgerSheet.notes(for: F.field("aa", .decimal, scale: 0)) == "整数,如 12")
    }
}
