import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Random (version 4) UUIDs for the rows of a bulk import. Foundation's `UUID()` on Linux
/// opens, reads and closes `/dev/urandom` for every value (a sixth of an import's system
/// time at a million members); this reads the same source 4 KiB (256 UUIDs) at a time, and
/// falls back to `UUID()` if it cannot.
struct RandomUUIDs {
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private var offset = 4096

    mutating func next() -> UUID {
        if offset + 16 > buffer.count {
            guard refill() else { return UUID() }
        }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { target in
            buffer.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + 16]))
            }
        }
        offset += 16
        bytes.6 = (bytes.6 & 0x0F) | 0x40  // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: bytes)
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
