import Testing

@testable import TongguanDomain

@Suite("LedgerValues: a whole set against the definition")
struct LedgerValuesTests {
    typealias F = LedgerFixtures

    func failure(_ body: () throws -> Void) -> [String: [String]] {
        do {
            try body()
            Issue.record("expected problems")
        } catch let failure as ValidationFailure {
            return Dictionary(grouping: failure.problems, by: \.field).mapValues { $0.map(\.message) }
        } catch {
            Issue.record("unexpected \(error)")
        }
        return [:]
    }

    @Test("a full set parses")
    func full() throws {
        let values = try LedgerValues.parse(
            json: [
                "title": .string("修路"), "count": .integer(3), "area": .string("1.5"), "amount": .integer(100),
                "signed_on": .string("2024-03-01"), "funded": .bool(true), "kind": .string("产业"),
                "tags": .array([.string("重点")]), "village": .string("141124100201"), "unit": .string("u1"),
                "contact": .object(["name": .string("张三"), "phone": .string("13800001111")]), "id_number": .string(F.validID),
            ], definition: F.definition())
        #expect(values.count == 12)
        #expect(values["area"] == .decimal(F.dec("1.5")))
    }

    @Test("every problem is listed by field key: types, unknown keys, required")
    func everyProblem() {
        let found = failure {
            _ = try LedgerValues.parse(
                json: ["count": .string("x"), "zzz": .integer(1), "aaa": .null, "tags": .array([.string("无")])],
                definition: F.definition())
        }
        #expect(found["count"] == ["应为整数,收到的是文本"])
        #expect(found["zzz"] == ["没有这个字段"])
        #expect(found["aaa"] == ["没有这个字段"])
        #expect(found["tags"] == ["第1项不是可选项,可选:重点、紧急、长期"])
        #expect(found["title"] == ["「事项」为必填项,不能为空"])
        #expect(found.count == 5)
    }

    @Test("a required field with a bad value is reported once, for its value")
    func requiredAndBad() {
        let found = failure { _ = try LedgerValues.parse(json: ["title": .integer(1)], definition: F.definition()) }
        #expect(found["title"] == ["应为文本,收到的是数字"])
    }

    @Test("a blank value of a required field is missing")
    func requiredBlank() {
        let found = failure { _ = try LedgerValues.parse(json: ["title": .string("  ")], definition: F.definition()) }
        #expect(found["title"] == ["「事项」为必填项,不能为空"])
    }

    @Test("archived fields keep their stored values and cannot be changed")
    func archived() throws {
        var fields = F.fields
        fields[1].archived = true
        fields[1].required = true
        let definition = F.definition(fields: fields)
        let existing: LedgerValueMap = ["title": .text("旧"), "count": .integer(7)]
        // Left out: kept. Sent back unchanged: kept. Archived and required: not demanded.
        var values = try LedgerValues.parse(json: ["title": .string("新")], definition: definition, existing: existing)
        #expect(values == ["title": .text("新"), "count": .integer(7)])
        values = try LedgerValues.parse(json: ["title": .string("新"), "count": .integer(7)], definition: definition, existing: existing)
        #expect(values["count"] == .integer(7))
        values = try LedgerValues.parse(json: ["title": .string("新"), "count": .null], definition: definition, existing: existing)
        #expect(values["count"] == .integer(7))
        var found = failure {
            _ = try LedgerValues.parse(json: ["title": .string("新"), "count": .integer(8)], definition: definition, existing: existing)
        }
        #expect(found == ["count": ["字段「数量」已归档,不能修改"]])
        found = failure {
            _ = try LedgerValues.parse(json: ["title": .string("新"), "count": .string("x")], definition: definition, existing: existing)
        }
        #expect(found == ["count": ["字段「数量」已归档,不能修改"]])
        found = failure { _ = try LedgerValues.parse(json: ["title": .string("新"), "count": .integer(1)], definition: definition) }
        #expect(found == ["count": ["字段「数量」已归档,不能修改"]])
    }

    @Test("a resident ID sent back masked keeps the stored number; another mask is refused")
    func maskedResidentID() throws {
        let existing: LedgerValueMap = ["title": .text("甲"), "id_number": .residentID(F.validID)]
        let values = try LedgerValues.parse(
            json: ["title": .string("甲"), "id_number": .string("110105********002X")],
            definition: F.definition(), existing: existing)
        #expect(values["id_number"] == .residentID(F.validID))
        let found = failure {
            _ = try LedgerValues.parse(
                json: ["title": .string("甲"), "id_number": .string("142302********0028")],
                definition: F.definition(), existing: existing)
        }
        #expect(found == ["id_number": [ResidentID.Problem.format.message]])
        let replaced = try LedgerValues.parse(
            json: ["title": .string("甲"), "id_number": .string(F.otherID)],
            definition: F.definition(), existing: existing)
        #expect(replaced["id_number"] == .residentID(F.otherID))
        let cleared = try LedgerValues.parse(json: ["title": .string("甲")], definition: F.definition(), existing: existing)
        #expect(cleared["id_number"] == nil)
    }

    @Test("stored values decode, unknown keys dropped, damaged values reported")
    func stored() {
        let (values, problems) = LedgerValues.decodeStored(
            [
                "title": .string("甲"), "amount": .integer(5), "gone": .integer(1), "kind": .string("已删除的选项"),
                "id_number": .string(F.validID),
            ], definition: F.definition())
        #expect(values == ["title": .text("甲"), "amount": .money(5), "id_number": .residentID(F.validID)])
        #expect(problems == [FieldProblem(field: "kind", message: "不是可选项,可选:产业、就业、教育")])
    }

    @Test("API values JSON masks resident IDs unless revealing")
    func json() {
        let values: LedgerValueMap = ["id_number": .residentID(F.validID), "amount": .money(5)]
        #expect(LedgerValues.json(values) == .object(["id_number": .string("110105********002X"), "amount": .integer(5)]))
        #expect(LedgerValues.json(values, revealing: true)["id_number"] == .string(F.validID))
    }

    @Test("the search document holds active text values, lower-cased, never resident IDs")
    func searchDocument() {
        var fields = F.fields
        fields[9].archived = true
        let values: LedgerValueMap = [
            "title": .text("Road 修路"), "unit": .unit("archived unit"), "kind": .choice("产业"),
            "id_number": .residentID(F.validID), "amount": .money(5),
        ]
        let document = LedgerValues.searchDocument(values, definition: F.definition(fields: fields))
        #expect(document == "road 修路\n产业")
    }

    @Test("duplicate refusal names the field, not the value")
    func duplicate() {
        let refusal = LedgerValues.duplicate(F.fields[0])
        #expect(refusal.kind == .conflict)
        #expect(refusal.message == "「事项」为唯一字段,已有其他记录使用了相同的值")
    }
}
