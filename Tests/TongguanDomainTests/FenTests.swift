import Testing

@testable import TongguanDomain

@Suite("Fen: 万元 and 元 in, exact and rounded text out")
struct FenTests {
    /// 10^n, for expectations written as whole × unit + fraction.
    private func power(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { v, _ in v * 10 } }

    /// `12.30` → `12.3`, `1.00` → `1`: the form DecimalText writes the same number in.
    private func withoutTrailingZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var s = text
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    // MARK: fromWan / fromYuan

    @Test(
        "万元 convert exactly to 分, down to 0.000001 万元 = 1 分",
        arguments: [
            ("1", Int64(1_000_000)), ("0", 0), ("0.000001", 1), ("0.00001", 10), ("0.01", 10_000),
            ("1836.1", 1_836_100_000), ("183.61", 183_610_000), ("12.345678", 12_345_678),
            ("999999999999.999999", 999_999_999_999_999_999), (".5", 500_000), ("5.", 5_000_000),
            ("+3", 3_000_000), ("007", 7_000_000), ("0.100000", 100_000),
        ])
    func wanExact(_ text: String, _ fen: Int64) throws {
        #expect(try Fen.fromWan(text) == fen)
    }

    @Test("every 万元 fraction of 1 to 6 digits lands on the exact 分")
    func wanFractions() throws {
        var numbers = SeededNumbers(seed: 7)
        for _ in 0..<2_000 {
            let whole = Int64(numbers.below(1_000_000_000_000))
            let digits = Int(numbers.below(6)) + 1
            let fraction = Int64(numbers.below(UInt64(power(digits))))
            let fractionText = String(fraction)
            let text = "\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
            #expect(try Fen.fromWan(text) == whole * Fen.perWan + fraction * power(6 - digits), "\(text)")
        }
    }

    @Test(
        "元 convert exactly to 分",
        arguments: [
            ("1", Int64(100)), ("0.01", 1), ("0.1", 10), ("12.34", 1_234), ("999999999999.99", 99_999_999_999_999),
            ("100元", 10_000), (" 5 元", 500),
        ])
    func yuanExact(_ text: String, _ fen: Int64) throws {
        #expect(try Fen.fromYuan(text) == fen)
    }

    @Test(
        "a trailing 万元 or 万 (with or without a space) is the unit",
        arguments: [
            "1.5", "1.5万元", "1.5万", " 1.5 万元 ", "1.5 万", "\u{3000}1.5万元\u{3000}",
        ])
    func wanSuffixes(_ text: String) throws {
        #expect(try Fen.fromWan(text) == 1_500_000)
    }

    @Test("more decimals than 1 分 can hold are refused", arguments: ["0.0000001", "1.1234567", "1.0000000"])
    func wanTooManyDecimals(_ text: String) {
        #expect(throws: Fen.Problem.tooManyDecimals(6)) { try Fen.fromWan(text) }
    }

    @Test("元 take at most 2 decimals")
    func yuanTooManyDecimals() {
        #expect(throws: Fen.Problem.tooManyDecimals(2)) { try Fen.fromYuan("1.234") }
        #expect(Fen.Problem.tooManyDecimals(2).message == "金额最多保留2位小数")
    }

    @Test("negative amounts are refused", arguments: ["-1", "-0.5", "-1万元", "-1,234"])
    func negatives(_ text: String) {
        #expect(throws: Fen.Problem.negative) { try Fen.fromWan(text) }
        #expect(throws: Fen.Problem.negative) { try Fen.fromYuan(text.replacingOccurrences(of: "万元", with: "元")) }
    }

    @Test(
        "more than 12 whole digits is out of range, never an overflow",
        arguments: [
            "1000000000000", "1000000000000.5", "9223372036854775807", "99999999999999999999999999", "1,000,000,000,000",
        ])
    func tooLarge(_ text: String) {
        #expect(throws: Fen.Problem.tooLarge) { try Fen.fromWan(text) }
        #expect(throws: Fen.Problem.tooLarge) { try Fen.fromYuan(text) }
    }

    @Test(
        "text that is not a plain decimal is refused",
        arguments: [
            "", " ", "万元", "万", "abc", "1.2.3", ".", "1e3", "1E3", "１２", "١٢", "1.5亿", "1.5亿元", "¥100", "100元",
            "1..5", "0x10", "1-2", "+", "+-5", "1.5万元万元", "12 3.4", "1 234", "1.2 3", "1\u{3000}234",
        ])
    func junk(_ text: String) {
        #expect(throws: Fen.Problem.format) { try Fen.fromWan(text) }
    }

