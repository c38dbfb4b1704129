/// The bit stream of a QR symbol's data before it is cut into 8-bit codewords. QR fields
/// (mode indicator, character count, terminator) are not byte-aligned, so the encoder
/// appends them bit by bit, most significant bit first.
struct QRBitBuffer: Sendable, Equatable {
    private(set) var bits: [Bool] = []

    var count: Int { bits.count }

    /// Appends the low `width` bits of `value`, most significant first.
    mutating func append(_ value: Int, width: Int) {
        precondition((0...31).contains(width) && value >= 0 && value >> width == 0, "value does not fit in \(width) bits")
        for shift in stride(from: width - 1, through: 0, by: -1) {
            bits.append((value >> shift) & 1 == 1)
        }
    }

    mutating func append(bytes: [UInt8]) {
        bits.reserveCapacity(bits.count + bytes.count * 8)
        for byte in bytes { append(Int(byte), width: 8) }
    }

    /// The bits packed into bytes, most significant bit first; a last partial byte is
    /// padded with zero bits (the encoder pads to a byte boundary before asking).
    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, bit) in bits.enumerated() where bit {
            out[i >> 3] |= 0x80 >> UInt8(i & 7)
        }
        return out
    }
}
