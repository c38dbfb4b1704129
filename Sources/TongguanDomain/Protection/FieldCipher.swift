import Crypto
import Foundation

/// Encryption at rest for one kind of personal data (resident IDs): AES-256-GCM under a key
/// derived from the data key, plus a blind index (HMAC-SHA256 under a second derived key)
/// for exact look-up and uniqueness without decrypting.
///
/// Stored form: `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The version and key id
/// are authenticated with the ciphertext, so a stored value cannot be relabelled; the key id
/// lets a rotation tell values under the old key from values under the new one.
public struct FieldCipher: Sendable {
    public static let version = "v1"
    /// HKDF salt: fixed, so the same data key always derives the same keys.
    static let salt = Array("tongguan field protection".utf8)

    /// 8 hex characters derived from the data key through HKDF: it tells keys apart and
    /// reveals nothing about them.
    public let keyID: String
    private let encryptionKey: SymmetricKey
    private let indexKey: SymmetricKey

    public enum Problem: Error, Equatable, Sendable {
        /// Not a stored value of this format (or its text is not UTF-8 after decrypting).
        case malformed
        /// Sealed under a key this cipher (or key ring) does not hold.
        case unknownKey(String)
        /// The key id matches but the value does not authenticate: tampered with, or a
        /// different key that happens to share the id.
        case authentication

        /// Never contains clear text (the cipher never has any to give when it fails).
        public var message: String {
            switch self {
            case .malformed: "加密数据格式错误,无法解密"
            case .unknownKey(let id): "数据由未知密钥(标识 \(id))加密,请检查数据密钥配置"
            case .authentication: "解密失败:密钥不正确或数据已被篡改"
            }
        }
    }

    public init(_ key: DataKey) {
        encryptionKey = FieldCipher.derive(key, "tongguan resident-id encryption v1", bytes: 32)
        indexKey = FieldCipher.derive(key, "tongguan resident-id blind index v1", bytes: 32)
        keyID = FieldCipher.derive(key, "tongguan key id v1", bytes: 4).withUnsafeBytes { Hex.encode($0) }
    }

    public init(base64Key: String) throws(DataKey.Problem) {
        self.init(try DataKey(base64: base64Key))
    }

    private static func derive(_ key: DataKey, _ info: String, bytes: Int) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key.material, salt: salt, info: Array(info.utf8), outputByteCount: bytes)
    }

    /// `v1.<key id>.`: every value this cipher seals starts so (for `LIKE` in a rotation).
    public var storedPrefix: String { FieldCipher.version + "." + keyID + "." }

    /// Encrypts `clear` under a fresh random 12-byte nonce, so equal values store differently.
    public func seal(_ clear: String) -> String {
        let header = storedPrefix
        // AES-GCM with a 256-bit key and a generated nonce has no failure case.
        let box = try! AES.GCM.seal(Array(clear.utf8), using: encryptionKey, authenticating: Array(header.utf8))
        return header + Base64URL.encode(box.combined!)
    }

    public func open(_ stored: String) throws(Problem) -> String {
        let parts = stored.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == FieldCipher.version, parts[1].utf8.count == 8 else { throw .malformed }
        guard parts[1] == keyID else { throw .unknownKey(String(parts[1])) }
        guard let combined = Base64URL.decodeAny(String(parts[2])), combined.count >= 12 + 16 else { throw .malformed }
        let clear: Data
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            clear = try AES.GCM.open(box, using: encryptionKey, authenticating: Array(storedPrefix.utf8))
        } catch {
            throw .authentication
        }
        guard let text = String(bytes: clear, encoding: .utf8) else { throw .malformed }
        return text
    }

    /// The key id of a stored value, or nil when it is not in the stored form.
    public static func keyID(of stored: String) -> String? {
        let parts = stored.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == version, parts[1].utf8.count == 8 else { return nil }
        return String(parts[1])
    }

    /// 64 lower-case hex characters, the same for the same value under the same key:
    /// HMAC-SHA256 over the value trimmed of white space with a–z upper-cased, so
    /// `11010519491231002x` and `11010519491231002X` index alike.
    public func blindIndex(_ clear: String) -> String {
        let normalized = FieldCipher.normalizedForIndex(clear)
        let mac = HMAC<SHA256>.authenticationCode(for: normalized, using: indexKey)
        return Hex.encode(mac)
    }

    static func normalizedForIndex(_ clear: String) -> [UInt8] {
        TextPolicy.trimmed(clear).utf8.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }
    }
}
