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
enum Base64URL {
    static func encode<D: DataProtocol>(_ bytes: D) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decodes base64url or standard base64, with or without padding; nil for anything else.
    static func decodeAny(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ b in
            (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b)
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "=")
        }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let unpadded = standard.utf8.count - standard.utf8.reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count
        guard !standard.utf8.prefix(unpadded).contains(UInt8(ascii: "=")) else { return nil }
        standard = String(standard.prefix(unpadded))
        guard unpadded % 4 != 1 else { return nil }
        standard += String(repeating: "=", count: (4 - unpadded % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        return Array(data)
    }
}
