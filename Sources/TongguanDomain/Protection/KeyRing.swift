/// The keys in use: the current data key and, during a rotation (`tongguan keys rotate`,
/// with `TONGGUAN_DATA_KEY_NEW` set), the new one. Reads open values under either key (by
/// the key id in the stored form), writes seal under the new key, so the application keeps
/// working while a batch job re-encrypts old values; the job can stop and resume anywhere,
/// because what is left is exactly what `needsRotation` says.
public struct KeyRing: Sendable {
    public let current: FieldCipher
    public let next: FieldCipher?

    public enum Problem: Error, Equatable, Sendable {
        case sameKey

        public var message: String {
            switch self {
            case .sameKey: "新数据密钥与当前数据密钥相同(或密钥标识相同),请生成新的密钥"
            }
        }
    }

    public init(current: FieldCipher, next: FieldCipher? = nil) throws(Problem) {
        if let next, next.keyID == current.keyID { throw .sameKey }
        self.current = current
        self.next = next
    }

    public var isRotating: Bool { next != nil }

    /// The cipher new values are sealed with: the new key during a rotation.
    public var sealing: FieldCipher { next ?? current }

    public func seal(_ clear: String) -> String { sealing.seal(clear) }

    public func open(_ stored: String) throws(FieldCipher.Problem) -> String {
        guard let id = FieldCipher.keyID(of: stored) else { throw .malformed }
        if let next, id == next.keyID { return try next.open(stored) }
        return try current.open(stored)
    }

    /// The blind index new rows store (under the sealing key).
    public func blindIndex(_ clear: String) -> String { sealing.blindIndex(clear) }

    /// Every index a stored row of `clear` may carry: look-ups and uniqueness checks match
    /// any of them while a rotation is under way (sealing key first).
    public func blindIndexes(_ clear: String) -> [String] {
        guard let next else { return [current.blindIndex(clear)] }
        return [next.blindIndex(clear), current.blindIndex(clear)]
    }

    /// True for a value not yet under the sealing key (what a rotation still has to do).
    public func needsRotation(_ stored: String) -> Bool { !stored.hasPrefix(sealing.storedPrefix) }

    /// The value and its blind index re-made under the sealing key, or nil when the value
    /// is already there.
    public func rotated(_ stored: String) throws(FieldCipher.Problem) -> (stored: String, blindIndex: String)? {
        guard needsRotation(stored) else { return nil }
        let clear = try open(stored)
        return (sealing.seal(clear), sealing.blindIndex(clear))
    }
}
