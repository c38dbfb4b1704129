import Foundation
import Testing

@testable import TongguanDomain

@Suite("LedgerDefinition JSON")
struct LedgerDefinitionJSONTests {
    typealias F = LedgerFixtures

    func parse(_ json: String) throws -> LedgerDefinition {
        try LedgerDefinition(json: JSONDecoder().decode(LedgerInput.self, from: Data(json.utf8)))
    }

    func problems(_ json: String) -> [String: [String]] {
        do {
            _ = try parse(json)
            Issue.record("expected problems")
            return [:]
        } catch let failure as ValidationFailure {
            return Dictionary(grouping: failure.problems, by: \.field).mapValues { $0.map(\.message) }
        } catch {
            Issue.record("unexpected \(error)")
            return [:]
        }
    }

    @Test("a minimal definition takes the defaults")
    func defaults() throws {
        let d = try parse(
            #"{"code": "visits", "name": " 走访台账 ", "division_code": "141124", "fields": [{"key": "note", "label": "记录", "type": "text"}]}"#)
        #expect(d.code == "visits")
        #expect(d.name == "走访台账")
        #expect(d.description == "")
        #expect(d.divisionCode.rawValue == "141124")
        #expect(d.states == LedgerState.defaults)
        #expect(!d.hasDueDate && !d.hasOwner)
        #expect(d.fields == [LedgerField(key: "note", label: "记录", type: .text)])
    }

    @Test("every member is read, unknown members are ignored")
    func full() throws {
        let d = try parse(
            #"""
            {"code": "funds", "name": "资金台账", "description": "第一行\r\n第二行", "division_code": "141100", "version": 3,
             "states": [{"code": "open", "name": "办理中"}, {"code": "closed", "name": "办结", "final": true}],
             "has_due_date": true, "has_owner": true,
             "fields": [{"key": "amount", "label": "金额", "type": "money", "required": true, "unique": false, "options": null, "scale": null},
                        {"key": "rate", "label": "比例", "type": "decimal", "scale": 4, "archived": true},
                        {"key": "kind", "label": "类别", "type": "choice", "options": [" 甲 ", "乙"], "listed": true}]}
            """#)
        #expect(d.description == "第一行\n第二行")
        #expect(d.states.map(\.final) == [false, true])
        #expect(d.hasDueDate && d.hasOwner)
        #expect(d.fields[0] == LedgerField(key: "amount", label: "金额", type: .money, required: true))
        #expect(d.fields[1] == LedgerField(key: "rate", label: "比例", type: .decimal, scale: 4, archived: true))
        #expect(d.fields[2].options == ["甲", "乙"])
        #expect(d.fields.map(\.listed) == [false, false, true])
    }

    @Test("the output is the input shape and reads back to the same definition")
    func roundTrip() throws {
        let d = F.definition()
        #expect(try LedgerDefinition(json: d.json) == d)
        let data = try JSONEncoder().encode(d)
        #expect(try JSONDecoder().decode(LedgerDefinition.self, from: data) == d)
        guard case .object(let members) = d.json else { Issue.record("not an object"); return }
        #expect(Set(members.keys) == ["code", "name", "description", "division_code", "states", "has_due_date", "has_owner", "fields"])
        #expect(
            F.fields[2].json
                == .object([
                    "key": .string("area"), "label": .string("面积"), "type": .string("decimal"),
                    "required": .bool(false), "unique": .bool(false), "options": .array([]),
                    "scale": .integer(2), "archived": .bool(false), "listed": .bool(false),
                ]))
        #expect(F.fields[0].json["scale"] == .null)
    }

    @Test("not an object")
    func notObject() {
        #expect(problems("[]") == ["definition": ["应为对象,收到的是数组"]])
        #expect(problems("null") == ["definition": ["不能为空"]])
    }

    @Test("wrong JSON types are reported at their paths, once")
    func wrongTypes() {
        let found = problems(
            #"""
            {"code": 5, "name": ["x"], "description": 1, "division_code": "14112", "states": {}, "has_due_date": "yes",
             "has_owner": 1, "fields": [{"key": "a1", "label": "甲", "type": "text", "required": "no", "unique": 0, "options": "x", "scale": "2", "archived": null}]}
            """#)
        #expect(found["code"] == ["应为文本,收到的是数字"])
        #expect(found["name"] == ["应为文本,收到的是数组"])
        #expect(found["description"] == ["应为文本,收到的是数字"])
        #expect(found["division_code"] == [DivisionCode.Problem.badLength(5).message])
        #expect(found["states"] == ["应为数组,收到的是对象"])
        #expect(found["has_due_date"] == ["应为 true 或 false,收到的是文本"])
        #expect(found["has_owner"] == ["应为 true 或 false,收到的是数字"])
        #expect(found["fields.0.required"] == ["应为 true 或 false,收到的是文本"])
        #expect(found["fields.0.unique"] == ["应为 true 或 false,收到的是数字"])
        #expect(found["fields.0.options"] == ["应为数组,收到的是文本"])
        #expect(found["fields.0.scale"] == ["应为整数,收到的是文本"])
        #expect(found["fields.0.archived"] == nil)
    }

    @Test("missing required members")
    func missing() {
        let found = problems("{}")
        #expect(found["code"] == ["不能为空"])
        #expect(found["name"] == ["不能为空"])
        #expect(found["division_code"] == ["不能为空"])
        #expect(found["fields"] == ["至少需要一个未归档的字段"])
        #expect(found.count == 4)
    }

    @Test("an unknown type is named once, without follow-on option or scale problems")
    func unknownType() {
        let found = problems(
            #"{"code": "aa", "name": "甲", "division_code": "141100", "fields": [{"key": "a1", "label": "甲", "type": "float", "options": ["x"], "scale": 2}]}"#
        )
        #expect(found.keys.sorted() == ["fields.0.type"])
        #expect(found["fields.0.type"]?.first?.hasPrefix("未知的字段类型「float」,可选:text, integer") == true)
        let missingType = problems(#"{"code": "aa", "name": "甲", "division_code": "141100", "fields": [{"key": "a1", "label": "甲"}]}"#)
        #expect(missingType == ["fields.0.type": ["不能为空"]])
    }

    @Test("states and fields that are not objects")
    func nonObjects() {
        let found = problems(
            #"{"code": "aa", "name": "甲", "division_code": "141100", "states": [1, {"code": "done", "name": "完成", "final": true}], "fields": ["x", {"key": "a1", "label": "甲", "type": "text"}]}"#
        )
        #expect(found["states.0"] == ["应为对象,收到的是数字"])
        #expect(found["fields.0"] == ["应为对象,收到的是文本"])
        #expect(found["states.0.code"] == nil)
        #expect(found["fields.0.key"] == nil)
    }

    @Test("text policy applies to names, labels, options and state names")
    func textPolicy() {
        let found = problems(
            "{\"code\": \"aa\", \"name\": \"甲\\u0007\", \"division_code\": \"141100\", \"states\": [{\"code\": \"open\", \"name\": \"开\\u202e\"}, {\"code\": \"done\", \"name\": \"完成\", \"final\": true}], \"fields\": [{\"key\": \"a1\", \"label\": \"标\\u0000签\", \"type\": \"choice\", \"options\": [\"x\\u0008\"]}]}"
        )
        #expect(found["name"]?.first?.contains("控制字符") == true)
        #expect(found["states.0.name"]?.first?.contains("文字方向控制字符") == true)
        #expect(found["fields.0.label"]?.first?.contains("控制字符") == true)
        #expect(found["fields.0.options.0"]?.first?.contains("控制字符") == true)
        for messages in found.values { #expect(messages.count == 1) }
    }

    @Test("rules on the whole definition are reported with the reading problems")
    func combined() {
        let found = problems(
            #"{"code": "A", "name": "甲", "division_code": "141100", "has_owner": "x", "fields": [{"key": "a1", "label": "区划代码", "type": "bool", "unique": true}]}"#
        )
        #expect(found["code"] != nil)
        #expect(found["has_owner"] != nil)
        #expect(found["fields.0.label"] == ["表格列名「区划代码」与固定列「区划代码」重名"])
        #expect(found["fields.0.unique"] == ["是/否字段不能设为唯一"])
    }

    @Test("an out-of-range scale reaches the range rule")
    func hugeScale() {
        let found = problems(
            #"{"code": "aa", "name": "甲", "division_code": "141100", "fields": [{"key": "a1", "label": "甲", "type": "decimal", "scale": 99999999999999}]}"#
        )
        #expect(found["fields.0.scale"] == ["小数位数应为0到6"])
    }
}
