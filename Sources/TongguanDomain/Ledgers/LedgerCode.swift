/// The rule for every stable machine name in a ledger: the ledger's code, its field keys
/// and its state codes. They appear in URLs (`/ledgers/{code}`), query parameters
/// (`f.<key>=`, `sum:<key>`) and stored JSON, so they are plain ASCII that survives all of
/// them unescaped, and they never change once items refer to them.
public enum LedgerCode {
    public static let lengths = 2...40

    /// The Chinese reason `text` is not a valid code, or nil when it is.
    /// `what` names the thing in the message ("台账代码", "字段标识", "状态代码").
    public static func problem(_ text: String, what: String) -> String? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return "\(what)不能为空" }
        guard bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else {
            return "\(what)只能由小写英文字母、数字、下划线和连字符组成"
        }
        guard lengths.contains(bytes.count) else { return "\(what)长度应为\(lengths.lowerBound)到\(lengths.upperBound)个字符" }
        guard isLetter(bytes[0]) else { return "\(what)须以小写英文字母开头" }
        return nil
    }

    public static func isValid(_ text: String) -> Bool { problem(text, what: "") == nil }

    private static func isLetter(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
