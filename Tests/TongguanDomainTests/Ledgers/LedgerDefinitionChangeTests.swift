import Testing

@testable import TongguanDomain

@Suite("LedgerDefinitionChange.between")
struct LedgerDefinitionChangeTests {
    typealias F = LedgerFixtures
    let old = F.definition()

    func changed(_ edit: (inout LedgerDefinition) -> Void) -> [LedgerDefinitionChange] {
        var new = old
        edit(&new)
        return LedgerDefinitionChange.between(old, new)
    }

    @Test("no change, no changes")
    func none() {
        #expect(LedgerDefinitionChange.between(old, old).isEmpty)
    }

    @Test("ledger-level changes")
    func ledger() {
        #expect(changed { $0.name = "新台账" } == [.renamed(from: "帮扶台账", to: "新台账")])
        #expect(changed { $0.description = "说明" } == [.describedAnew])
        #expect(changed { $0.divisionCode = F.linxian } == [.divisionChanged(from: F.lvliang, to: F.linxian)])
        #expect(changed { $0.hasDueDate = false } == [.dueDateToggled(false)])
        #expect(changed { $0.hasOwner = false } == [.ownerToggled(false)])
    }

    @Test("state changes")
    func states() {
        #expect(changed { $0.states.insert(LedgerState(code: "review", name: "审核中", final: false), at: 2) } == [.stateAdded(code: "review")])
        #expect(changed { $0.states.remove(at: 1) } == [.stateRemoved(code: "in_progress", name: "进行中")])
        #expect(changed { $0.states[1].name = "办理中" } == [.stateRenamed(code: "in_progress", from: "进行中", to: "办理中")])
        #expect(changed { $0.states[1].final = true } == [.stateFinalChanged(code: "in_progress", final: true)])
        #expect(changed { $0.states.swapAt(0, 1) } == [.statesReordered])
        // A changed code is a removal and an addition, not a reorder.
        #expect(changed { $0.states[1].code = "doing" } == [.stateRemoved(code: "in_progress", name: "进行中"), .stateAdded(code: "doing")])
    }

    @Test("field changes")
    func fields() {
        #expect(changed { $0.fields.append(F.field("extra", .text)) } == [.fieldAdded(key: "extra")])
        #expect(changed { $0.fields[1].listed = true } == [.listedChanged(key: "count", label: "数量", listed: true)])
        #expect(LedgerDefinitionChange.listedChanged(key: "count", label: "数量", listed: true).summary == "字段「数量」在列表中显示")
        #expect(changed { $0.fields.remove(at: 1) } == [.fieldRemoved(key: "count", label: "数量")])
        #expect(changed { $0.fields[1].label = "件数" } == [.fieldRelabelled(key: "count", from: "数量", to: "件数")])
        #expect(
            changed {
                $0.fields[1].type = .decimal; $0.fields[1].scale = 2
            } == [.fieldRetyped(key: "count", label: "数量", from: .integer, to: .decimal)])
        #expect(changed { $0.fields[6].options.append("医疗") } == [.optionsAdded(key: "kind", options: ["医疗"])])
        #expect(changed { $0.fields[6].options.removeFirst() } == [.optionsRemoved(key: "kind", label: "类别", options: ["产业"])])
        #expect(changed { $0.fields[6].options.swapAt(0, 2) } == [.optionsReordered(key: "kind")])
        #expect(
            changed { $0.fields[6].options[0] = "产业发展" } == [
                .optionsAdded(key: "kind", options: ["产业发展"]), .optionsRemoved(key: "kind", label: "类别", options: ["产业"]),
            ])
        #expect(changed { $0.fields[2].scale = 4 } == [.scaleChanged(key: "area", label: "面积", from: 2, to: 4)])
        #expect(changed { $0.fields[1].required = true } == [.requiredChanged(key: "count", label: "数量", required: true)])
        #expect(changed { $0.fields[0].unique = false } == [.uniqueChanged(key: "title", label: "事项", unique: false)])
        #expect(changed { $0.fields[1].archived = true } == [.archivedChanged(key: "count", archived: true)])
        #expect(changed { $0.fields.swapAt(0, 1) } == [.fieldsReordered])
        #expect(changed { $0.fields[1].key = "amount_count" } == [.fieldRemoved(key: "count", label: "数量"), .fieldAdded(key: "amount_count")])
    }

    @Test("a retyped field reports the retyping, not its options or scale")
    func retypeOnly() {
        let changes = changed {
            $0.fields[6].type = .multiChoice; $0.fields[6].options = ["甲"]
        }
        #expect(changes == [.fieldRetyped(key: "kind", label: "类别", from: .choice, to: .multiChoice)])
    }

    @Test("several changes at once, in a stable order")
    func several() {
        let changes = changed {
            $0.name = "新"
            $0.states[0].name = "未开始"
            $0.fields[0].label = "事项名称"
            $0.fields.append(F.field("extra", .bool))
        }
        #expect(changes.map(\.kind) == ["renamed", "state_renamed", "field_relabelled", "field_added"])
    }

    @Test("every change has a stable kind and a Chinese summary")
    func kindsAndSummaries() {
        let all: [LedgerDefinitionChange] = [
            .renamed(from: "甲", to: "乙"), .describedAnew, .divisionChanged(from: F.lvliang, to: F.linxian), .dueDateToggled(true),
            .ownerToggled(false), .stateAdded(code: "a1"), .stateRemoved(code: "a1", name: "甲"), .stateRenamed(code: "a1", from: "甲", to: "乙"),
            .stateFinalChanged(code: "a1", final: true), .statesReordered, .fieldAdded(key: "k1"), .fieldRemoved(key: "k1", label: "甲"),
            .fieldRelabelled(key: "k1", from: "甲", to: "乙"), .fieldRetyped(key: "k1", label: "甲", from: .text, to: .integer),
            .optionsAdded(key: "k1", options: ["x", "y"]), .optionsRemoved(key: "k1", label: "甲", options: ["x"]), .optionsReordered(key: "k1"),
            .scaleChanged(key: "k1", label: "甲", from: 2, to: nil), .requiredChanged(key: "k1", label: "甲", required: true),
            .uniqueChanged(key: "k1", label: "甲", unique: false), .archivedChanged(key: "k1", archived: true), .fieldsReordered,
        ]
        #expect(Set(all.map(\.kind)).count == all.count)
        for change in all {
            #expect(LedgerCode.isValid(change.kind))
            #expect(!change.summary.isEmpty)
        }
        #expect(LedgerDefinitionChange.optionsAdded(key: "k1", options: ["x", "y"]).summary == "字段 k1 新增选项:x、y")
        #expect(LedgerDefinitionChange.fieldRetyped(key: "k1", label: "甲", from: .text, to: .integer).summary == "字段「甲」的类型由文本改为整数")
        #expect(LedgerDefinitionChange.scaleChanged(key: "k1", label: "甲", from: 2, to: nil).summary == "字段「甲」的小数位数由2改为无")
        #expect(LedgerDefinitionChange.dueDateToggled(true).summary == "开启截止日期")
    }
}
