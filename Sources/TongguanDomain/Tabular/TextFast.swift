/// Small text helpers for hot paths (an import checks millions of cells), where Foundation's
/// general versions cost more than the work they guard.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Trimmed of Unicode white space at both ends, exactly as `TextPolicy` trims typed
    /// input, so a value exported and imported again is the same text.
    public var trimmedCell: String { TextPolicy.trimmed(self) }
}

/// Zero-padded decimal without `String(format:)`.
@inlinable
func padded(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
