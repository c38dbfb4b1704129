/// An IPv4 or IPv6 address or CIDR range (`10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`), for
/// naming the proxies whose forwarded-for header may be believed.
public struct IPAddressRange: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddressRange.parse(String(parts[0])) else { return nil }
        let maxPrefix = address.count * 8
        if parts.count == 2 {
            // Digits only: `Int` alone would also take `+8` and `-0`.
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(parts[1]),
                (0...maxPrefix).contains(n)
            else { return nil }
            prefixLength = n
        } else {
            prefixLength = maxPrefix
        }
        bytes = address
    }

    public var description: String { IPAddressRange.format(bytes) + (prefixLength == bytes.count * 8 ? "" : "/\(prefixLength)") }

    /// Whether `address` (text, as a socket or header gives it) lies in the range. An IPv4
    /// address written as IPv6-mapped (`::ffff:10.0.0.5`) counts as IPv4.
    public func contains(_ address: String) -> Bool {
        guard var other = IPAddressRange.parse(address) else { return false }
        if other.count == 16, bytes.count == 4, other.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            other = Array(other.suffix(4))
        }
        guard other.count == bytes.count else { return false }
        var remaining = prefixLength
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[i] & mask != other[i] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The address's bytes, or nil when it is neither a dotted IPv4 nor an IPv6 address.
    public static func parse(_ raw: String) -> [UInt8]? {
        var text = raw
        // `[::1]` as in URLs, and `fe80::1%eth0` zone ids.
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        if !text.contains(":") { return parseIPv4(text) }
        return parseIPv6(text)
    }

    private static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt8(p) else { return nil }
            out.append(n)
        }
        return out
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        // A dotted IPv4 tail is allowed only at the very end (`::ffff:1.2.3.4`, not `1.2.3.4::`).
        func groups(_ s: String, last: Bool) -> [UInt8]? {
            if s.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if last, i == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(String(piece)) else { return nil }
                    out += v4
                    continue
                }
                // Hex digits only: `UInt16(_:radix:)` alone would also take `+f` and `-0`.
                guard (1...4).contains(piece.count), piece.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                    let v = UInt16(piece, radix: 16)
                else { return nil }
                out += [UInt8(v >> 8), UInt8(v & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0], last: halves.count == 1) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1], last: true), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
