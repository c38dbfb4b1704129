import Foundation
import Testing

@testable import TongguanDomain

@Suite("LedgerInput")
struct LedgerInputTests {
    func decode(_ json: String) throws -> LedgerInput {
        try JSONDecoder().decode(LedgerInput.self, from: Data(json.utf8))
    }

    @Test("decodes every JSON type, keeping integers exact and fractions as text")
    func decodes() throws {
        #expect(try decode("null") == .null)
        #expect(try decode("true") == .bool(true))
        #expect(try decode("false") == .bool(false))
        #expect(try decode("0") == .integer(0))
        #expect(try decode("1") == .integer(1))
        #expect(try decode("-9223372036854775808") == .integer(Int64.min))
        #expect(try decode("9223372036854775807") == .integer(Int64.max))
        #expect(try decode("12.5") == .number("12.5"))
        #expect(try decode("\"12.5\"") == .string("12.5"))
        #expect(try decode("\"\"") == .string(""))
        #expect(try decode("[1, \"a\", null, [true]]") == .array([.integer(1), .string("a"), .null, .array([.bool(true)])]))
        #expect(try decode("{\"a\": {\"b\": []}, \"c\": 0}") == .object(["a": .object(["b": .array([])]), "c": .integer(0)]))
    }

    @Test("a number beyond Int64 is kept as text, not rounded into an integer")
    func bigNumber() throws {
        let value = try decode("92233720368547758070")
        guard case .number(let text) = value else { Issue.record("expected .number, got \(value)"); return }
        #expect(text == "92233720368547758070")
    }

    @Test("round trip through JSON")
    func roundTrip() throws {
        let value = LedgerInput.object([
            "n": .null, "b": .bool(false), "i": .integer(-42), "f": .number("0.25"), "s": .string("台账"),
            "a": .array([.integer(1), .string("x")]), "o": .object(["k": .bool(true)]),
        ])
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(LedgerInput.self, from: data) == value)
    }

    @Test("member access and type names")
    func members() {
        let value = LedgerInput.object(["a": .integer(1)])
        #expect(value["a"] == .integer(1))
        #expect(value["b"] == nil)
        #expect(LedgerInput.array([])["a"] == nil)
        let names: [LedgerInput: String] = [
            .null: "空值", .bool(true): "布尔值", .integer(1): "数字", .number("1.5"): "数字",
            .string(""): "文本", .array([]): "数组", .object([:]): "对象",
        ]
        for (input, name) in names { #expect(input.typeName == name) }
    }
}
