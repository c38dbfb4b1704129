import Testing

@testable import TongguanDomain

@Suite("LedgerDecimal")
struct LedgerDecimalTests {
    func parse(_ text: String, _ scale: Int = 6) throws(LedgerDecimal.Problem) -> LedgerDecimal {
        try LedgerDecimal(parsing: text, maxScale: scale)
    }

    @Test(
        "parsing to lowest terms",
        arguments: [
            ("0", 0, 0), ("12", 12, 0), ("-12", -12, 0), ("+3", 3, 0), ("12.50", 125, 1), ("0.125", 125, 3),
            ("-0.25", -25, 2), ("007.0", 7, 0), ("1.500", 15, 1), ("-0", 0, 0), ("0.000001", 1, 6), ("999999999999.999999", 999999999999999999, 6),
        ])
    func parses(_ text: String, _ units: Int64, _ scale: Int) throws {
        let d = try parse(text)
        #expect(d.units == units)
        #expect(d.scale == scale)
    }

    @Test("malformed text", arguments: ["", "-", "+", ".5", "5.", "1.2.3", "1,000", "1e3", "一", " 1", "1 ", "--1", "0x10", "1.-2"])
    func malformed(_ text: String) {
        #expect(throws: LedgerDecimal.Problem.format) { try parse(text) }
    }

    @Test("scale boundaries: significant places only")
    func scales() throws {
        #expect(try parse("1.25", 2) == LedgerDecimal(units: 125, scale: 2))
        #expect(throws: LedgerDecimal.Problem.tooManyDecimals(2)) { try parse("1.255", 2) }
        #expect(try parse("1.2500000", 2) == LedgerDecimal(units: 125, scale: 2))
        #expect(try parse("3.0", 0) == LedgerDecimal(3))
        #expect(throws: LedgerDecimal.Problem.tooManyDecimals(0)) { try parse("3.1", 0) }
        #expect(LedgerDecimal.Problem.tooManyDecimals(0).message == "应为整数,不能有小数")
        #expect(LedgerDecimal.Problem.tooManyDecimals(2).message == "最多保留2位小数")
        #expect(LedgerDecimal.Problem.format.message == "应为数字,如 12 或 -3.25")
        #expect(LedgerDecimal.Problem.tooLarge.message == "数值超出范围")
    }

    @Test("too many digits")
    func tooLarge() throws {
        #expect(try parse("999999999999999999").units == 999_999_999_999_999_999)
        #expect(throws: LedgerDecimal.Problem.tooLarge) { try parse("1000000000000000000") }
        #expect(throws: LedgerDecimal.Problem.tooLarge) { try parse("999999999999.9999999", 7) }
        #expect(try parse("0000000000000000000001").units == 1)
    }

    @Test("lowest terms make equal numbers equal")
    func equality() throws {
        #expect(try parse("1.5") == parse("1.50"))
        #expect(LedgerDecimal(units: 1500, scale: 3) == LedgerDecimal(units: 15, scale: 1))
        #expect(LedgerDecimal(units: 0, scale: 4) == LedgerDecimal(0))
        #expect(LedgerDecimal(units: 5, scale: -2) == LedgerDecimal(5))
        #expect(Set([try parse("2.0"), try parse("2")]).count == 1)
    }

    @Test(
        "text forms",
        arguments: [
            ("12.5", "12.5", 2, "12.50"), ("-0.25", "-0.25", 1, "-0.25"), ("3", "3", 0, "3"),
            ("0.001", "0.001", 4, "0.0010"), ("-7", "-7", 2, "-7.00"), ("0", "0", 2, "0.00"),
        ])
    func texts(_ input: String, _ canonical: String, _ places: Int, _ padded: String) throws {
        let d = try parse(input)
        #expect(d.description == canonical)
        #expect(d.text(places: places) == padded)
        #expect(try parse(d.description) == d)
    }

    @Test("exact sums across scales")
    func sums() throws {
        let values = try ["0.1", "0.2", "1.005", "-3", "100"].map { try parse($0) }
        #expect(LedgerDecimal.sum(values) == (try parse("98.305")))
        #expect(LedgerDecimal.sum([]) == LedgerDecimal(0))
        #expect(LedgerDecimal.sum(try ["0.5", "0.5"].map { try parse($0) }) == LedgerDecimal(1))
        // 0.1 + 0.2 is exactly 0.3, as it never is in binary floating point.
        #expect(LedgerDecimal.sum(try ["0.1", "0.2"].map { try parse($0) })?.description == "0.3")
    }

    @Test("overflow is reported, not wrapped")
    func overflow() throws {
        let big = LedgerDecimal(units: Int64.max, scale: 0)
        #expect(LedgerDecimal.sum([big, LedgerDecimal(1)]) == nil)
        // Aligning a large whole number to 6 places overflows before adding.
        #expect(LedgerDecimal.sum([LedgerDecimal(units: 10_000_000_000_000, scale: 0), LedgerDecimal(units: 1, scale: 6)]) == nil)
        #expect(LedgerDecimal(units: 5, scale: 0).units(atScale: 3) == 5000)
        #expect(LedgerDecimal(units: 5, scale: 2).units(atScale: 1) == nil)
    }
}
