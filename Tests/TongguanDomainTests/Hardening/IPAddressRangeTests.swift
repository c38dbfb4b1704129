import Testing

@testable import TongguanDomain

@Suite("IPAddressRange: parsing, prefixes and containment")
struct IPAddressRangeTests {
    static let zero12: [UInt8] = Array(repeating: 0, count: 12)

    // MARK: Parsing

    @Test(
        "IPv4 addresses",
        arguments: [
            ("10.0.0.5", [10, 0, 0, 5]), ("0.0.0.0", [0, 0, 0, 0]), ("255.255.255.255", [255, 255, 255, 255]),
            ("192.168.1.1", [192, 168, 1, 1]),
            // Leading zeros are read as decimal (never octal), the same way everywhere in this type.
            ("01.02.03.04", [1, 2, 3, 4]), ("010.000.000.001", [10, 0, 0, 1]),
        ] as [(String, [UInt8])])
    func ipv4(_ text: String, _ bytes: [UInt8]) throws {
        #expect(IPAddressRange.parse(text) == bytes)
        let range = try #require(IPAddressRange(text))
        #expect(range.bytes == bytes)
        #expect(range.prefixLength == 32)
    }

    @Test(
        "IPv6 addresses: full, compressed, loopback, unspecified, embedded IPv4, brackets and zone ids",
        arguments: [
            ("2001:0db8:0000:0000:0000:ff00:0042:8329", [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29]),
            ("2001:db8::ff00:42:8329", [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29]),
            ("2001:DB8::FF00:42:8329", [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29]),
            ("::1", zero12 + [0, 0, 0, 1]),
            ("::", zero12 + [0, 0, 0, 0]),
            ("1::", [0, 1] + zero12 + [0, 0]),
            ("::ffff:10.0.0.5", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 5]),
            ("1:2:3:4:5:6:1.2.3.4", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]),
            ("[::1]", zero12 + [0, 0, 0, 1]),
            ("fe80::1%eth0", [0xfe, 0x80] + zero12 + [0, 1]),
            ("[fe80::1%25eth0]", [0xfe, 0x80] + zero12 + [0, 1]),
            ("1:2:3:4:5:6:7::", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]),
            ("::2:3:4:5:6:7:8", [0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]),
            ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Array(repeating: 0xff, count: 16)),
        ] as [(String, [UInt8])])
    func ipv6(_ text: String, _ bytes: [UInt8]) throws {
        #expect(IPAddressRange.parse(text) == bytes)
        let range = try #require(IPAddressRange(text))
        #expect(range.bytes == bytes)
        #expect(range.prefixLength == 128)
    }

    @Test(
        "not addresses",
        arguments: [
            "", " ", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4",
            "+1.2.3.4", "1.2.3.0x4", "1234.1.1.1", "0001.1.1.1", "a.b.c.d", "１.2.3.4", "1.2.3.4\n",
            "1:2:3:4:5:6:7:8:9", "::1::", ":::", "1:::2", "12345::", "g::1", ":1", "1:", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8::", "1::2:3:4:5:6:7:8", "::ffff:1.2.3", "::ffff:256.0.0.1", "::1.2.3.4:1", " ::1", "::1 ",
            "[::1", "::1]", "%eth0", "localhost", "1.2.3.4:80",
            "+1::", "::+f", "-0::", "::-1", "1.2.3.4::", "1.2.3.4::1", "::１",
        ])
    func invalid(_ text: String) {
        #expect(IPAddressRange.parse(text) == nil)
        #expect(IPAddressRange(text) == nil)
    }

    @Test(
        "prefixes at every boundary",
        arguments: [
            ("10.0.0.0/0", 0), ("10.0.0.0/1", 1), ("10.0.0.0/8", 8), ("10.0.0.0/31", 31), ("10.0.0.0/32", 32),
            ("::/0", 0), ("fd00::/8", 8), ("2001:db8::/64", 64), ("::1/127", 127), ("::1/128", 128), ("[::1]/128", 128),
            ("fe80::%eth0/64", 64), ("10.0.0.0/08", 8),
        ])
    func prefixes(_ text: String, _ prefix: Int) throws {
        #expect(try #require(IPAddressRange(text)).prefixLength == prefix)
    }

    @Test(
        "bad prefixes",
        arguments: [
            "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/", "10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0//8",
            "10.0.0.0/8/8", "10.0.0.0/٨", "10.0.0.0/x", "::/129", "::/-0", "::/+64", "/8", "/",
        ])
    func badPrefixes(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }

    // MARK: Containment

    @Test(
        "containment at fixed examples",
        arguments: [
            ("10.0.0.0/8", "10.0.0.0", true), ("10.0.0.0/8", "10.255.255.255", true), ("10.0.0.0/8", "11.0.0.0", false),
            ("10.0.0.0/8", "9.255.255.255", false), ("10.1.2.3/8", "10.200.0.0", true),
            ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.0", false), ("172.16.0.0/12", "172.15.255.255", false),
            ("192.168.1.4/31", "192.168.1.4", true), ("192.168.1.4/31", "192.168.1.5", true),
            ("192.168.1.4/31", "192.168.1.3", false), ("192.168.1.4/31", "192.168.1.6", false),
            ("10.0.0.5", "10.0.0.5", true), ("10.0.0.5/32", "10.0.0.6", false), ("10.0.0.5", "010.0.0.05", true),
            ("0.0.0.0/0", "255.255.255.255", true), ("0.0.0.0/0", "1.2.3.4", true),
            ("2001:db8:1:2::/64", "2001:db8:1:2:ffff:ffff:ffff:ffff", true), ("2001:db8:1:2::/64", "2001:db8:1:3::", false),
            ("::1", "::1", true), ("::1", "[::1]", true), ("::1", "0:0:0:0:0:0:0:1", true), ("::1", "::2", false),
            ("8000::/1", "ffff::", true), ("8000::/1", "7fff:ffff::", false), ("::/0", "ffff::1", true),
            ("fe80::/10", "fe80::1%eth0", true), ("fe80::/10", "febf::1", true), ("fe80::/10", "fec0::1", false),
            // IPv4 written as IPv4-mapped IPv6 counts as IPv4.
            ("10.0.0.0/8", "::ffff:10.0.0.5", true), ("10.0.0.0/8", "::ffff:a00:5", true), ("10.0.0.0/8", "[::ffff:10.0.0.5]", true),
            ("10.0.0.0/8", "::ffff:11.0.0.5", false), ("0.0.0.0/0", "::ffff:1.2.3.4", true),
            // Any other IPv6 form never matches an IPv4 range, and IPv4 never matches an IPv6 range.
            ("10.0.0.0/8", "::10.0.0.5", false), ("10.0.0.0/8", "64:ff9b::10.0.0.5", false), ("0.0.0.0/0", "::1", false),
            ("127.0.0.0/8", "::1", false), ("::/0", "10.0.0.5", false), ("::ffff:0:0/96", "10.0.0.5", false),
            ("::ffff:10.0.0.0/104", "10.0.0.5", false), ("::ffff:10.0.0.0/104", "::ffff:10.0.0.5", true),
            // Text that is not one address.
            ("0.0.0.0/0", "", false), ("0.0.0.0/0", "10.0.0.1/32", false), ("::/0", "garbage", false), ("0.0.0.0/0", "1.2.3.4:80", false),
        ])
    func containment(_ range: String, _ address: String, _ expected: Bool) throws {
        #expect(try #require(IPAddressRange(range)).contains(address) == expected)
    }

    /// For every prefix length, an address differing from the range's base in the last bit of
    /// the prefix is outside, and one differing in the first bit after it is inside.
    static func sweep(family: Int, seed: UInt64) -> [(range: IPAddressRange, inside: String?, outside: String?)] {
        var rng = SeededNumbers(seed: seed)
        return (0...(family * 8)).map { prefix in
            let base = (0..<family).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let text = IPAddressRange.format(base) + "/\(prefix)"
            func flipped(_ bit: Int) -> String? {
                guard (0..<(family * 8)).contains(bit) else { return nil }
                var b = base
                b[bit / 8] ^= 0x80 >> UInt8(bit % 8)
                return IPAddressRange.format(b)
            }
            return (IPAddressRange(text)!, flipped(prefix), flipped(prefix - 1))
        }
    }

    @Test("every IPv4 prefix 0…32 cuts at its own bit")
    func ipv4EveryPrefix() {
        for (range, inside, outside) in Self.sweep(family: 4, seed: 4) {
            #expect(range.contains(IPAddressRange.format(range.bytes)))
            #expect(range.contains("::ffff:" + IPAddressRange.format(range.bytes)))
            if let inside { #expect(range.contains(inside), "\(range) \(inside)") }
            if let outside { #expect(!range.contains(outside), "\(range) \(outside)") }
        }
    }

    @Test("every IPv6 prefix 0…128 cuts at its own bit")
    func ipv6EveryPrefix() {
        for (range, inside, outside) in Self.sweep(family: 16, seed: 6) {
            #expect(range.contains(IPAddressRange.format(range.bytes)))
            if let inside { #expect(range.contains(inside), "\(range) \(inside)") }
            if let outside { #expect(!range.contains(outside), "\(range) \(outside)") }
        }
    }

    // MARK: Description

    @Test(
        "description: dotted IPv4, uncompressed lower-case IPv6, prefix only when not the full length",
        arguments: [
            ("10.0.0.0/8", "10.0.0.0/8"), ("10.0.0.5", "10.0.0.5"), ("10.0.0.5/32", "10.0.0.5"), ("01.02.03.04", "1.2.3.4"),
            ("0.0.0.0/0", "0.0.0.0/0"), ("::1", "0:0:0:0:0:0:0:1"), ("::", "0:0:0:0:0:0:0:0"), ("::1/128", "0:0:0:0:0:0:0:1"),
            ("FD00::/8", "fd00:0:0:0:0:0:0:0/8"), ("::ffff:10.0.0.5", "0:0:0:0:0:ffff:a00:5"), ("[fe80::1%eth0]", "fe80:0:0:0:0:0:0:1"),
        ])
    func description(_ text: String, _ expected: String) throws {
        let range = try #require(IPAddressRange(text))
        #expect(range.description == expected)
        #expect(IPAddressRange(range.description) == range)
    }

    @Test("description round-trips for random ranges of both families and every prefix")
    func descriptionRoundTrip() {
        for (range, _, _) in Self.sweep(family: 4, seed: 40) + Self.sweep(family: 16, seed: 160) {
            #expect(IPAddressRange(range.description) == range, "\(range)")
        }
    }

    @Test("the same address written differently is the same range")
    func equality() {
        #expect(IPAddressRange("::1") == IPAddressRange("0:0:0:0:0:0:0:1"))
        #expect(IPAddressRange("[::1]") == IPAddressRange("::1/128"))
        #expect(IPAddressRange("10.0.0.5") == IPAddressRange("10.0.0.5/32"))
        #expect(IPAddressRange("10.0.0.5/8") != IPAddressRange("10.0.0.5"))
        #expect(IPAddressRange("::ffff:10.0.0.5") != IPAddressRange("10.0.0.5"))
    }
}
