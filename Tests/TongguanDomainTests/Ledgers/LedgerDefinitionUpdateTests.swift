import Testing

@testable import TongguanDomain

@Suite("LedgerDefinitionUpdate: which changes existing items allow")
struct LedgerDefinitionUpdateTests {
    typealias F = LedgerFixtures
    let old = F.definition()

    func update(_ edit: (inout LedgerDefinition) -> Void) throws(Refusal) -> LedgerDefinitionUpdate {
        var new = old
        edit(&new)
        return try LedgerDefinitionUpdate(from: old, to: new)
    }

    func refusal(_ update: LedgerDefinitionUpdate, _ counts: [LedgerUsageQuery: Int]) -> Refusal? {
        do {
            _ = try update.decide { counts[$0] ?? 0 }
            Issue.record("expected a refusal")
            return nil
        } catch {
            return error
        }
    }

    @Test("safe changes need no count and always pass")
    func safe() throws {
        let u = try update {
            $0.name = "新名称"
            $0.description = "说明"
            $0.fields[0].label = "事项名称"
            $0.fields[6].options.append("医疗")
            $0.states.insert(LedgerState(code: "review", name: "审核中", final: false), at: 2)
            $0.fields.append(F.field("extra", .text, unique: true))
            $0.fields[1].archived = true
            $0.fields[3].listed = true
            $0.fields[0].required = false
            $0.fields[0].unique = false
            $0.fields[2].scale = 4
            $0.hasOwner = false
            $0.divisionCode = DivisionCode("140000")!
        }
        #expect(u.queries.isEmpty)
        #expect(try u.decide { _ in 1000 } == u.changes)
        #expect(u.changes.count == 13)
    }

