import Testing

@testable import TongguanDomain

@Suite("LedgerValue from API JSON")
struct LedgerValueJSONTests {
    typealias F = LedgerFixtures

    func field(_ key: String) -> LedgerField { F.definition().field(key)! }

    func value(_ key: String, _ input: LedgerInput) throws(LedgerValueFailure) -> LedgerValue? {
        try LedgerValue.parse(json: input, for: field(key))
    }

    func messages(_ key: String, _ input: LedgerInput) -> [String] {
        do {
            let v = try value(key, input)
            Issue.record("expected a problem, got \(String(describing: v))")
            return []
        } catch {
            return error.problems.map(\.message)
        }
    }

    @Test("null is absent for every type", arguments: LedgerFixtures.fields)
    func null(_ field: LedgerField) throws {
        #expect(try LedgerValue.parse(json: .null, for: field) == nil)
    }

    @Test("text: multi-line, trimmed, blank is absent, ≤ 2000")
    func text() throws {
        #expect(try value("title", .string("  第一行\r\n第二行 ")) == .text("第一行\n第二行"))
        #expect(try value("title", .string(" \u{3000} ")) == nil)
        #expect(try value("title", .string(String(repeating: "字", count: 2000))) != nil)
        #expect(messages("title", .string(String(repeating: "字", count: 2001))) == ["不能超过2000个字符"])
        #expect(messages("title", .string("a\u{7}")).first?.contains("控制字符") == true)
        #expect(messages("title", .integer(1)) == ["应为文本,收到的是数字"])
    }

    @Test("integer: JSON integers only")
    func integer() throws {
        #expect(try value("count", .integer(-5)) == .integer(-5))
        #expect(try value("count", .integer(Int64.max)) == .integer(Int64.max))
        #expect(messages("count", .string("5")) == ["应为整数,收到的是文本"])
        #expect(messages("count", .number("5.5")) == ["应为整数,收到的是数字"])
        #expect(messages("count", .bool(true)) == ["应为整数,收到的是布尔值"])
    }

    @Test("decimal: strings within the scale, or integers")
    func decimal() throws {
        #expect(try value("area", .string("12.50")) == .decimal(F.dec("12.5")))
        #expect(try value("area", .string("-0.01")) == .decimal(F.dec("-0.01")))
        #expect(try value("area", .integer(7)) == .decimal(LedgerDecimal(7)))
        #expect(try value("area", .string(" ")) == nil)
        #expect(messages("area", .string("1.234")) == ["最多保留2位小数"])
        #expect(messages("area", .string("1,234")) == ["应为数字,如 12 或 -3.25"])
        #expect(messages("area", .number("1.5")) == ["应为文本形式的小数(如 \"12.50\")或整数,收到的是数字"])
        #expect(messages("area", .string("99999999999999999999")) == ["数值超出范围"])
    }

    @Test("money: non-negative integer 分")
    func money() throws {
        #expect(try value("amount", .integer(123456)) == .money(123456))
        #expect(try value("amount", .integer(0)) == .money(0))
        #expect(messages("amount", .integer(-1)) == ["金额不能为负数"])
        #expect(messages("amount", .string("12.5")) == ["应为以分为单位的整数,收到的是文本"])
        #expect(messages("amount", .number("12.5")) == ["应为以分为单位的整数,收到的是数字"])
    }

    @Test("date: YYYY-MM-DD only")
    func date() throws {
        #expect(try value("signed_on", .string("2024-02-29")) == .date(F.date("2024-02-29")))
        #expect(try value("signed_on", .string("")) == nil)
        for bad in ["2023-02-29", "2024/3/1", "2024年3月1日", "20240301", "2024-3-1"] {
            #expect(messages("signed_on", .string(bad)) == ["日期应为 YYYY-MM-DD 格式,如 2024-03-01"])
        }
        #expect(messages("signed_on", .integer(45000)) == ["应为文本,收到的是数字"])
    }

    @Test("bool: true or false")
    func bool() throws {
        #expect(try value("funded", .bool(true)) == .bool(true))
        #expect(try value("funded", .bool(false)) == .bool(false))
        #expect(messages("funded", .string("是")) == ["应为 true 或 false,收到的是文本"])
        #expect(messages("funded", .integer(1)) == ["应为 true 或 false,收到的是数字"])
    }

    @Test("choice: one option's text")
    func choice() throws {
        #expect(try value("kind", .string(" 就业 ")) == .choice("就业"))
        #expect(messages("kind", .string("其他")) == ["不是可选项,可选:产业、就业、教育"])
        #expect(messages("kind", .array([.string("产业")])) == ["应为文本,收到的是数组"])
    }