    @Test("a unit the other parser owns is junk to it")
    func wrongUnit() {
        #expect(throws: Fen.Problem.format) { try Fen.fromYuan("1万元") }
        #expect(throws: Fen.Problem.format) { try Fen.fromYuan("1万") }
    }

    // MARK: Thousands separators

    /// The same text with every ASCII comma written full-width, as Chinese input methods type it.
    private func fullWidth(_ text: String) -> String { text.replacingOccurrences(of: ",", with: "\u{FF0C}") }

    @Test(
        "well-formed groups of three digits are accepted, ASCII or full-width",
        arguments: [
            ("1,234,567.891", Int64(1_234_567_891_000)), ("1234", 1_234_000_000), ("1,234", 1_234_000_000),
            ("1,234,567", 1_234_567_000_000), ("12,345.5万元", 12_345_500_000), ("123,456", 123_456_000_000),
            ("999,999,999,999.999999", 999_999_999_999_999_999), ("1,000", 1_000_000_000), ("0.5", 500_000),
        ])
    func separatorsAccepted(_ text: String, _ fen: Int64) throws {
        #expect(try Fen.fromWan(text) == fen)
        #expect(try Fen.fromWan(fullWidth(text)) == fen)
    }

    @Test("ASCII and full-width separators may meet in one number")
    func mixedSeparators() throws {
        #expect(try Fen.fromWan("1,234\u{FF0C}567") == 1_234_567_000_000)
        #expect(try Fen.fromYuan("1\u{FF0C}234,567.89元") == 123_456_789)
    }

    @Test(
        "a separator anywhere but between groups of three is refused",
        arguments: [
            "12,3.4", "1,23", "1234,567", ",123", "1,,234", "1,234.5,6", "1,", "1,234,", "1,2345", "12,34,567",
            "0.123,456", "1,23万元", ",", ",.5", "1,234,56", ".,5", "+,123",
        ])
    func separatorsRefused(_ text: String) {
        for written in [text, fullWidth(text)] {
            #expect(throws: Fen.Problem.misplacedSeparator) { try Fen.fromWan(written) }
            #expect(throws: Fen.Problem.misplacedSeparator) { try Fen.fromYuan(written.replacingOccurrences(of: "万元", with: "元")) }
        }
    }

    @Test("the separator problem says what is wrong")
    func separatorMessage() {
        #expect(Fen.Problem.misplacedSeparator.message.contains("千位分隔符位置不正确"))
    }

    // MARK: Exact text

    @Test(
        "wanText and yuanText are exact, without trailing zeros",
        arguments: [
            (Int64(0), "0", "0"), (1, "0.000001", "0.01"), (10, "0.00001", "0.1"), (100, "0.0001", "1"),
            (1_000_000, "1", "10000"), (1_836_100_000, "1836.1", "18361000"), (12_345_678, "12.345678", "123456.78"),
            (-1, "-0.000001", "-0.01"), (-1_500_000, "-1.5", "-15000"),
            (Int64.max, "9223372036854.775807", "92233720368547758.07"),
            (Int64.min, "-9223372036854.775808", "-92233720368547758.08"),
        ])
    func exactText(_ fen: Int64, _ wan: String, _ yuan: String) {
        #expect(Fen.wanText(fen) == wan)
        #expect(Fen.yuanText(fen) == yuan)
    }

    @Test("wanText reads back through fromWan to the same 分, over the whole accepted range")
    func wanRoundTrip() throws {
        var numbers = SeededNumbers(seed: 42)
        let edges: [Int64] = [
            0, 1, 9, 10, 99, 100, 999_999, 1_000_000, 1_000_001, Fen.perYi - 1, Fen.perYi,
            999_999_999_999_999_999,
        ]
        for fen in edges + numbers.spread(count: 5_000, below: 1_000_000_000_000_000_000) {
            #expect(try Fen.fromWan(Fen.wanText(fen)) == fen, "\(fen)")
        }
    }

    @Test("yuanText reads back through fromYuan to the same 分")
    func yuanRoundTrip() throws {
        var numbers = SeededNumbers(seed: 43)
        for fen in [0, 1, 99, 100, 99_999_999_999_999] + numbers.spread(count: 5_000, below: 100_000_000_000_000) {
            #expect(try Fen.fromYuan(Fen.yuanText(fen)) == fen, "\(fen)")
        }
    }

    // MARK: Rounded text

