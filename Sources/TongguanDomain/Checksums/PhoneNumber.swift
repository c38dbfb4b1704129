import Foundation

/// Contact numbers as staff write them: a mainland mobile (11 digits starting 13–19) or a
/// landline with area code (010-12345678, 0358-1234567), optionally with an extension.
public enum PhoneNumber {
    public static let problemMessage = "联系电话应为11位手机号或带区号的固定电话(如 0358-8221234)"

    /// Returns the number with spaces removed, or nil when it is neither form.
    public static func normalized(_ raw: String) -> String? {
        if isPlainMobile(raw) { return raw }
        return normalizedGeneral(raw)
    }

    /// 11 ASCII digits starting 13–19 and nothing else, checked byte by byte (an import
    /// checks one number per row): the common case, which `normalizedGeneral` would return
    /// unchanged.
    static func isPlainMobile(_ raw: String) -> Bool {
        var count = 0
        for b in raw.utf8 {
            guard b >= 0x30 && b <= 0x39 else { return false }
            if count == 0 && b != UInt8(ascii: "1") { return false }
            if count == 1 && b < UInt8(ascii: "3") { return false }
            count += 1
            if count > 11 { return false }
        }
        return count == 11
    }

    static func normalizedGeneral(_ raw: String) -> String? {
        let s = raw.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{3000}", with: "")
        let chars = Array(s)
        if chars.count == 11, chars[0] == "1", ("3"..."9").contains(chars[1]), chars.allSatisfy(\.isASCIIDigitChar) {
            return s
        }
        // Landline: 0 + 2–3 digit area code, optional '-', 7–8 digit number, optional '-ext'.
        // An area code never starts 00 (the international prefix): 00000000000 is a placeholder.
        let parts = s.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        func digits(_ p: String, _ range: ClosedRange<Int>) -> Bool { range.contains(p.count) && p.allSatisfy(\.isASCIIDigitChar) }
        func areaCode(_ p: String) -> Bool { p.hasPrefix("0") && !p.hasPrefix("00") }
        switch parts.count {
        case 1:
            guard areaCode(s), digits(s, 10...12) else { return nil }
            return s
        case 2, 3:
            guard areaCode(parts[0]), digits(parts[0], 3...4), digits(parts[1], 7...8) else { return nil }
            if parts.count == 3, !digits(parts[2], 1...6) { return nil }
            return s
        default:
            return nil
        }
    }
}
