import Testing

@testable import TongguanDomain

@Suite("LedgerValue from sheet cells, and canonical forms")
struct LedgerValueCellTests {
    typealias F = LedgerFixtures

    func field(_ key: String) -> LedgerField { F.definition().field(key)! }

    func value(_ key: String, _ cells: SheetCell...) throws(LedgerValueFailure) -> LedgerValue? {
        try LedgerValue.parse(cells: cells, for: field(key))
    }

    func messages(_ key: String, _ cells: SheetCell...) -> [String] {
        do {
            let v = try LedgerValue.parse(cells: cells, for: field(key))
            Issue.record("expected a problem, got \(String(describing: v))")
            return []
        } catch {
            return error.problems.map(\.message)
        }
    }

    @Test("empty cells are absent for every type", arguments: LedgerFixtures.fields)
    func empty(_ field: LedgerField) throws {
        #expect(try LedgerValue.parse(cells: [.text(" ")], for: field) == nil)
        #expect(try LedgerValue.parse(cells: [.text(""), .text("")], for: field) == nil)
        #expect(try LedgerValue.parse(cells: [], for: field) == nil)
    }

    @Test("integer cells: text with separators, or numbers without a fraction")
    func integer() throws {
        #expect(try value("count", .text("1,234")) == .integer(1234))
        #expect(try value("count", .text("-12")) == .integer(-12))
        #expect(try value("count", .number("44393")) == .integer(44393))
        #expect(try value("count", .number("3.0000000000000004")) == .integer(3))
        #expect(messages("count", .text("1.5")) == ["应为整数"])
        #expect(messages("count", .number("1.5")) == ["应为整数"])
        #expect(messages("count", .text("十二")) == ["应为整数"])
        #expect(messages("count", .text("99999999999999999999")) == ["数值超出范围"])
        #expect(messages("count", .text("-99999999999999999999")) == ["数值超出范围"])
        #expect(messages("count", .text("-")) == ["应为整数"])
        #expect(messages("count", .text("+")) == ["应为整数"])
        #expect(messages("count", .text("1-2")) == ["应为整数"])
        #expect(try value("count", .text("+7")) == .integer(7))
    }

    @Test("decimal cells: plain, up to the field's scale")
    func decimal() throws {
        #expect(try value("area", .text("1,234.5")) == .decimal(F.dec("1234.5")))
        #expect(try value("area", .number("0.30000000000000004")) == .decimal(F.dec("0.3")))
        #expect(messages("area", .text("1.234")) == ["最多保留2位小数"])
        #expect(messages("area", .text("约1.2")) == ["应为数字,如 12 或 -3.25"])
    }

    @Test("money cells: 元 with up to 2 decimals, to 分")
    func money() throws {
        #expect(try value("amount", .text("1234.5")) == .money(123450))
        #expect(try value("amount", .text("1,234.56元")) == .money(123456))
        #expect(try value("amount", .number("0.1")) == .money(10))
        #expect(try value("amount", .text("0")) == .money(0))
        #expect(messages("amount", .text("1.234")) == ["金额最多保留2位小数(单位:元)"])
        #expect(messages("amount", .text("-5")) == ["金额不能为负数"])
        #expect(messages("amount", .text("五元")) == ["金额应为以元为单位的数字,如 1234.50"])
        #expect(messages("amount", .text("1234567890123.00")) == ["金额超出范围"])
    }

    @Test("date cells as the project sheet reads them")
    func date() throws {
        let expected = LedgerValue.date(F.date("2021-07-16"))
        for text in ["2021-07-16", "2021/7/16", "2021.7.16", "2021年7月16日", "44393"] {
            #expect(try value("signed_on", .text(text)) == expected)
        }
        #expect(try value("signed_on", .number("44393")) == expected)
        #expect(messages("signed_on", .text("7/16/2021")) == ["日期应为 2021-07-16、2021/7/16 或 2021年7月16日"])
        #expect(messages("signed_on", .text("2021-02-30")) == ["日期应为 2021-07-16、2021/7/16 或 2021年7月16日"])
    }