    @Test(
        "rounding is half up (away from zero for negatives)",
        arguments: [
            (Int64(5_000), "0.01"), (4_999, "0.00"), (15_000, "0.02"), (14_999, "0.01"), (-5_000, "-0.01"),
            (1_234_567, "1.23"), (1_235_000, "1.24"), (9_995_000, "10.00"), (0, "0.00"),
        ])
    func halfUp(_ fen: Int64, _ text: String) {
        #expect(Fen.rounded(fen, unit: Fen.perWan, places: 2) == text)
    }

    @Test("a negative that rounds to zero shows no minus sign", arguments: [Int64(-1), -4_999])
    func noNegativeZero(_ fen: Int64) {
        #expect(Fen.rounded(fen, unit: Fen.perWan, places: 2) == "0.00")
        #expect(Fen.rounded(fen, unit: Fen.perWan, places: 0) == "0")
    }

    @Test("no places means no decimal point")
    func wholeUnits() {
        #expect(Fen.rounded(1_500_000, unit: Fen.perWan, places: 0) == "2")
        #expect(Fen.rounded(1_499_999, unit: Fen.perWan, places: 0) == "1")
        #expect(Fen.rounded(12_345, unit: Fen.perYuan, places: 1) == "123.5")
    }

    @Test("rounded agrees with rounding the exact text in decimal arithmetic")
    func roundedMatchesDecimalText() throws {
        var numbers = SeededNumbers(seed: 99)
        for fen in numbers.spread(count: 3_000, below: Int64.max) {
            for (unit, exact) in [(Fen.perWan, Fen.wanText(fen)), (Fen.perYuan, Fen.yuanText(fen))] {
                for places in 0...3 {
                    let reference = try #require(DecimalText.rounded(exact, places: places))
                    let shown = Fen.rounded(fen, unit: unit, places: places)
                    #expect(shown.filter { $0 == "." }.count == (places > 0 ? 1 : 0))
                    #expect(shown.split(separator: ".").last?.count == (places > 0 ? places : shown.count))
                    #expect(withoutTrailingZeros(shown) == reference, "\(fen) \(unit) \(places)")
                }
            }
        }
    }

    @Test(
        "the largest amounts are shown, not trapped on",
        arguments: [
            Int64.max, Int64.min, 999_999_999_999_999_999, -999_999_999_999_999_999,
        ])
    func hugeAmounts(_ fen: Int64) throws {
        let reference = try #require(DecimalText.rounded(Fen.wanText(fen), places: 2))
        #expect(withoutTrailingZeros(Fen.rounded(fen, unit: Fen.perWan, places: 2)) == reference)
        let yi = try #require(DecimalText.rounded(Fen.wanText(fen) + "E-4", places: 2))
        #expect(Fen.yiText(fen) == Fen.rounded(fen, unit: Fen.perYi, places: 2) + "亿元")
        #expect(withoutTrailingZeros(Fen.rounded(fen, unit: Fen.perYi, places: 2)) == yi)
        #expect(Fen.display(fen).hasSuffix("亿元"))
    }

    @Test(
        "the article's round totals in 亿元",
        arguments: [
            (Int64(1_836_100_000_000), "183.61亿元"), (795_400_000_000, "79.54亿元"), (149_700_000_000, "14.97亿元"),
            (149_650_000_000, "14.97亿元"), (149_649_999_999, "14.96亿元"),
        ])
    func yiText(_ fen: Int64, _ text: String) {
        #expect(Fen.yiText(fen) == text)
    }

    @Test(
        "display picks 亿元 from 1 亿 up and 万元 below",
        arguments: [
            (Int64(0), "0.00万元"), (12_345_678, "12.35万元"), (Fen.perYi, "1.00亿元"), (Fen.perYi + 50_000_000, "1.01亿元"),
            (-Fen.perYi, "-1.00亿元"), (-12_345_678, "-12.35万元"), (1_836_100_000_000, "183.61亿元"),
        ])
    func display(_ fen: Int64, _ text: String) {
        #expect(Fen.display(fen) == text)
    }

    @Test("just below 1 亿 stays in 万元")
    func displayBoundary() {
        #expect(Fen.display(Fen.perYi - 1).hasSuffix("万元"))
        #expect(Fen.wanDisplay(Fen.perYi - 1) == Fen.rounded(Fen.perYi - 1, unit: Fen.perWan, places: 2) + "万元")
    }

    @Test("problem messages are specific Chinese sentences")
    func messages() {
        #expect(Fen.Problem.format.message == "金额格式不正确,应为数字(单位:万元)")
        #expect(Fen.Problem.tooManyDecimals(6).message == "金额最多保留6位小数")
        #expect(Fen.Problem.negative.message == "金额不能为负数")
        #expect(Fen.Problem.tooLarge.message == "金额超出范围")
    }
}
