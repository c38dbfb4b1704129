import Foundation
import Testing

@testable import TongguanDomain

@Suite("Open311 service definitions and answers")
struct Open311ServiceTests {
    static let lamp = Open311Service(
        code: "street-light", name: "路灯不亮", description: "路灯损坏或夜间不亮", group: "市政", keywords: ["路灯", "照明"],
        kind: .complaint,
        attributes: [
            .init(code: "pole", datatype: .string, required: true, description: "灯杆编号", order: 2),
            .init(
                code: "since", datatype: .datetime, required: false, description: "何时开始不亮", datatypeDescription: "带时区", order: 1),
            .init(code: "count", datatype: .number, required: false, description: "几盏", order: 3),
            .init(
                code: "kind", datatype: .singlevaluelist, required: true, description: "灯的种类", order: 4,
                values: [.init(key: "led", name: "LED灯"), .init(key: "sodium", name: "钠灯")]),
            .init(
                code: "hours", datatype: .multivaluelist, required: false, description: "不亮的时段", order: 5,
                values: [.init(key: "dusk", name: "傍晚"), .init(key: "night", name: "深夜")]),
            .init(code: "note", datatype: .text, required: false, description: "补充说明", order: 6),
        ])

    func fields(_ problems: [FieldProblem]) -> [String] { problems.map(\.field) }

    @Test("codes: 1–32 ASCII letters, digits, - and _")
    func codes() {
        for ok in ["a", "A9", "street-light", "x_y", String(repeating: "z", count: 32)] { #expect(Open311Service.isCode(ok), "\(ok)") }
        for bad in ["", String(repeating: "z", count: 33), "路灯", "a b", "a/b", "a.b", "é", "a?"] {
            #expect(!Open311Service.isCode(bad), "\(bad)")
        }
    }

    @Test("a sound definition has no problem; metadata follows its attributes")
    func soundDefinition() {
        #expect(Self.lamp.problems().isEmpty)
        #expect(Self.lamp.metadata)
        var bare = Self.lamp
        bare.attributes = []
        #expect(!bare.metadata)
        #expect(bare.problems().isEmpty)
    }

    @Test("every problem of a definition at once, by field path")
    func definitionProblems() {
        var s = Self.lamp
        s.code = "路灯"
        s.name = ""
        s.group = String(repeating: "组", count: Open311Service.maxNameLength + 1)
        s.keywords = ["好", "a,b", ""]
        s.kind = .appeal
        s.attributes[1].code = "pole"  // the second attribute repeats the first's code
        s.attributes[1].order = 0
        s.attributes[2].values = [.init(key: "x", name: "X")]  // a number with choices
        s.attributes[3].values = []  // a list without choices
        s.attributes[4].values = [.init(key: "dusk", name: "傍晚"), .init(key: "dusk", name: ""), .init(key: "?", name: "问")]
        let problems = s.problems()
        #expect(
            fields(problems) == [
                "code", "name", "group", "keywords[1]", "keywords[2]", "kind", "attributes[1].code", "attributes[1].order",
                "attributes[2].values", "attributes[3].values", "attributes[4].values[1].key", "attributes[4].values[1].name",
                "attributes[4].values[2].key",
            ])
        #expect(problems.first { $0.field == "kind" }?.message == "类别应为 咨询、投诉、求助、建议、举报")
        #expect(problems.first { $0.field == "attributes[1].code" }?.message == "属性代码重复")
        #expect(problems.first { $0.field == "attributes[3].values" }?.message == "选择题至少要有一个选项")
    }

