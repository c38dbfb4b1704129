import Testing

@testable import TongguanDomain

@Suite("LedgerCode and LedgerFieldType")
struct LedgerCodeTests {
    @Test("valid codes", arguments: ["ab", "a1", "poverty_watch", "a-b", "x" + String(repeating: "9", count: 39), "a_"])
    func valid(_ code: String) {
        #expect(LedgerCode.problem(code, what: "台账代码") == nil)
        #expect(LedgerCode.isValid(code))
    }

    @Test("empty code")
    func empty() {
        #expect(LedgerCode.problem("", what: "字段标识") == "字段标识不能为空")
    }

    @Test(
        "characters outside lower-case ASCII, digits, _ and -",
        arguments: ["Ab", "a b", "台账", "a.b", "a/b", "aé", "a\u{0}b", "ab ", "AB"])
    func badCharacters(_ code: String) {
        #expect(LedgerCode.problem(code, what: "台账代码") == "台账代码只能由小写英文字母、数字、下划线和连字符组成")
    }

    @Test("length boundaries 2…40")
    func lengths() {
        #expect(LedgerCode.problem("a", what: "状态代码") == "状态代码长度应为2到40个字符")
        #expect(LedgerCode.problem("ab", what: "状态代码") == nil)
        #expect(LedgerCode.problem("a" + String(repeating: "b", count: 39), what: "状态代码") == nil)
        #expect(LedgerCode.problem("a" + String(repeating: "b", count: 40), what: "状态代码") == "状态代码长度应为2到40个字符")
    }

    @Test("must start with a letter", arguments: ["1a", "_a", "-a", "9_9"])
    func startsWithLetter(_ code: String) {
        #expect(LedgerCode.problem(code, what: "字段标识") == "字段标识须以小写英文字母开头")
    }

    @Test("field type raw values are the API names")
    func rawValues() {
        #expect(
            LedgerFieldType.allCases.map(\.rawValue) == [
                "text", "integer", "decimal", "money", "date", "bool", "choice",
                "multi_choice", "division", "unit", "person", "name", "resident_id",
            ])
        for type in LedgerFieldType.allCases {
            #expect(LedgerFieldType(rawValue: type.rawValue) == type)
            #expect(!type.label.isEmpty)
        }
        #expect(Set(LedgerFieldType.allCases.map(\.label)).count == LedgerFieldType.allCases.count)
    }

    @Test("what each type allows")
    func capabilities() {
        let all = Set(LedgerFieldType.allCases)
        func set(_ types: [LedgerFieldType]) -> Set<LedgerFieldType> { Set(types) }
        #expect(all.filter(\.hasOptions) == set([.choice, .multiChoice]))
        #expect(all.filter(\.hasScale) == set([.decimal]))
        #expect(all.filter { !$0.allowsUnique } == set([.bool, .choice, .multiChoice]))
        #expect(all.filter(\.isSummable) == set([.integer, .decimal, .money]))
        #expect(all.filter(\.isGroupable) == set([.choice]))
        #expect(all.filter(\.isPersonalData) == set([.person, .name, .residentID]))
    }

    @Test("default states: 待办 / 进行中 / 已完成, only the last final")
    func defaultStates() {
        #expect(LedgerState.defaults.map(\.name) == ["待办", "进行中", "已完成"])
        #expect(LedgerState.defaults.map(\.code) == ["todo", "in_progress", "done"])
        #expect(LedgerState.defaults.map(\.final) == [false, false, true])
        for state in LedgerState.defaults { #expect(LedgerCode.isValid(state.code)) }
    }
}
