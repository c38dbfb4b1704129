import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ids for the rows of a bulk import, ascending in the order they are made: RFC 9562
/// version 7 — the import's start in Unix milliseconds, a 42-bit counter (started at a random
/// value below 2^30, as the RFC's method 1 suggests), 32 random bits. Random (version 4) ids
/// scattered every insert over the whole of each id index (and of `members.household_id`, and
/// the foreign-key probe into `households`): at a million members that was most of SQLite's
/// page cache misses. Ascending ids go to the right edge of those indexes on both engines.
struct ImportUUIDs {
    private let millis: UInt64
    private var counter: UInt64
    private var random = RandomBytes()

    init(now: Date = Date()) {
        millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        counter = random.next32() & 0x3FFF_FFFF
    }

    mutating func next() -> UUID {
        let c = counter
        counter += 1
        let r = random.next32()
        let t = millis
        func byte(_ v: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: v >> shift) }
        return UUID(
            uuid: (
                byte(t, 40), byte(t, 32), byte(t, 24), byte(t, 16), byte(t, 8), byte(t, 0),
                0x70 | (byte(c, 38) & 0x0F),  // version 7
                byte(c, 30),
                0x80 | (byte(c, 24) & 0x3F),  // RFC 9562 variant
                byte(c, 16), byte(c, 8), byte(c, 0),
                byte(r, 24), byte(r, 16), byte(r, 8), byte(r, 0)
            ))
    }
}

/// Random bits from `/dev/urandom`, 4 KiB at a time: Foundation's `UUID()` on Linux opens,
/// reads and closes the device for every value (a sixth of an import's system time at a
/// million members). Falls back to the system generator if the device cannot be read.
private struct RandomBytes {
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private var offset = 4096

    mutating func next32() -> UInt64 {
        if offset + 4 > buffer.count, !refill() { return UInt64(UInt32.random(in: .min ... .max)) }
        let value = buffer[offset..<offset + 4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        offset += 4
        return value
    }

    private mutating func refill() -> Bool {
        let fd = open("/dev/urandom", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            guard n > 0 else { return false }
            filled += n
        }
        offset = 0
        return true
    }
}
