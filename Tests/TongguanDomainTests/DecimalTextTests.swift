import Testing

@testable import TongguanDomain

@Suite("DecimalText: spreadsheet numbers rounded on their digits")
struct DecimalTextTests {
    @Test(
        "binary noise from spreadsheets rounds away",
        arguments: [
            ("1836.1000000000001", 6, "1836.1"), ("0.30000000000000004", 6, "0.3"), ("183.60999999999999", 6, "183.61"),
            ("44393.000000000007", 6, "44393"), ("14.969999999999999", 2, "14.97"),
        ])
    func noise(_ raw: String, _ places: Int, _ text: String) {
        #expect(DecimalText.rounded(raw, places: places) == text)
    }

    @Test(
        "exponent forms, upper or lower case, signed or not",
        arguments: [
            ("1.8361E+3", "1836.1"), ("1.8361e3", "1836.1"), ("1.8361E3", "1836.1"), ("18361E-1", "1836.1"),
            ("1E0", "1"), ("1E6", "1000000"), ("1.5E-3", "0.0015"), ("5E-7", "0.000001"), ("4E-7", "0"),
            ("1E-6", "0.000001"), ("0.0001E2", "0.01"), ("123456789E-6", "123.456789"), ("4.4393E4", "44393"),
            ("-2.5E1", "-25"), ("+2.5E1", "25"), ("1.E2", "100"), (".5E1", "5"),
        ])
    func exponents(_ raw: String, _ text: String) {
        #expect(DecimalText.rounded(raw, places: 6) == text)
    }

    @Test(
        "rounding is half up and carries through nines",
        arguments: [
            ("9.9999995", 6, "10"), ("99.9999995", 6, "100"), ("0.9999995", 6, "1"), ("9.9999994", 6, "9.999999"),
            ("0.0000005", 6, "0.000001"), ("0.0000004999", 6, "0"), ("2.5", 0, "3"), ("2.4999", 0, "2"), ("0.5", 0, "1"),
            ("999.995", 2, "1000"), ("1.005", 2, "1.01"), ("1.015", 2, "1.02"), ("19.95", 1, "20"), ("0.95", 1, "1"),
        ])
    func rounding(_ raw: String, _ places: Int, _ text: String) {
        #expect(DecimalText.rounded(raw, places: places) == text)
    }

    @Test(
        "negatives round on their magnitude; a negative that rounds to zero is plain zero",
        arguments: [
            ("-1.5", 6, "-1.5"), ("-9.9999995", 6, "-10"), ("-2.5", 0, "-3"), ("-0.0000001", 6, "0"), ("-0", 6, "0"),
            ("-0.000", 2, "0"), ("-0.004", 2, "0"), ("-0.005", 2, "-0.01"),
        ])
    func negatives(_ raw: String, _ places: Int, _ text: String) {
        #expect(DecimalText.rounded(raw, places: places) == text)
    }

    @Test(
        "plain text is tidied: blanks, sign, leading and trailing zeros",
        arguments: [
            (" 12 ", "12"), ("+7", "7"), ("007.50", "7.5"), (".5", "0.5"), ("5.", "5"), ("0", "0"), ("000", "0"),
            ("0.000000", "0"), ("\t3.25", "3.25"),
        ])
    func tidy(_ raw: String, _ text: String) {
        #expect(DecimalText.rounded(raw, places: 6) == text)
    }

    @Test(
        "anything but a number is nil",
        arguments: [
            "", " ", "-", "+", ".", "abc", "1.2.3", "1E", "E5", "1E2.5", "1,234", "1,234", "１２", "--1", "+-1",
            "1e+", "0x10", "NaN", "nan", "inf", "Infinity", "1 2", "1..2", "1EE2", "1E2E3", "٣", "1.5万", "-E1", ".E1",
        ])
    func junk(_ raw: String) {
        #expect(DecimalText.rounded(raw, places: 6) == nil)
        #expect(DecimalText.integer(raw) == nil)
    }

    @Test(
        "exponents far beyond any spreadsheet's are refused, not trapped on or expanded",
        arguments: [
            "1E9223372036854775807", "1E-9223372036854775808", "1.5E9223372036854775000", "1E100000000", "1E-100000000",
        ])
    func hugeExponents(_ raw: String) {
        #expect(DecimalText.rounded(raw, places: 6) == nil)
        #expect(DecimalText.integer(raw) == nil)
    }

    @Test("exponents within a double's range still work")
    func doubleRangeExponents() throws {
        let big = try #require(DecimalText.rounded("1.5E308", places: 0))
        #expect(big == "15" + String(repeating: "0", count: 307))
        #expect(DecimalText.rounded("1E-324", places: 6) == "0")
    }

    @Test("shifting the point with an exponent gives the same digits as writing them out")
    func exponentShift() {
        var numbers = SeededNumbers(seed: 11)
        for value in numbers.spread(count: 3_000, below: Int64.max) {
            let exact = Fen.wanText(value)  // an exact decimal with up to 6 places
            #expect(DecimalText.rounded("\(value)E-6", places: 6) == exact)
            #expect(DecimalText.rounded(exact, places: 6) == exact)
            #expect(DecimalText.rounded(exact + "E6", places: 0) == String(value))
            #expect(DecimalText.rounded("-" + exact, places: 6) == (value == 0 ? "0" : "-" + exact))
        }
    }

    // MARK: integer

    @Test(
        "whole numbers, however written",
        arguments: [
            ("44393", 44_393), ("44393.0", 44_393), ("4.4393E4", 44_393), ("44393.000000000007", 44_393), ("-3", -3),
            ("0", 0), ("+12", 12), ("9.9999995", 10),
        ])
    func integers(_ raw: String, _ value: Int) {
        #expect(DecimalText.integer(raw) == value)
    }

    @Test(
        "a fraction, or a number too large for Int, is not an integer",
        arguments: [
            "44393.5", "0.000001", "1E-6", "1E30", "99999999999999999999",
        ])
    func notIntegers(_ raw: String) {
        #expect(DecimalText.integer(raw) == nil)
    }
}
