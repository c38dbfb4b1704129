import Testing

@testable import TongguanDomain

@Suite("LedgerDefinition validation")
struct LedgerDefinitionTests {
    typealias F = LedgerFixtures

    func problems(_ definition: LedgerDefinition) -> [String: [String]] {
        Dictionary(grouping: definition.problems, by: \.field).mapValues { $0.map(\.message) }
    }

    @Test("the fixture with every field type is valid")
    func fixtureValid() throws {
        let definition = F.definition()
        #expect(definition.problems.isEmpty)
        try definition.validate()
    }

    @Test("code, name and description rules")
    func ledgerTexts() {
        var d = F.definition()
        d.code = "Bad Code"
        d.name = ""
        d.description = String(repeating: "说", count: 2001)
        let found = problems(d)
        #expect(found["code"] == ["台账代码只能由小写英文字母、数字、下划线和连字符组成"])
        #expect(found["name"] == ["台账名称不能为空"])
        #expect(found["description"] == ["说明不能超过2000个字符"])
        d.name = String(repeating: "名", count: 51)
        d.description = "第一行\n第二行\t制表"
        #expect(problems(d)["name"] == ["台账名称不能超过50个字符"])
        #expect(problems(d)["description"] == nil)
        d.name = String(repeating: "名", count: 50)
        #expect(problems(d)["name"] == nil)
        d.name = "台账\u{202E}名"
        #expect(problems(d)["name"]?.first?.contains("文字方向控制字符") == true)
        d.name = " 台账"
        #expect(problems(d)["name"] == ["台账名称首尾不能有空白"])
        d.description = "a\u{0}b"
        #expect(problems(d)["description"]?.first?.hasPrefix("说明的第2个字符") == true)
        #expect(throws: ValidationFailure.self) { try d.validate() }
    }

    @Test("states: at least one final and one open, the first open, at most 20")
    func stateCounts() {
        #expect(problems(F.definition(states: []))["states"] == ["至少需要两个状态(一个未完成、一个完成)"])
        let open = LedgerState(code: "open", name: "办理中", final: false)
        let done = LedgerState(code: "done", name: "办结", final: true)
        #expect(problems(F.definition(states: [open]))["states"] == ["至少需要一个完成状态(final 为 true)"])
        #expect(problems(F.definition(states: [done]))["states"] == ["至少需要一个未完成状态(final 为 false)"])
        #expect(problems(F.definition(states: [done]))["states.0.final"] == nil)
        #expect(problems(F.definition(states: [done, open]))["states.0.final"] == ["第一个状态是新记录的初始状态,不能是完成状态"])
        #expect(F.definition(states: [open, done]).problems.isEmpty)
        let twenty = (0..<19).map { LedgerState(code: "s\($0)", name: "状态\($0)", final: false) } + [done]
        #expect(F.definition(states: twenty).problems.isEmpty)
        let many = twenty + [LedgerState(code: "extra", name: "多余", final: true)]
        #expect(problems(F.definition(states: many))["states"] == ["状态不能超过20个"])
    }

    @Test("state codes and names: valid and unique")
    func stateNames() {
        let states = [
            LedgerState(code: "todo", name: "待办", final: false),
            LedgerState(code: "todo", name: "待办", final: false),
            LedgerState(code: "x", name: "", final: true),
            LedgerState(code: "done", name: String(repeating: "完", count: 21), final: true),
        ]
        let found = problems(F.definition(states: states))
        #expect(found["states.1.code"] == ["状态代码「todo」重复"])
        #expect(found["states.1.name"] == ["状态名称「待办」重复"])
        #expect(found["states.2.code"] == ["状态代码长度应为2到40个字符"])
        #expect(found["states.2.name"] == ["状态名称不能为空"])
        #expect(found["states.3.name"] == ["状态名称不能超过20个字符"])
        #expect(found["states.0.code"] == nil)
    }

    @Test("at least one active field, at most 100")
    func fieldCounts() {
        #expect(problems(F.definition(fields: []))["fields"] == ["至少需要一个未归档的字段"])
        #expect(problems(F.definition(fields: [F.field("aa", .text, archived: true)]))["fields"] == ["至少需要一个未归档的字段"])
        let hundred = (0..<100).map { F.field("f\($0)", .text) }
        #expect(F.definition(fields: hundred).problems.isEmpty)
        #expect(problems(F.definition(fields: hundred + [F.field("extra", .text)]))["fields"] == ["字段不能超过100个"])
    }

    @Test("field keys: valid and unique")
    func fieldKeys() {
        let found = problems(
            F.definition(fields: [F.field("name", .text), F.field("name", .integer, label: "另一个"), F.field("1x", .text, label: "第三")]))
        #expect(found["fields.1.key"] == ["字段标识「name」重复"])
        #expect(found["fields.2.key"] == ["字段标识须以小写英文字母开头"])
    }

