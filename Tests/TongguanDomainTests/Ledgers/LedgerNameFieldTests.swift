import Testing

@testable import TongguanDomain

/// The `name` type: a person's name without a phone (驻村工作队员's 姓名), personal data like a
/// person field's name.
@Suite("LedgerFieldType.name: a name alone, kept as personal data")
struct LedgerNameFieldTests {
    typealias F = LedgerFixtures
    let d = F.definition(
        hasDueDate: false, hasOwner: false,
        fields: [
            F.field("team", .text, label: "工作队编号", required: true),
            F.field("member", .name, label: "姓名", required: true, unique: true),
        ])

    var columns: [LedgerSheet.Column: Int] {
        guard case .success(let columns) = LedgerSheet.locate(header: LedgerSheet.header(for: d), definition: d) else { return [:] }
        return columns
    }

    func draft(_ cells: [String], line: Int = 2) -> Result<LedgerSheet.Draft, ImportProblems> {
        LedgerSheet.draft(SheetRow(line: line, cells: cells.map(SheetCell.text)), columns: columns, definition: d)
    }

    @Test("a name reads from the API and the sheet, trimmed; blank is no value")
    func parsing() throws {
        let field = d.field("member")!
        #expect(try LedgerValue.parse(json: .string("  张三 "), for: field) == .name("张三"))
        #expect(try LedgerValue.parse(cells: [.text("欧阳娜娜")], for: field) == .name("欧阳娜娜"))
        #expect(try LedgerValue.parse(json: .string("   "), for: field) == nil)
        #expect(LedgerValue.name("张三").json() == .string("张三"))
        #expect(LedgerValue.name("张三").cellTexts() == ["张三"])
        #expect(LedgerValue.name("张三").searchText == "张三")
        #expect(LedgerValue.name("张三").type == .name)
    }

    @Test("a name is one line of at most 50 characters, and not a number")
    func refusals() {
        let field = d.field("member")!
        let long = String(repeating: "张", count: LedgerPerson.maxNameLength + 1)
        #expect(throws: LedgerValueFailure("姓名不能超过50个字符")) { try LedgerValue.parse(json: .string(long), for: field) }
        #expect((try? LedgerValue.parse(json: .string(String(repeating: "张", count: 50)), for: field)) == .name(String(repeating: "张", count: 50)))
        #expect(throws: LedgerValueFailure.self) { try LedgerValue.parse(json: .string("张\n三"), for: field) }
        #expect(throws: LedgerValueFailure.self) { try LedgerValue.parse(json: .integer(3), for: field) }
    }

    @Test("a filter on a name is an exact match")
    func filter() throws {
        let filter = try LedgerFieldFilter(key: "member", value: " 张三 ", definition: d)
        #expect(filter.match == .equals(.name("张三")))
        #expect(filter.matches(.name("张三")))
        #expect(!filter.matches(.name("张三丰")))
        #expect(!filter.matches(nil))
    }

    @Test("the template explains the column")
    func template() {
        let row = LedgerSheet.explanation(for: d).first { $0.column == "姓名" }
        #expect(row?.type == "姓名")
        #expect(row?.notes == "姓名,最多50个字;每条记录不能重复,导入时据此匹配已有记录")
    }

    @Test("a name masked by a default export stands for the matched item's name, never for a new one")
    func maskedName() {
        let item = F.item(["team": .text("LL-001"), "member": .name("张三")], division: F.linxian)
        let header = LedgerSheet.header(for: d)
        let export = PersonalSheet(subject: "测试", columns: [.init("姓名", .name)])
        let cells = PersonalSheet.masked(LedgerSheet.exportRow(item, definition: d, revealing: true), at: export.positions(in: header))
        #expect(cells == ["141124", "LL-001", "张*", "待办"])
        guard case .success(let masked) = draft(cells, line: 7) else { Issue.record("expected a draft"); return }
        #expect(masked.values["member"] == nil && masked.maskedPeople == ["member": ["张*"]])
        guard case .success(let resolved) = masked.resolvingMasks(existing: item, definition: d) else {
            Issue.record("expected resolution"); return
        }
        #expect(resolved.values["member"] == .name("张三"))
        let refused = RowProblem(row: 7, column: "姓名", message: "姓名是脱敏显示的,与已有记录不符,请填写完整内容")
        var other = item
        other.values["member"] = .name("李四")
        #expect(masked.resolvingMasks(existing: other, definition: d) == .failure(ImportProblems([refused])))
        #expect(masked.resolvingMasks(existing: nil, definition: d) == .failure(ImportProblems([refused])))
        // The only unique value is masked: the row cannot say which item it updates.
        #expect(
            LedgerImport.matchedItem(masked, found: [:], definition: d)
                == .failure(ImportProblems([RowProblem(row: 7, column: "姓名", message: "姓名是脱敏显示的,无法据此匹配已有记录,请填写完整内容")])))
    }

    @Test("export and import of clear names is the identity")
    func roundTrip() {
        let item = F.item(["team": .text("LL-001"), "member": .name("欧阳娜娜")], division: F.linxian)
        let cells = LedgerSheet.exportRow(item, definition: d, revealing: true)
        guard case .success(let read) = draft(cells) else { Issue.record("expected a draft"); return }
        #expect(read.content(existing: nil, definition: d) == item)
    }
}
