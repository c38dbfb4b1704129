/// An exact decimal number: `units × 10^-scale`, kept in lowest terms (no trailing zeros in
/// the fraction), so two equal numbers are equal values and have one text form. Never a
/// binary double: ledgers sum these and the totals must come out to the last digit.
public struct LedgerDecimal: Hashable, Sendable, CustomStringConvertible {
    public let units: Int64
    /// Decimal places actually used (0 for a whole number).
    public let scale: Int

    public enum Problem: Error, Equatable, Sendable {
        case format
        case tooManyDecimals(Int)
        case tooLarge

        public var message: String {
            switch self {
            case .format: "应为数字,如 12 或 -3.25"
            case .tooManyDecimals(0): "应为整数,不能有小数"
            case .tooManyDecimals(let n): "最多保留\(n)位小数"
            case .tooLarge: "数值超出范围"
            }
        }
    }

    /// Lowest terms: `LedgerDecimal(units: 1250, scale: 3)` is 1.25.
    public init(units: Int64, scale: Int) {
        var u = units, s = max(0, scale)
        while s > 0, u % 10 == 0 { u /= 10; s -= 1 }
        self.units = u
        self.scale = s
    }

    public init(_ integer: Int64) { self.init(units: integer, scale: 0) }

    /// Plain positional text (`-12.50`, `+3`, `0.125`) with at most `maxScale` significant
    /// decimals; trailing zeros beyond them are harmless (`1.500` with scale 2 is 1.5).
    public init(parsing raw: String, maxScale: Int) throws(Problem) {
        var s = Substring(raw)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.utf8.allSatisfy(Self.isDigit) else { throw .format }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fraction.isEmpty, fraction.utf8.allSatisfy(Self.isDigit) else { throw .format }
        while fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= maxScale else { throw .tooManyDecimals(maxScale) }
        let digits = (whole + fraction).drop { $0 == "0" }
        guard digits.count <= 18, let magnitude = Int64(digits.isEmpty ? "0" : String(digits)) else { throw .tooLarge }
        self.init(units: negative ? -magnitude : magnitude, scale: fraction.count)
    }

    /// The lowest-terms text: `12.5`, `-0.25`, `3`. What the API, storage and export carry.
    public var description: String { text(places: scale) }

    /// Padded to `places` decimals (`12.50` for places 2) for display; never fewer than the
    /// value's own scale, so nothing is rounded away.
    public func text(places: Int) -> String {
        let shown = max(places, scale)
        let magnitude = String(units.magnitude) + String(repeating: "0", count: shown - scale)
        let digits = String(repeating: "0", count: max(0, shown + 1 - magnitude.count)) + magnitude
        let split = digits.index(digits.endIndex, offsetBy: -shown)
        let body = shown == 0 ? digits : String(digits[..<split]) + "." + String(digits[split...])
        return (units < 0 ? "-" : "") + body
    }

    /// `units` at a larger scale, or nil on overflow.
    public func units(atScale target: Int) -> Int64? {
        guard target >= scale else { return nil }
        var result = units
        for _ in scale..<target {
            let (next, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// The exact sum of numbers with any mix of scales; nil if it leaves Int64 at the common
    /// scale. The empty sum is 0.
    public static func sum<S: Sequence>(_ values: S) -> LedgerDecimal? where S.Element == LedgerDecimal {
        let all = Array(values)
        let scale = all.map(\.scale).max() ?? 0
        var total: Int64 = 0
        for value in all {
            guard let aligned = value.units(atScale: scale) else { return nil }
            let (next, overflow) = total.addingReportingOverflow(aligned)
            if overflow { return nil }
            total = next
        }
        return LedgerDecimal(units: total, scale: scale)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
