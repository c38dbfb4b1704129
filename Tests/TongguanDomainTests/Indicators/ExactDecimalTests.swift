import Foundation
import Testing

@testable import TongguanDomain

@Suite("ExactDecimal: parsing, text, comparison, arithmetic, JSON")
struct ExactDecimalTests {
    func d(_ s: String) -> ExactDecimal { try! ExactDecimal(s) }

    @Test(
        "plain decimals parse to units and scale",
        arguments: [
            ("12.5", Int64(125), 1), ("-3", -3, 0), ("+0.25", 25, 2), ("007", 7, 0), ("0", 0, 0), ("-0", 0, 0),
            ("  183.61 ", 18361, 2), ("0.000000000001", 1, 12), ("9223372036854775807", Int64.max, 0),
            ("-9223372036854775807", -Int64.max, 0), ("1.50", 150, 2),
        ])
    func parses(text: String, units: Int64, scale: Int) throws {
        let value = try ExactDecimal(text)
        #expect(value.units == units)
        #expect(value.scale == scale)
    }

    @Test(
        "refused forms name their reason",
        arguments: [
            ("", ExactDecimal.Problem.notANumber), ("1e3", .notANumber), ("1,000", .notANumber), (".5", .notANumber),
            ("5.", .notANumber), ("1.2.3", .notANumber), ("--1", .notANumber), ("+", .notANumber), ("12 5", .notANumber),
            ("١٢", .notANumber), ("12.5元", .notANumber), ("0.0000000000001", .tooManyDecimals),
            ("9223372036854775808", .outOfRange), ("-9223372036854775808", .outOfRange), ("99999999999999999999", .outOfRange),
        ])
    func refuses(text: String, problem: ExactDecimal.Problem) {
        #expect(throws: problem) { try ExactDecimal(text) }
    }

    @Test("messages are Chinese and specific")
    func messages() {
        #expect(ExactDecimal.Problem.notANumber.message.contains("科学计数法"))
        #expect(ExactDecimal.Problem.tooManyDecimals.message.contains("12位小数"))
        #expect(ExactDecimal.Problem.outOfRange.message.contains("范围"))
        #expect(ExactDecimal.Problem.divisionByZero.message.contains("除数为0"))
    }

    @Test("memberwise init checks the scale and Int64.min; Int64.min as an integer is clamped")
    func memberwise() {
        #expect(ExactDecimal(units: 5, scale: 13) == nil)
        #expect(ExactDecimal(units: 5, scale: -1) == nil)
        #expect(ExactDecimal(units: .min, scale: 0) == nil)
        #expect(ExactDecimal(units: 5, scale: 12)?.description == "0.000000000005")
        #expect(ExactDecimal(Int64.min).units == -Int64.max)
        #expect(ExactDecimal(42).description == "42")
    }

    @Test("description is the shortest exact text")
    func description() {
        #expect(d("1.50").description == "1.5")
        #expect(d("-0.050").description == "-0.05")
        #expect(d("100").description == "100")
        #expect(d("100.000").description == "100")
        #expect(d("-0.0").description == "0")
        #expect(d("0.000000000001").description == "0.000000000001")
        #expect(d("-123456.789").description == "-123456.789")
    }

    @Test(
        "text(decimals:) rounds half away from zero and pads",
        arguments: [
            ("14.65", 1, "14.7"), ("14.64", 1, "14.6"), ("-14.65", 1, "-14.7"), ("-14.64", 1, "-14.6"),
            ("2", 2, "2.00"), ("2.5", 0, "3"), ("-2.5", 0, "-3"), ("0.049", 1, "0.0"), ("-0.04", 1, "0.0"),
            ("183.61", 2, "183.61"), ("183.605", 2, "183.61"), ("9.995", 2, "10.00"), ("1.5", 3, "1.500"), ("12.34", -1, "12"),
        ])
    func fixedDecimals(value: String, decimals: Int, expected: String) {
        #expect(d(value).text(decimals: decimals) == expected)
    }

    @Test("equality, hashing and order are by value")
    func valueSemantics() {
        #expect(d("1.50") == d("1.5"))
        #expect(Set([d("1.50"), d("1.5"), d("1.500000")]).count == 1)
        #expect(d("0.1") < d("0.11"))
        #expect(d("-1") < d("-0.5"))
        #expect(d("1000000") > d("999999.999999999999"))
        #expect(!(d("2") < d("2.000")))
        #expect(d("9223372.036854775807") < d("9223373"))
        #expect([d("3"), d("-1.5"), d("0.25")].sorted() == [d("-1.5"), d("0.25"), d("3")])
        #expect(d("0").isZero && d("-3").isNegative && d("3").signum == 1 && d("0").signum == 0 && d("-0.1").signum == -1)
        #expect(d("2.00").isInteger && !d("2.01").isInteger)
        #expect(d("2.00").integerValue == 2 && d("2.5").integerValue == nil)
        #expect(d("-2.5").magnitude == d("2.5") && d("2.5").negated == d("-2.5"))
    }

    @Test("0.1 + 0.2 is exactly 0.3; sums align scales; differences")
    func addition() throws {
        #expect(try d("0.1").plus(d("0.2")) == d("0.3"))
        #expect(try d("183.61").plus(d("79.54")).plus(d("14.97")).description == "278.12")
        #expect(try d("5").minus(d("7.25")).description == "-2.25")
        #expect(try ExactDecimal.sum([d("1"), d("2.5"), d("-0.5")]) == d("3"))
        #expect(try ExactDecimal.sum([ExactDecimal]()) == .zero)
        // Trailing zeros do not cost range: 1e7 + 1.000000000000 is fine.
        #expect(try d("10000000").plus(d("1.000000000000")) == d("10000001"))
    }