    @Test("bool cells: 是 or 否")
    func bool() throws {
        #expect(try value("funded", .text("是")) == .bool(true))
        #expect(try value("funded", .text(" 否 ")) == .bool(false))
        for bad in ["true", "1", "Y", "对"] { #expect(messages("funded", .text(bad)) == ["应填写“是”或“否”"]) }
    }

    @Test("choice and multi-choice cells")
    func choices() throws {
        #expect(try value("kind", .text("教育")) == .choice("教育"))
        #expect(messages("kind", .text("教育、就业")) == ["不是可选项,可选:产业、就业、教育"])
        #expect(try value("tags", .text("长期、重点")) == .multiChoice(["重点", "长期"]))
        #expect(try value("tags", .text("紧急")) == .multiChoice(["紧急"]))
        #expect(try value("tags", .text("紧急、 、重点、")) == .multiChoice(["重点", "紧急"]))
        #expect(messages("tags", .text("紧急,重点")) == ["第1项不是可选项,可选:重点、紧急、长期"])
    }

    @Test("division, unit and resident ID cells")
    func texts() throws {
        #expect(try value("village", .number("141124")) == .division(F.linxian))
        #expect(try value("village", .text(" 141124 ")) == .division(F.linxian))
        #expect(try value("unit", .text("县乡村振兴局")) == .unit("县乡村振兴局"))
        #expect(try value("id_number", .text("11010519491231002x")) == .residentID(F.validID))
        // Excel turns an 18-digit number into a rounded float: refused, never "corrected".
        #expect(messages("id_number", .number("1.10105194912310E+17")) == ["身份证号须以文本格式填写(数字格式会丢失后几位)"])
        #expect(messages("id_number", .number("440524188001010014")) == ["身份证号须以文本格式填写(数字格式会丢失后几位)"])
        #expect(messages("id_number", .text("1101051949")) == [ResidentID.Problem.format.message])
    }

    @Test("person: two cells, problems say which")
    func person() throws {
        #expect(try value("contact", .text("张三"), .number("13800001111")) == .person(LedgerPerson(name: "张三", phone: "13800001111")))
        do {
            _ = try value("contact", .text("张三"), .text("123"))
            Issue.record("expected a problem")
        } catch {
            #expect(error.problems == [LedgerValueProblem(PhoneNumber.problemMessage, part: .phone)])
        }
        do {
            _ = try value("contact", .text(""), .text("13800001111"))
            Issue.record("expected a problem")
        } catch {
            #expect(error.problems == [LedgerValueProblem("填写了电话但没有填写姓名", part: .value)])
        }
        #expect(messages("contact", .text("张三")) == ["填写了姓名但没有填写电话"])
    }

    static let samples: [LedgerValue] = [
        .text("第一行\n第二行"), .integer(-42), .decimal(LedgerFixtures.dec("-12.05")), .money(123456), .money(5),
        .date(LedgerFixtures.date("2024-02-29")), .bool(true), .bool(false), .choice("就业"), .multiChoice(["重点", "长期"]),
        .division(LedgerFixtures.linxian), .unit("县乡村振兴局"), .person(LedgerPerson(name: "张三", phone: "0358-8221234")),
        .residentID(LedgerFixtures.validID),
    ]

    func field(for value: LedgerValue) -> LedgerField {
        F.definition().fields.first { $0.type == value.type }!
    }

    @Test("export cells read back to the same value", arguments: samples)
    func cellRoundTrip(_ value: LedgerValue) throws {
        let cells = value.cellTexts(revealing: true).map(SheetCell.text)
        #expect(try LedgerValue.parse(cells: cells, for: field(for: value)) == value)
    }

    @Test("API JSON reads back to the same value", arguments: samples)
    func jsonRoundTrip(_ value: LedgerValue) throws {
        #expect(try LedgerValue.parse(json: value.json(revealing: true), for: field(for: value)) == value)
        #expect(value.type == field(for: value).type)
    }

    @Test("canonical forms of each type")
    func forms() {
        #expect(LedgerValue.money(123450).cellTexts() == ["1234.5"])
        #expect(LedgerValue.money(123450).json() == .integer(123450))
        #expect(LedgerValue.decimal(F.dec("12.50")).json() == .string("12.5"))
        #expect(LedgerValue.date(F.date("2024-03-01")).cellTexts() == ["2024-03-01"])
        #expect(LedgerValue.date(F.date("2024-03-01")).json() == .string("2024-03-01"))
        #expect(LedgerValue.bool(true).cellTexts() == ["是"])
        #expect(LedgerValue.bool(false).json() == .bool(false))
        #expect(LedgerValue.multiChoice(["重点", "长期"]).cellTexts() == ["重点、长期"])
        #expect(LedgerValue.multiChoice(["重点", "长期"]).json() == .array([.string("重点"), .string("长期")]))
        #expect(
            LedgerValue.person(LedgerPerson(name: "张三", phone: "13800001111")).json()
                == .object(["name": .string("张三"), "phone": .string("13800001111")]))
        #expect(LedgerValue.person(LedgerPerson(name: "张三", phone: "13800001111")).displayText == "张三 13800001111")
    }

    @Test("resident IDs are masked unless revealed")
    func masking() {
        let id = LedgerValue.residentID(F.validID)
        #expect(id.json() == .string("110105********002X"))
        #expect(id.json(revealing: true) == .string(F.validID))
        #expect(id.cellTexts() == ["110105********002X"])
        #expect(id.cellTexts(revealing: true) == [F.validID])
        #expect(id.displayText == "110105********002X")
        #expect(id.searchText == nil)
        #expect(id.uniqueKey == F.validID)
    }

    @Test("unique keys: equal values, equal keys")
    func uniqueKeys() {
        #expect(LedgerValue.decimal(F.dec("1.5")).uniqueKey == LedgerValue.decimal(F.dec("1.50")).uniqueKey)
        #expect(LedgerValue.person(LedgerPerson(name: "张三", phone: "13800001111")).uniqueKey == "张三\n13800001111")
        #expect(LedgerValue.text("a").uniqueKey != LedgerValue.text("b").uniqueKey)
        #expect(LedgerValue.money(100).uniqueKey == "1")
    }

    @Test("search text covers words, not numbers, dates or IDs")
    func search() {
        #expect(LedgerValue.text("修路").searchText == "修路")
        #expect(LedgerValue.multiChoice(["重点", "长期"]).searchText == "重点、长期")
        #expect(LedgerValue.person(LedgerPerson(name: "张三", phone: "13800001111")).searchText == "张三 13800001111")
        #expect(LedgerValue.division(F.linxian).searchText == "141124")
        for value in [LedgerValue.integer(1), .decimal(F.dec("1")), .money(1), .date(F.date("2024-01-01")), .bool(true)] {
            #expect(value.searchText == nil)
        }
    }
}
