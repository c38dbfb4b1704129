/// The one rule for text people type or import, applied to every text input (API, forms,
/// sheets, the CLI, user names) before anything is stored, logged or hashed.
///
/// - Both ends are trimmed of Unicode white space (`White_Space`, which includes U+3000 and
///   U+00A0), so what an export writes and an import reads back is the same text.
/// - Refused, with a Chinese message naming the character: control characters (C0, DEL, C1;
///   a multi-line field keeps line feeds and tabs, and CR LF / CR become LF), the invisible
///   bidirectional controls that can make text read differently from what it stores
///   (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), U+FEFF (a byte-order mark that
///   file encoders drop), U+2028/U+2029 in single-line text, and Unicode noncharacters.
/// - Everything else is kept exactly as given, without normalisation: zero-width joiners
///   and spaces (needed by some scripts and emoji), private-use and CJK compatibility
///   ideographs (which appear in real names and NFC would silently replace).
public enum TextPolicy {
    public struct Problem: Error, Equatable, Sendable {
        /// The refused character.
        public let scalar: Unicode.Scalar
        /// 1-based position among the characters a person sees.
        public let position: Int

        public var message: String {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            let what: String
            switch scalar.value {
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: what = "文字方向控制字符"
            case 0xFEFF: what = "不可见的字节顺序标记"
            case 0x2028, 0x2029: what = "换行符"
            case 0x0A, 0x0D: what = "换行符"
            default: what = TextPolicy.isNoncharacter(scalar) ? "非字符码位" : "控制字符"
            }
            return "第\(position)个字符是不允许的\(what)(\(code)),请删除后重新输入"
        }
    }

    /// Names, codes, titles: one line.
    public static func singleLine(_ raw: String) throws(Problem) -> String {
        let text = trimmed(raw)
        try check(text, multiLine: false)
        return text
    }

    /// Notes, descriptions, a case's content: line breaks and tabs are allowed.
    public static func multiLine(_ raw: String) throws(Problem) -> String {
        var text = trimmed(raw)
        if text.unicodeScalars.contains("\r") { text = lineFeedsOnly(text) }
        try check(text, multiLine: true)
        return text
    }

    /// CR LF and lone CR as LF, scalar by scalar: Foundation's `replacingOccurrences` matches
    /// whole composed sequences, so it missed a CR followed by a combining mark (`\r\u{301}`)
    /// and the text was then refused for a CR it should have kept as a line break.
    private static func lineFeedsOnly(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", afterCR { afterCR = false; continue }
            afterCR = scalar == "\r"
            out.append(afterCR ? "\n" : scalar)
        }
        return String(out)
    }

    /// Secrets (passwords) are never trimmed or changed, but a control character in one is
    /// refused all the same: it would be stored in a log or an audit actor sooner or later.
    public static func secret(_ raw: String) throws(Problem) -> String {
        try check(raw, multiLine: false)
        return raw
    }

    /// The first refused character, or nil when the text passes (for hot paths that only
    /// need to know).
    public static func firstProblem(in text: String, multiLine: Bool = false) -> Problem? {
        do { try check(text, multiLine: multiLine) } catch { return error }
        return nil
    }

    public static func isBlank(_ s: Unicode.Scalar) -> Bool {
        // Unicode's White_Space property, listed instead of looked up (an import trims every
        // cell, and the lookup was a tenth of reading a member sheet). The list has not
        // changed since Unicode 6.3; `TextPolicyPropertyTests` compares it with the
        // property over every scalar.
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Trimmed of Unicode white space at both ends; `self` untouched when there is none.
    public static func trimmed(_ raw: String) -> String {
        // Most cells neither start nor end with white space, and their first and last bytes
        // say so without decoding a scalar (the decoding was a tenth of reading a sheet).
        if let first = raw.utf8.first, let last = raw.utf8.last, !mayStartBlank(first), !mayEndBlank(last) { return raw }
        let scalars = raw.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return raw }
        if !isBlank(first) && !isBlank(last) { return raw }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isBlank(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isBlank(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// False when a text whose UTF-8 starts with `byte` cannot start with a White_Space
    /// scalar: those start with 09–0D, 20, or the lead bytes C2, E1, E2, E3.
    static func mayStartBlank(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09...0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3: true
        default: false
        }
    }

    /// False when a text whose UTF-8 ends with `byte` cannot end with a White_Space scalar:
    /// those end with 09–0D, 20, or (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
    /// U+202F, U+205F, U+3000) the continuation bytes 80–8A, 9F, A0, A8, A9, AF.
    static func mayEndBlank(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09...0x0D, 0x20, 0x80...0x8A, 0x9F, 0xA0, 0xA8, 0xA9, 0xAF: true
        default: false
        }
    }

    static func isNoncharacter(_ s: Unicode.Scalar) -> Bool {
        (0xFDD0...0xFDEF).contains(s.value) || s.value & 0xFFFE == 0xFFFE
    }

    private static func refused(_ s: Unicode.Scalar, multiLine: Bool) -> Bool {
        switch s.value {
        case 0x0A, 0x09: return !multiLine
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        case 0x2028, 0x2029: return !multiLine
        default: return isNoncharacter(s)
        }
    }

    private static func check(_ text: String, multiLine: Bool) throws(Problem) {
        // Fast path: plain ASCII letters and CJK pass without per-character bookkeeping.
        guard text.unicodeScalars.contains(where: { refused($0, multiLine: multiLine) }) else { return }
        var position = 0
        for character in text {
            position += 1
            if let bad = character.unicodeScalars.first(where: { refused($0, multiLine: multiLine) }) {
                throw Problem(scalar: bad, position: position)
            }
        }
    }
}