    @Test("sums that do not fit throw instead of wrapping")
    func additionOverflow() {
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("9223372036854775807").plus(d("1")) }
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("-9223372036854775807").minus(d("1")) }
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("10000000").plus(d("0.000000000001")) }
    }

    @Test("products are exact, rounded half-up beyond 12 decimals, and overflow throws")
    func multiplication() throws {
        #expect(try d("1.5").times(d("-2")) == d("-3"))
        #expect(try d("0.1").times(d("0.1")).description == "0.01")
        #expect(try d("0.000001").times(d("0.0000005")).description == "0.000000000001")  // 5e-13 → half-up
        #expect(try d("0.000001").times(d("0.0000004")) == .zero)
        #expect(try d("-0.000001").times(d("0.0000005")).description == "-0.000000000001")
        #expect(try d("3037000499").times(d("3037000499")).description == "9223372030926249001")
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("3037000500").times(d("3037000500")) }
        #expect(try d("5.88").times(.hundred) == d("588"))
    }

    @Test(
        "quotients round half-up at the asked scale",
        arguments: [
            ("1", "3", 4, "0.3333"), ("2", "3", 4, "0.6667"), ("-2", "3", 4, "-0.6667"), ("2", "-3", 0, "-1"),
            ("1", "8", 2, "0.13"), ("-1", "8", 2, "-0.13"), ("1794", "1905", 4, "0.9417"), ("52", "67", 3, "0.776"),
            ("10", "4", 0, "3"), ("10", "4", 12, "2.5"), ("0.000000000001", "1000000", 12, "0"),
            ("0.000000000005", "10", 12, "0.000000000001"), ("9223372036854775807", "1", 0, "9223372036854775807"),
        ])
    func division(a: String, b: String, scale: Int, expected: String) throws {
        #expect(try d(a).divided(by: d(b), scale: scale).description == expected)
    }

    @Test("division by zero and quotients that do not fit are refused")
    func divisionProblems() {
        #expect(throws: ExactDecimal.Problem.divisionByZero) { try d("1").divided(by: d("0.000"), scale: 2) }
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("9223372036854775807").divided(by: d("0.5"), scale: 0) }
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("1").divided(by: d("3"), scale: 12).times(d("100000000")) }
    }

    @Test("a tiny divisor with a huge scale exponent still divides exactly or rounds to 0")
    func divisionScales() throws {
        // numerator scale 12, divisor 9-digit integer, result scale 0: denominator grows past 2^64.
        #expect(try d("0.000000000001").divided(by: d("9223372036854775807"), scale: 0) == .zero)
        #expect(try d("4.5").divided(by: d("1.5"), scale: 0) == d("3"))
        #expect(try d("1").divided(by: d("0.000000000003"), scale: 2).description == "333333333333.33")
    }

    @Test("rounded(decimals:) and shifted(byPowerOfTen:)")
    func roundingAndShifting() throws {
        #expect(d("14.65").rounded(decimals: 1) == d("14.7"))
        #expect(d("14.65").rounded(decimals: 5) == d("14.65"))
        #expect(d("14.65").rounded(decimals: -3) == d("15"))
        #expect(try d("1836100000000").shifted(byPowerOfTen: -10) == d("183.61"))
        #expect(try d("183.61").shifted(byPowerOfTen: 10) == d("1836100000000"))
        #expect(try d("0.9417").shifted(byPowerOfTen: 2) == d("94.17"))
        #expect(try d("0.5").shifted(byPowerOfTen: -12).description == "0.000000000001")  // 5e-13 rounds up
        #expect(try d("0.4").shifted(byPowerOfTen: -12) == .zero)
        #expect(try d("123").shifted(byPowerOfTen: -40) == .zero)
        #expect(throws: ExactDecimal.Problem.outOfRange) { try d("10").shifted(byPowerOfTen: 18) }
    }

    @Test("JSON: integers as numbers, fractions as strings; decoding accepts both and refuses floats")
    func json() throws {
        let encoder = JSONEncoder()
        #expect(String(decoding: try encoder.encode([d("42"), d("1.50"), d("-0.25"), d("3.000")]), as: UTF8.self) == #"[42,"1.5","-0.25",3]"#)
        let decoded = try JSONDecoder().decode([ExactDecimal].self, from: Data(#"[42,"1.5","-3"]"#.utf8))
        #expect(decoded == [d("42"), d("1.5"), d("-3")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ExactDecimal].self, from: Data("[1.5]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ExactDecimal].self, from: Data(#"["1e3"]"#.utf8)) }
    }

    @Test("large counts in 万 and 亿, smaller ones as they are")
    func countText() {
        #expect(d("19000").countText() == "1.9万")
        #expect(d("11000").countText() == "1.1万")
        #expect(d("900000").countText() == "90万")
        #expect(d("4940").countText() == "4940")
        #expect(d("9999").countText() == "9999")
        #expect(d("10000").countText() == "1万")
        #expect(d("14960").countText() == "1.5万")
        #expect(d("930000000").countText(decimals: 2) == "9.3亿")
        #expect(d("-25000").countText() == "-2.5万")
    }
}