    @Test("labels: required, ≤ 50, unique after header normalisation, clear of fixed and phone columns")
    func labels() {
        var found = problems(F.definition(fields: [F.field("aa", .text, label: ""), F.field("bb", .text, label: String(repeating: "字", count: 51))]))
        #expect(found["fields.0.label"] == ["字段名称不能为空"])
        #expect(found["fields.1.label"] == ["字段名称不能超过50个字符"])
        found = problems(F.definition(fields: [F.field("aa", .text, label: "金额(元)"), F.field("bb", .text, label: "金额 (元)")]))
        #expect(found["fields.1.label"] == ["表格列名「金额 (元)」与字段「金额(元)」重名"])
        for fixed in LedgerSheet.FixedColumn.allCases {
            found = problems(F.definition(hasDueDate: false, hasOwner: false, fields: [F.field("aa", .text, label: fixed.rawValue)]))
            #expect(found["fields.0.label"] == ["表格列名「\(fixed.rawValue)」与固定列「\(fixed.rawValue)」重名"])
        }
        found = problems(F.definition(fields: [F.field("aa", .person, label: "联系人"), F.field("bb", .text, label: "联系人电话")]))
        #expect(found["fields.1.label"] == ["表格列名「联系人电话」与字段「联系人」重名"])
        found = problems(F.definition(fields: [F.field("bb", .text, label: "联系人电话"), F.field("aa", .person, label: "联系人")]))
        #expect(found["fields.1.label"] == ["表格列名「联系人电话」与字段「联系人电话」重名"])
        // Archived fields keep their labels reserved: they may come back.
        found = problems(F.definition(fields: [F.field("aa", .text, label: "事项", archived: true), F.field("bb", .text, label: "事项")]))
        #expect(found["fields.1.label"] != nil)
    }

    @Test("options: only for choices, non-empty, unique, short, no 、")
    func options() {
        var found = problems(F.definition(fields: [F.field("aa", .choice), F.field("bb", .multiChoice)]))
        #expect(found["fields.0.options"] == ["单选和多选字段至少需要一个选项"])
        #expect(found["fields.1.options"] == ["单选和多选字段至少需要一个选项"])
        found = problems(F.definition(fields: [F.field("aa", .choice, options: ["甲", "乙、丙", "甲", "", String(repeating: "长", count: 51)])]))
        #expect(found["fields.0.options.1"] == ["选项「乙、丙」不能包含顿号「、」(多选的分隔符)"])
        #expect(found["fields.0.options.2"] == ["选项「甲」重复"])
        #expect(found["fields.0.options.3"]?.first == "选项不能为空")
        #expect(found["fields.0.options.4"] == ["选项不能超过50个字符"])
        found = problems(F.definition(fields: [F.field("aa", .text, options: ["甲"])]))
        #expect(found["fields.0.options"] == ["只有单选和多选字段可以设置选项"])
        let many = (0..<201).map { "选项\($0)" }
        #expect(problems(F.definition(fields: [F.field("aa", .multiChoice, options: many)]))["fields.0.options"] == ["选项不能超过200个"])
        #expect(F.definition(fields: [F.field("aa", .multiChoice, options: Array(many.prefix(200)))]).problems.isEmpty)
    }

    @Test("scale: required for decimals, 0…6, nowhere else")
    func scale() {
        #expect(problems(F.definition(fields: [F.field("aa", .decimal)]))["fields.0.scale"] == ["小数字段须指定小数位数(0到6)"])
        for ok in 0...6 { #expect(F.definition(fields: [F.field("aa", .decimal, scale: ok)]).problems.isEmpty) }
        for bad in [-1, 7] {
            #expect(problems(F.definition(fields: [F.field("aa", .decimal, scale: bad)]))["fields.0.scale"] == ["小数位数应为0到6"])
        }
        #expect(problems(F.definition(fields: [F.field("aa", .integer, scale: 2)]))["fields.0.scale"] == ["只有小数字段可以设置小数位数"])
    }

    @Test("unique is refused for yes/no and choices", arguments: LedgerFieldType.allCases)
    func unique(_ type: LedgerFieldType) {
        let field = F.field("aa", type, unique: true, options: type.hasOptions ? ["甲"] : [], scale: type.hasScale ? 2 : nil)
        let found = problems(F.definition(fields: [field]))
        if type.allowsUnique {
            #expect(found.isEmpty)
        } else {
            #expect(found["fields.0.unique"] == ["\(type.label)字段不能设为唯一"])
        }
    }

    @Test("look-ups")
    func lookups() {
        var fields = F.fields
        fields[1].archived = true
        fields[2].unique = true
        let d = F.definition(fields: fields)
        #expect(d.field("count")?.label == "数量")
        #expect(d.field("missing") == nil)
        #expect(!d.activeFields.contains { $0.key == "count" })
        #expect(d.activeFields.count == fields.count - 1)
        #expect(d.uniqueFields.map(\.key) == ["title", "area"])
        #expect(d.initialState.code == "todo")
        #expect(d.state("done")?.final == true)
        #expect(d.state(named: "进行中")?.code == "in_progress")
        #expect(d.state(named: "不存在") == nil)
        #expect(d.openStateCodes == ["todo", "in_progress"])
        #expect(d.finalStateCodes == ["done"])
        #expect(d.isFinal("done"))
        #expect(!d.isFinal("todo"))
        #expect(!d.isFinal("unknown"))
        #expect(F.fields[10].columnLabels == ["联系人", "联系人电话"])
        #expect(F.fields[0].columnLabels == ["事项"])
    }

    @Test("list columns: the fields marked listed, else the first four active ones")
    func listed() {
        var fields = F.fields
        #expect(F.definition(fields: fields).listedFields.map(\.key) == ["title", "count", "area", "amount"])
        fields[0].archived = true
        #expect(F.definition(fields: fields).listedFields.map(\.key) == ["count", "area", "amount", "signed_on"])
        fields[6].listed = true
        fields[2].listed = true
        fields[0].listed = true
        #expect(F.definition(fields: fields).listedFields.map(\.key) == ["area", "kind"])
    }
}
