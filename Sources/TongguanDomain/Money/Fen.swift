/// Money is an integer number of 分 everywhere inside; these are the only conversions to
/// and from the 元 / 万元 / 亿元 that people read and type. No floating point anywhere.
public enum Fen {
    public static let perYuan: Int64 = 100
    public static let perWan: Int64 = 1_000_000  // 1 万元 = 10,000 元
    public static let perYi: Int64 = 10_000_000_000  // 1 亿元 = 10,000 万元

    public enum Problem: Error, Equatable, Sendable {
        case format, tooManyDecimals(Int), negative, tooLarge, misplacedSeparator

        public var message: String {
            switch self {
            case .format: "金额格式不正确,应为数字(单位:万元)"
            case .tooManyDecimals(let n): "金额最多保留\(n)位小数"
            case .negative: "金额不能为负数"
            case .tooLarge: "金额超出范围"
            case .misplacedSeparator: "千位分隔符位置不正确:逗号只能把整数部分每三位分成一组(如 1,234.5)"
            }
        }
    }

    /// A decimal amount in 万元 (up to 6 decimals: 0.000001 万元 = 1 分) to 分, exactly.
    /// Accepts thousands separators between groups of three digits and a trailing "万元"/"万".
    public static func fromWan(_ raw: String) throws(Problem) -> Int64 {
        try parseDecimal(raw, unitSuffixes: ["万元", "万"], decimals: 6)
    }

    /// A decimal amount in 元 (up to 2 decimals) to 分.
    public static func fromYuan(_ raw: String) throws(Problem) -> Int64 {
        try parseDecimal(raw, unitSuffixes: ["元"], decimals: 2)
    }

    /// ASCII or full-width comma: both are typed as thousands separators.
    private static func isSeparator(_ c: Character) -> Bool { c == "," || c == "\u{FF0C}" }

    private static func parseDecimal(_ raw: String, unitSuffixes: [String], decimals: Int) throws(Problem) -> Int64 {
        if let value = plainDecimal(raw, decimals: decimals) { return value }
        return try parseGeneralDecimal(raw, unitSuffixes: unitSuffixes, decimals: decimals)
    }

    /// The common cell (`1234.5`: ASCII digits and at most one point, nothing else) read
    /// byte by byte: an import reads two amounts per row. Nil for anything else, which
    /// `parseGeneralDecimal` reads (and answers the same for these, as a test checks).
    static func plainDecimal(_ raw: String, decimals: Int) -> Int64? {
        var whole: Int64 = 0
        var wholeDigits = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var point = false
        for b in raw.utf8 {
            if b == UInt8(ascii: ".") {
                if point { return nil }
                point = true
            } else if b >= 0x30 && b <= 0x39 {
                if point {
                    fractionDigits += 1
                    if fractionDigits > decimals { return nil }
                    fraction = fraction * 10 + Int64(b - 0x30)
                } else {
                    wholeDigits += 1
                    if wholeDigits > 12 { return nil }
                    whole = whole * 10 + Int64(b - 0x30)
                }
            } else {
                return nil
            }
        }
        guard wholeDigits + fractionDigits > 0 else { return nil }
        var unit: Int64 = 1
        for _ in 0..<decimals { unit *= 10 }
        for _ in fractionDigits..<decimals { fraction *= 10 }
        // At most 12 whole digits and 6 decimals: below 10^18, no overflow.
        return whole * unit + fraction
    }

    static func parseGeneralDecimal(_ raw: String, unitSuffixes: [String], decimals: Int) throws(Problem) -> Int64 {
        var s = raw.trimmedCell
        for suffix in unitSuffixes where s.hasSuffix(suffix) { s.removeLast(suffix.count); s = s.trimmedCell; break }
        if s.hasPrefix("-") { throw .negative }
        if s.hasPrefix("+") { s.removeFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !s.isEmpty, parts.count <= 2, let grouped = parts.first,
            !(grouped.isEmpty && (parts.count < 2 || parts[1].isEmpty))
        else { throw .format }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard (grouped + fraction).allSatisfy({ ($0.isASCII && $0.isNumber) || isSeparator($0) }) else { throw .format }
        // `12,3.4` must not read as 123.4: separators only between groups of three whole digits.
        let groups = grouped.split(omittingEmptySubsequences: false, whereSeparator: isSeparator)
        guard !fraction.contains(where: isSeparator), (1...3).contains(groups[0].count) || groups.count == 1,
            groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { throw .misplacedSeparator }
        let whole = groups.joined()
        guard fraction.count <= decimals else { throw .tooManyDecimals(decimals) }
        guard whole.count <= 12 else { throw .tooLarge }
        let wholeValue = Int64(whole.isEmpty ? "0" : String(whole))!
        let padded = fraction + String(repeating: "0", count: decimals - fraction.count)
        let fractionValue = Int64(padded.isEmpty ? "0" : padded)!
        var unit: Int64 = 1
        for _ in 0..<decimals { unit *= 10 }
        let (product, overflow) = wholeValue.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw .tooLarge }
        // For 万元 with 6 decimals the smallest step is exactly 1 分; for 元 with 2, also 1 分.
        return product + fractionValue
    }

    /// 分 as an exact 万元 decimal with up to 6 decimals, trailing zeros dropped: for export
    /// files that must re-import to the same numbers.
    public static func wanText(_ fen: Int64) -> String {
        exact(fen, unit: perWan, decimals: 6)
    }

    public static func yuanText(_ fen: Int64) -> String { exact(fen, unit: perYuan, decimals: 2) }

    private static func exact(_ fen: Int64, unit: Int64, decimals: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let v = fen.magnitude
        let whole = v / UInt64(unit)
        var frac = String(v % UInt64(unit))
        frac = String(repeating: "0", count: decimals - frac.count) + frac
        while frac.hasSuffix("0") { frac.removeLast() }
        return sign + String(whole) + (frac.isEmpty ? "" : "." + frac)
    }

    /// Rounded half up (away from zero) to `places` decimals of `unit`, for reports:
    /// 1836100000000 分 in 亿元 → "183.61". Whole units and the remainder are rounded apart
    /// so the largest amounts cannot overflow; a negative that rounds to zero shows as zero.
    public static func rounded(_ fen: Int64, unit: Int64, places: Int) -> String {
        var step: UInt64 = 1
        for _ in 0..<places { step *= 10 }
        let v = fen.magnitude, u = UInt64(unit)
        var whole = v / u
        let (high, low) = (v % u).multipliedFullWidth(by: step)
        let (sum, carry) = low.addingReportingOverflow(u / 2)
        var scaled = u.dividingFullWidth((high + (carry ? 1 : 0), sum)).quotient
        if scaled == step { whole += 1; scaled = 0 }
        let digits = String(scaled)
        let text = String(whole) + (places > 0 ? "." + String(repeating: "0", count: places - digits.count) + digits : "")
        return fen < 0 && (whole > 0 || scaled > 0) ? "-" + text : text
    }

    /// `183.61亿元`, as the article prints round totals.
    public static func yiText(_ fen: Int64) -> String { rounded(fen, unit: perYi, places: 2) + "亿元" }

    /// `3,456.78万元`-style figures without separators: `3456.78万元`.
    public static func wanDisplay(_ fen: Int64) -> String { rounded(fen, unit: perWan, places: 2) + "万元" }

    /// Picks the unit a person would: 亿元 from 1亿 up, else 万元.
    public static func display(_ fen: Int64) -> String { fen.magnitude >= UInt64(perYi) ? yiText(fen) : wanDisplay(fen) }
}
