import Foundation

/// Decimal numbers written as text (a spreadsheet's `1836.1000000000001` or `1.8361E+3`),
/// rounded in decimal arithmetic on the digits themselves, never through a binary double.
public enum DecimalText {
    /// Plain positional text rounded half-up to at most `places` decimals, trailing zeros
    /// dropped; nil when `raw` is not a number.
    public static func rounded(_ raw: String, places: Int) -> String? {
        var s = raw.trimmingCharacters(in: .whitespaces).uppercased()
        var negative = false
        if s.hasPrefix("-") { negative = true; s.removeFirst() } else if s.hasPrefix("+") { s.removeFirst() }
        var exponent = 0
        if let e = s.firstIndex(of: "E") {
            // Far beyond a double's ±308: refused, not expanded into millions of digits (or overflowed).
            guard let x = Int(s[s.index(after: e)...]), (-1_000...1_000).contains(x) else { return nil }
            exponent = x
            s = String(s[..<e])
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !s.isEmpty else { return nil }
        let whole = String(parts[0]), fraction = parts.count == 2 ? String(parts[1]) : ""
        guard (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }), !(whole + fraction).isEmpty else { return nil }
        // digits × 10^(pointShift): all digits, with the point `pointIndex` digits from the left.
        var digits = Array(whole + fraction).map { Int(String($0))! }
        var pointIndex = whole.count + exponent
        if pointIndex < 0 { digits = Array(repeating: 0, count: -pointIndex) + digits; pointIndex = 0 }
        if pointIndex > digits.count { digits += Array(repeating: 0, count: pointIndex - digits.count) }
        var keep = pointIndex + places
        if keep < digits.count {
            let roundUp = digits[keep] >= 5
            digits = Array(digits[..<keep])
            if roundUp {
                var i = digits.count - 1
                while i >= 0 {
                    if digits[i] == 9 { digits[i] = 0; i -= 1 } else { digits[i] += 1; break }
                }
                if i < 0 { digits.insert(1, at: 0); pointIndex += 1; keep += 1 }
            }
        }
        let intPart = digits[..<pointIndex].map(String.init).joined()
        var fracPart = digits[pointIndex...].map(String.init).joined()
        while fracPart.hasSuffix("0") { fracPart.removeLast() }
        var intText = String(intPart.drop { $0 == "0" })
        if intText.isEmpty { intText = "0" }
        let text = intText + (fracPart.isEmpty ? "" : "." + fracPart)
        return negative && text != "0" ? "-" + text : text
    }

    /// An integer written as a decimal (`44393`, `44393.0`); nil when it has a fraction.
    public static func integer(_ raw: String) -> Int? {
        guard let text = rounded(raw, places: 6), !text.contains(".") else { return nil }
        return Int(text)
    }
}