    @Test("limits: names, descriptions, keywords, attributes and choices")
    func limits() {
        var s = Self.lamp
        s.name = String(repeating: "名", count: Open311Service.maxNameLength)
        s.description = String(repeating: "说", count: Open311Service.maxDescriptionLength)
        s.keywords = (0..<Open311Service.maxKeywords).map { "词\($0)" }
        #expect(s.problems().isEmpty)
        s.name += "名"
        s.description += "说"
        s.keywords.append("多")
        s.attributes = (0...Open311Service.maxAttributes).map {
            .init(code: "a\($0)", datatype: .string, required: false, description: "问\($0)", order: $0 + 1)
        }
        #expect(fields(s.problems()) == ["name", "description", "keywords", "attributes"])
        var lists = Self.lamp
        lists.attributes[3].values = (0...Open311Service.maxValues).map { .init(key: "v\($0)", name: "选项\($0)") }
        #expect(fields(lists.problems()) == ["attributes[3].values"])
    }

    @Test("a control character in a name is refused without repeating it")
    func controlCharacters() {
        var s = Self.lamp
        s.name = "路灯\u{7}不亮"
        s.attributes[0].description = "灯杆\n编号"
        let problems = s.problems()
        #expect(fields(problems) == ["name", "attributes[0].description"])
        #expect(problems.map { String($0.message.prefix(3)) } == ["名称:", "问题:"])
        #expect(problems.allSatisfy { !$0.message.contains("\u{7}") && !$0.message.contains("灯杆") })
    }

    @Test("answers: checked in the definition's order, list answers shown by name")
    func goodAnswers() {
        let (answers, problems) = Self.lamp.check(answers: [
            "pole": [" LD-0012 "], "since": ["2026-11-28T19:30:00+08:00"], "count": ["3"], "kind": ["led"],
            "hours": ["dusk", "night"], "note": ["第一行\n第二行"],
        ])
        #expect(problems.isEmpty)
        #expect(answers.map(\.attribute.code) == ["since", "pole", "count", "kind", "hours", "note"])
        #expect(answers[1].values == ["LD-0012"])
        #expect(answers[3].line == "灯的种类:LED灯")
        #expect(answers[4].line == "不亮的时段:傍晚、深夜")
        #expect(answers[1].line == "灯杆编号:LD-0012")
    }

    @Test("answers: every problem at once, named attribute[code], never echoing the value")
    func badAnswers() {
        let secret = "13912345678"
        let (answers, problems) = Self.lamp.check(answers: [
            "pole": ["  "], "since": ["2026-11-28T19:30:00"], "count": ["1e999"], "kind": ["led", "sodium"],
            "hours": ["dusk", secret], "note": [String(repeating: "长", count: Open311Service.maxTextAnswerLength + 1)],
            "colour": ["red"],
        ])
        #expect(answers.isEmpty)
        #expect(
            fields(problems) == [
                "attribute[colour]", "attribute[since]", "attribute[pole]", "attribute[count]", "attribute[kind]", "attribute[hours]",
                "attribute[note]",
            ])
        let message = Dictionary(problems.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(message["attribute[colour]"] == "该服务没有此属性")
        #expect(message["attribute[pole]"] == "请回答「灯杆编号」")
        #expect(message["attribute[count]"] == "应为数字")
        #expect(message["attribute[kind]"] == "「灯的种类」只能有一个值")
        #expect(message["attribute[hours]"] == "应为 dusk、night 之一")
        #expect(problems.allSatisfy { !$0.message.contains(secret) })
    }

    @Test("numbers: finite decimals only, at most 40 characters")
    func numbers() {
        for ok in ["0", "-2", "3.25", "1e3", ".5", String(repeating: "9", count: 40)] {
            #expect(Self.lamp.check(answers: ["pole": ["p"], "kind": ["led"], "count": [ok]]).1.isEmpty, "\(ok)")
        }
        for bad in ["nan", "inf", "-inf", "1e999", "三", "1,000", "0x10", String(repeating: "9", count: 41)] {
            #expect(fields(Self.lamp.check(answers: ["pole": ["p"], "kind": ["led"], "count": [bad]]).1) == ["attribute[count]"], "\(bad)")
        }
    }

