/// Exact comparisons of money against a configured factor or fraction, so that "line × 1.5"
/// or "previous × (1 − 0.30)" is never rounded: both sides are scaled to whole numbers and
/// compared as 128-bit products (no overflow for any Int64 inputs).
enum ExactRatio {
    /// The sign of `a × p − b × q`, computed without overflow.
    static func compare(_ a: Int64, times p: Int64, with b: Int64, times q: Int64) -> Int {
        let left = a.multipliedFullWidth(by: p)
        let right = b.multipliedFullWidth(by: q)
        // (high, low) tuples order exactly as the signed 128-bit values they spell.
        if (left.high, left.low) < (right.high, right.low) { return -1 }
        if (left.high, left.low) > (right.high, right.low) { return 1 }
        return 0
    }
}

extension MonitoringSettings {
    /// A factor or fraction in thousandths (1500 = 1.5, 300 = 0.30): policy figures are
    /// decimals with at most three places, and a Double would misplace the boundary that
    /// the rules compare against exactly.
    public struct Permille: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
        public let value: Int64

        public init(_ value: Int64) { self.value = value }

        public init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }

        public static func < (a: Self, b: Self) -> Bool { a.value < b.value }

        /// A decimal as people type it (`1.5`, `0.30`, `30%`), exactly; nil when it is not a
        /// non-negative number with at most three decimals (or one for a percentage).
        public init?(parsing raw: String) {
            var text = raw.trimmedCell
            var percent = false
            if text.hasSuffix("%") || text.hasSuffix("%") { percent = true; text.removeLast() }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 6,
                whole.allSatisfy(\.isASCIIDigitChar)
            else { return nil }
            let fraction = parts.count == 2 ? String(parts[1]) : ""
            let places = percent ? 1 : 3
            guard fraction.count <= places, fraction.allSatisfy(\.isASCIIDigitChar),
                parts.count == 1 || !fraction.isEmpty
            else { return nil }
            let padded = fraction + String(repeating: "0", count: places - fraction.count)
            let scale: Int64 = percent ? 10 : 1000
            self.value = Int64(whole)! * scale + (padded.isEmpty ? 0 : Int64(padded)!)
        }

        /// `1.5`, `0.3`: the shortest exact decimal.
        public var description: String {
            var fraction = padded(Int(value % 1000), 3)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return String(value / 1000) + (fraction.isEmpty ? "" : "." + fraction)
        }

        /// As a percentage for messages: 300 → `30%`, 125 → `12.5%`.
        public var percentText: String {
            let tenths = value % 10
            return String(value / 10) + (tenths == 0 ? "" : "." + String(tenths)) + "%"
        }
    }
}
