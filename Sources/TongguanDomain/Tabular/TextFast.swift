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

    /// 16 bytes as a UUID's text: upper-case hex in groups 8-4-4-4-12, as Foundation's
    /// `uuidString` writes it (which goes through `snprintf` on Linux).
    public static func uuid<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        return String(unsafeUninitializedCapacity: 36) { out in
            var o = 0
            for (i, b) in bytes.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[o] = 0x2D
                    o += 1
                }
                out[o] = upper[Int(b >> 4)]
                out[o + 1] = upper[Int(b & 0x0F)]
                o += 2
            }
            return o
        }
    }

    private static let upper = Array("0123456789ABCDEF".utf8)
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