    @Test("multi-choice: an array of options, kept in definition order without repeats")
    func multiChoice() throws {
        #expect(try value("tags", .array([.string("长期"), .string("重点"), .string("长期")])) == .multiChoice(["重点", "长期"]))
        #expect(try value("tags", .array([])) == nil)
        #expect(try value("tags", .array([.string(" ")])) == nil)
        #expect(
            messages("tags", .array([.string("重点"), .string("其他"), .string("别的")])) == [
                "第2项不是可选项,可选:重点、紧急、长期", "第3项不是可选项,可选:重点、紧急、长期",
            ])
        #expect(messages("tags", .array([.integer(1)])) == ["第1项应为文本,收到的是数字"])
        #expect(messages("tags", .string("重点")) == ["应为选项文本的数组,收到的是文本"])
    }

    @Test("long option lists are shortened in messages")
    func longOptionList() {
        let options = (1...12).map { "选项\($0)" }
        let field = F.field("aa", .choice, options: options)
        #expect(throws: LedgerValueFailure("不是可选项,可选:" + options.prefix(10).joined(separator: "、") + "等12项(见模板的填写说明)")) {
            try LedgerValue.parse(json: .string("无"), for: field)
        }
    }

    @Test("division: a valid code (scope is the server's check)")
    func division() throws {
        #expect(try value("village", .string("141124100201")) == .division(DivisionCode("141124100201")!))
        #expect(messages("village", .string("1411")) == [DivisionCode.Problem.badLength(4).message])
        #expect(messages("village", .string("14112a")) == [DivisionCode.Problem.notDigits.message])
        #expect(messages("village", .integer(141124)) == ["应为文本,收到的是数字"])
    }

    @Test("unit: a reference of at most 100 characters")
    func unit() throws {
        #expect(try value("unit", .string("u-42")) == .unit("u-42"))
        #expect(try value("unit", .string(String(repeating: "单", count: 100))) != nil)
        #expect(messages("unit", .string(String(repeating: "单", count: 101))) == ["不能超过100个字符"])
        #expect(messages("unit", .string("a\nb")).first?.contains("换行符") == true)
    }

    @Test("person: name and a valid phone, both or neither")
    func person() throws {
        #expect(
            try value("contact", .object(["name": .string(" 张三 "), "phone": .string("138 0000 1111")]))
                == .person(LedgerPerson(name: "张三", phone: "13800001111")))
        #expect(
            try value("contact", .object(["name": .string("李四"), "phone": .string("0358-8221234")]))
                == .person(LedgerPerson(name: "李四", phone: "0358-8221234")))
        #expect(try value("contact", .object([:])) == nil)
        #expect(try value("contact", .object(["name": .string(""), "phone": .null])) == nil)
        #expect(messages("contact", .object(["name": .string("张三")])) == ["填写了姓名但没有填写电话"])
        #expect(messages("contact", .object(["phone": .string("13800001111")])) == ["填写了电话但没有填写姓名"])
        #expect(messages("contact", .object(["name": .string("张三"), "phone": .string("12345")])) == [PhoneNumber.problemMessage])
        #expect(
            messages("contact", .object(["name": .string(String(repeating: "名", count: 51)), "phone": .string("12345")]))
                == ["姓名不能超过50个字符", PhoneNumber.problemMessage])
        #expect(messages("contact", .object(["name": .integer(1), "phone": .string("13800001111")])) == ["name 应为文本,收到的是数字"])
        #expect(messages("contact", .string("张三")) == ["应为包含 name 和 phone 的对象,收到的是文本"])
        do {
            _ = try value("contact", .object(["name": .string("张三"), "phone": .string("1")]))
        } catch {
            #expect(error.problems.map(\.part) == [.phone])
        }
    }

    @Test("resident ID: validated, canonical upper-case X")
    func residentID() throws {
        #expect(try value("id_number", .string("11010519491231002x")) == .residentID(F.validID))
        #expect(messages("id_number", .string("110105194912310021")) == [ResidentID.Problem.checksum.message])
        #expect(messages("id_number", .string("110105194913310028")) == [ResidentID.Problem.birthDate.message])
        #expect(messages("id_number", .string("1101051949")) == [ResidentID.Problem.format.message])
    }

    @Test("no message repeats the value it refuses")
    func noEcho() {
        let secretish = "110105194912310021"
        for field in F.fields {
            let inputs: [LedgerInput] = [
                .string(secretish), .array([.string(secretish)]), .object(["name": .string(secretish), "phone": .string(secretish)]),
            ]
            for input in inputs {
                do { _ = try LedgerValue.parse(json: input, for: field) } catch {
                    for problem in error.problems { #expect(!problem.message.contains(secretish)) }
                }
            }
        }
    }
}
