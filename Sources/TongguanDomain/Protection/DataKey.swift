import Crypto
import Foundation

/// The 32-byte data key that protects personal data at rest (`TONGGUAN_DATA_KEY`, base64).
/// It is never used directly: `FieldCipher` derives separate keys from it.
public struct DataKey: Sendable {
    public static let byteCount = 32
    let material: SymmetricKey

    public enum Problem: Error, Equatable, Sendable {
        case missing
        case notBase64
        /// The decoded byte count.
        case length(Int)

        /// Says what is wrong without echoing any part of the value.
        public var message: String {
            switch self {
            case .missing: "未设置数据密钥"
            case .notBase64: "数据密钥不是有效的 base64 文本"
            case .length(let n): "数据密钥应为32字节(base64 编码后为44个字符),当前解码后为\(n)字节"
            }
        }
    }

    /// Standard or URL-safe base64, padding optional, surrounding white space ignored.
    public init(base64 text: String) throws(Problem) {
        let trimmed = TextPolicy.trimmed(text)
        guard !trimmed.isEmpty else { throw .missing }
        guard let bytes = Base64URL.decodeAny(trimmed) else { throw .notBase64 }
        try self.init(bytes: bytes)
    }

    public init(bytes: [UInt8]) throws(Problem) {
        guard bytes.count == DataKey.byteCount else { throw .length(bytes.count) }
        material = SymmetricKey(data: bytes)
    }

    /// A new random key, for `tongguan keys generate` and tests.
    public static func generate() -> DataKey {
        // SymmetricKey(size:) draws from the system's secure random source.
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { try! DataKey(bytes: Array($0)) }
    }

    /// The key as `TONGGUAN_DATA_KEY` holds it (standard base64 with padding).
    public var base64: String { material.withUnsafeBytes { Data($0).base64EncodedString() } }
}

/// base64url without padding (RFC 4648 §5), as the stored form of sealed fields uses it.
/// Written out rather than through Foundation: a rotation or an import encodes and decodes
/// a million values, and Foundation's base64 plus the alphabet swap cost more than AES-GCM.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 6-bit values of both alphabets' characters (`+`/`-` = 62, `/`/`_` = 63); 0xFF otherwise.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        return table
    }()

    static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next(), b2 = iterator.next()
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            if let b1 { out.append(alphabet[Int((b1 & 0x0F) << 2 | (b2 ?? 0) >> 6)]) }
            if let b2 { out.append(alphabet[Int(b2 & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64url or standard base64, padded or not; nil for anything else,
    /// including non-zero leftover bits (so every value has exactly one text form).
    static func decodeAny(_ text: String) -> [UInt8]? {
        var chars = Array(text.utf8)
        while chars.last == UInt8(ascii: "=") { chars.removeLast() }
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0
        for c in chars {
            let v = values[Int(c)]
            guard v != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { return nil }
        return out
    }
}