    @Test("string answers: at most 200 characters, one line")
    func strings() {
        let ok = String(repeating: "字", count: Open311Service.maxAnswerLength)
        #expect(Self.lamp.check(answers: ["pole": [ok], "kind": ["led"]]).1.isEmpty)
        #expect(fields(Self.lamp.check(answers: ["pole": [ok + "字"], "kind": ["led"]]).1) == ["attribute[pole]"])
        #expect(fields(Self.lamp.check(answers: ["pole": ["a\nb"], "kind": ["led"]]).1) == ["attribute[pole]"])
    }
}

@Suite("W3C date-times at Beijing time")
struct W3CDateTimeTests {
    @Test("format writes +08:00 and reads back the same instant")
    func formatRoundTrip() {
        let instant = Date(timeIntervalSince1970: 1_794_995_200)  // 2026-11-18T09:46:40Z
        #expect(W3CDateTime.format(instant) == "2026-11-18T17:46:40+08:00")
        #expect(W3CDateTime.parse(W3CDateTime.format(instant)) == instant)
        #expect(W3CDateTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T08:00:00+08:00")
    }

    @Test("parse: any zone, fractional seconds, surrounding spaces; never a zoneless time")
    func parse() {
        let instant = Date(timeIntervalSince1970: 1_794_995_200)
        #expect(W3CDateTime.parse("2026-11-18T09:46:40Z") == instant)
        #expect(W3CDateTime.parse(" 2026-11-18T17:46:40+08:00 ") == instant)
        #expect(W3CDateTime.parse("2026-11-18T04:46:40-05:00") == instant)
        #expect(W3CDateTime.parse("2026-11-18T09:46:40.250Z") == instant.addingTimeInterval(0.25))
        #expect(W3CDateTime.parse("2028-02-29T12:00:00+08:00") != nil)
        #expect(W3CDateTime.parse("2026-11-18T23:59:59+14:00") != nil)
        for bad in [
            "", "2026-11-18", "2026-11-18T17:46:40", "2026-11-18 17:46:40+08:00", "昨天晚上七点", "2026-11-18T17:46+08:00",
            "2026-11-18T17:46:40+08:00" + String(repeating: "0", count: 20), "2026-02-30T10:00:00+08:00", "2026-13-01T10:00:00+08:00",
            "2026-11-18T24:30:00+08:00", "2026-11-18T10:60:00+08:00", "2026-11-18T10:00:60+08:00", "2026-11-18T10:00:00+15:00",
            "2026-11-18T10:00:00+08:60", "2026-11-18T10:00:00+0800", "２０２６-11-18T10:00:00+08:00",
        ] {
            #expect(W3CDateTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("a day's bounds and the Beijing day of an instant")
    func days() {
        let day = CivilDate(year: 2026, month: 11, day: 29)!
        #expect(W3CDateTime.startOfDay(day) == "2026-11-29T00:00:00+08:00")
        #expect(W3CDateTime.endOfDay(day) == "2026-11-29T23:59:59+08:00")
        let start = W3CDateTime.parse(W3CDateTime.startOfDay(day))!
        let end = W3CDateTime.parse(W3CDateTime.endOfDay(day))!
        #expect(W3CDateTime.day(of: start) == day)
        #expect(W3CDateTime.day(of: end) == day)
        #expect(W3CDateTime.day(of: start.addingTimeInterval(-1)) == CivilDate(year: 2026, month: 11, day: 28)!)
        #expect(W3CDateTime.day(of: end.addingTimeInterval(1)) == CivilDate(year: 2026, month: 11, day: 30)!)
        // 16:00 UTC is already the next day in Beijing; before 1970 rounds down, not toward zero.
        #expect(W3CDateTime.day(of: W3CDateTime.parse("2026-11-29T16:00:00Z")!) == CivilDate(year: 2026, month: 11, day: 30)!)
        #expect(W3CDateTime.day(of: W3CDateTime.parse("1969-12-31T15:59:59Z")!) == CivilDate(year: 1969, month: 12, day: 31)!)
    }
}