    @Test("the code never changes, and the new definition must be valid")
    func codeAndValidity() {
        var new = old
        new.code = "other"
        new.fields[0].label = ""
        do {
            _ = try LedgerDefinitionUpdate(from: old, to: new)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.problems.first == FieldProblem(field: "code", message: "台账代码创建后不能修改"))
            #expect(error.problems.contains { $0.field == "fields.0.label" })
        }
    }

    @Test("removing or retyping a field that holds values is refused with the count")
    func removeOrRetype() throws {
        let removal = try update { $0.fields.remove(at: 1) }
        #expect(removal.queries == [.valuesPresent(key: "count")])
        #expect(try removal.decide { _ in 0 } == [.fieldRemoved(key: "count", label: "数量")])
        let r = refusal(removal, [.valuesPresent(key: "count"): 12])
        #expect(r?.kind == .conflict)
        #expect(r?.problems == [FieldProblem(field: "fields", message: "字段「数量」已有 12 条记录填写,不能删除或改类型,请改为归档")])
        #expect(r?.message == "字段「数量」已有 12 条记录填写,不能删除或改类型,请改为归档")

        let retype = try update { $0.fields[1].type = .text }
        #expect(retype.queries == [.valuesPresent(key: "count")])
        #expect(
            refusal(retype, [.valuesPresent(key: "count"): 1])?.problems
                == [FieldProblem(field: "fields.1.type", message: "字段「数量」已有 1 条记录填写,不能删除或改类型,请改为归档")])
        _ = try retype.decide { _ in 0 }
    }

    @Test("removing options that items use")
    func options() throws {
        let u = try update { $0.fields[6].options = ["教育"] }
        #expect(u.queries == [.optionUsed(key: "kind", option: "产业"), .optionUsed(key: "kind", option: "就业")])
        let r = refusal(u, [.optionUsed(key: "kind", option: "就业"): 3])
        #expect(r?.problems == [FieldProblem(field: "fields.6.options", message: "字段「类别」的选项「就业」已有 3 条记录使用,不能删除")])
        let both = refusal(u, [.optionUsed(key: "kind", option: "产业"): 1, .optionUsed(key: "kind", option: "就业"): 2])
        #expect(both?.problems.count == 2)
        #expect(both?.message == "字段「类别」的选项「产业」已有 1 条记录使用,不能删除;字段「类别」的选项「就业」已有 2 条记录使用,不能删除")
    }

    @Test("removing a state that items are in")
    func states() throws {
        let u = try update { $0.states.remove(at: 1) }
        #expect(u.queries == [.itemsInState(code: "in_progress")])
        #expect(refusal(u, [.itemsInState(code: "in_progress"): 5])?.problems == [FieldProblem(field: "states", message: "状态「进行中」下还有 5 条记录,不能删除")])
        _ = try u.decide { _ in 0 }
    }

    @Test("reducing a decimal's scale below values in use")
    func scale() throws {
        let u = try update { $0.fields[2].scale = 1 }
        #expect(u.queries == [.decimalsBeyond(key: "area", scale: 1)])
        #expect(
            refusal(u, [.decimalsBeyond(key: "area", scale: 1): 2])?.problems
                == [FieldProblem(field: "fields.2.scale", message: "字段「面积」有 2 条记录的小数超过 1 位,不能减少小数位数")])
        _ = try u.decide { _ in 0 }
    }

    @Test("making a field required or unique")
    func requiredAndUnique() throws {
        let required = try update { $0.fields[1].required = true }
        #expect(required.queries == [.valuesMissing(key: "count")])
        #expect(
            refusal(required, [.valuesMissing(key: "count"): 4])?.problems
                == [FieldProblem(field: "fields.1.required", message: "字段「数量」有 4 条记录未填写,不能设为必填")])
        let unique = try update { $0.fields[1].unique = true }
        #expect(unique.queries == [.duplicatedValues(key: "count")])
        #expect(
            refusal(unique, [.duplicatedValues(key: "count"): 6])?.problems
                == [FieldProblem(field: "fields.1.unique", message: "字段「数量」有 6 条记录的值与其他记录重复,不能设为唯一")])
        _ = try unique.decide { _ in 0 }
    }

    @Test("a new required field needs every existing item to have it")
    func newRequired() throws {
        let u = try update { $0.fields.append(F.field("extra", .text, label: "新增", required: true, unique: true)) }
        #expect(u.queries == [.valuesMissing(key: "extra")])
        #expect(
            refusal(u, [.valuesMissing(key: "extra"): 9])?.problems
                == [FieldProblem(field: "fields.12.required", message: "已有 9 条记录,新增的必填字段「新增」在这些记录中没有值,请先设为选填,补齐后再设为必填")])
        _ = try u.decide { _ in 0 }
    }

    @Test("unarchiving a required or unique field binds it again")
    func unarchive() throws {
        var archivedOld = old
        archivedOld.fields[1].archived = true
        archivedOld.fields[1].required = true
        archivedOld.fields[1].unique = true
        var new = archivedOld
        new.fields[1].archived = false
        let u = try LedgerDefinitionUpdate(from: archivedOld, to: new)
        #expect(Set(u.queries) == [.valuesMissing(key: "count"), .duplicatedValues(key: "count")])
        // Staying archived binds nothing.
        var still = archivedOld
        still.fields[1].label = "件数"
        #expect(try LedgerDefinitionUpdate(from: archivedOld, to: still).queries.isEmpty)
    }

    @Test("moving the ledger to a division that does not contain the old one")
    func division() throws {
        let narrower = try update { $0.divisionCode = F.linxian }
        #expect(narrower.queries == [.outsideDivision(code: F.linxian)])
        #expect(
            refusal(narrower, [.outsideDivision(code: F.linxian): 7])?.problems
                == [FieldProblem(field: "division_code", message: "有 7 条记录的区划不在 141124 之内,不能把台账改属该区划")])
        _ = try narrower.decide { _ in 0 }
        #expect(try update { $0.divisionCode = DivisionCode("140000")! }.queries.isEmpty)
    }

    @Test("every blocked change is reported at once")
    func all() throws {
        let u = try update {
            $0.fields.remove(at: 1)
            $0.states.remove(at: 1)
            $0.fields[5].options = ["产业"]
        }
        let r = refusal(u, [.valuesPresent(key: "count"): 1, .itemsInState(code: "in_progress"): 2, .optionUsed(key: "kind", option: "教育"): 3])
        #expect(r?.problems.map(\.field) == ["states", "fields", "fields.5.options"])
    }

    @Test("counts over items in memory")
    func counts() {
        let items = [
            F.item(["count": .integer(1), "kind": .choice("产业"), "tags": .multiChoice(["重点"]), "area": .decimal(F.dec("1.25"))]),
            F.item(
                ["count": .integer(1), "kind": .choice("就业"), "tags": .multiChoice(["重点", "长期"]), "area": .decimal(F.dec("1.2"))], state: "done"),
            F.item(["count": .integer(2)], division: F.fenyang),
            F.item([:], division: DivisionCode("141124100201")!),
        ]
        #expect(LedgerUsageQuery.valuesPresent(key: "count").count(in: items) == 3)
        #expect(LedgerUsageQuery.valuesMissing(key: "count").count(in: items) == 1)
        #expect(LedgerUsageQuery.optionUsed(key: "kind", option: "产业").count(in: items) == 1)
        #expect(LedgerUsageQuery.optionUsed(key: "tags", option: "重点").count(in: items) == 2)
        #expect(LedgerUsageQuery.optionUsed(key: "tags", option: "紧急").count(in: items) == 0)
        #expect(LedgerUsageQuery.itemsInState(code: "done").count(in: items) == 1)
        #expect(LedgerUsageQuery.decimalsBeyond(key: "area", scale: 1).count(in: items) == 1)
        #expect(LedgerUsageQuery.decimalsBeyond(key: "area", scale: 0).count(in: items) == 2)
        #expect(LedgerUsageQuery.duplicatedValues(key: "count").count(in: items) == 2)
        #expect(LedgerUsageQuery.outsideDivision(code: F.linxian).count(in: items) == 1)
    }

    @Test("end to end: removing a field that one item fills")
    func endToEnd() throws {
        let items = [F.item(["title": .text("甲"), "count": .integer(3)]), F.item(["title": .text("乙")])]
        let u = try update { $0.fields.remove(at: 1) }
        do {
            _ = try u.decide { $0.count(in: items) }
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message == "字段「数量」已有 1 条记录填写,不能删除或改类型,请改为归档")
        }
        let archive = try update { $0.fields[1].archived = true }
        #expect(try archive.decide { $0.count(in: items) } == [.archivedChanged(key: "count", archived: true)])
    }
}
