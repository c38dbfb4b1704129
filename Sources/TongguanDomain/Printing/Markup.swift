/// Text made safe inside HTML, SVG or XML, in an element or a quoted attribute. Works on
/// Unicode scalars, never Characters: a quote followed by a combining mark is one Character
/// to Swift and would slip through a Character-wise escape, ending an attribute early.
/// Control characters that XML 1.0 cannot carry are dropped (TAB, LF and CR stay).
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: break
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
