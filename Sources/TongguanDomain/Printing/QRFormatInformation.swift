/// The two small BCH-protected fields a reader decodes before anything else (ISO/IEC 18004
/// §7.9 and §7.10). They are drawn twice in the symbol so that one damaged copy does not
/// make it unreadable.
enum QRFormatInformation {
    /// Level M's two-bit indicator (L 01, M 00, Q 11, H 10).
    static let levelMBits = 0b00

    /// The 15-bit format information for level M and `mask`: 5 data bits (level, mask),
    /// 10 bits of BCH(15,5) with generator 0x537, then XOR 0x5412 so that the field is
    /// never all light.
    static func formatBits(mask: Int) -> Int {
        precondition((0...7).contains(mask))
        let data = levelMBits << 3 | mask
        return (data << 10 | bchRemainder(data, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18-bit version information (versions 7 and above): 6 bits of version number and
    /// 12 bits of BCH(18,6) with generator 0x1F25. It is not masked.
    static func versionBits(_ version: Int) -> Int {
        precondition((7...40).contains(version))
        return version << 12 | bchRemainder(version, generator: 0x1F25, degree: 12)
    }

    /// The remainder of data·x^degree divided by the generator polynomial over GF(2).
    private static func bchRemainder(_ data: Int, generator: Int, degree: Int) -> Int {
        var remainder = data << degree
        for bit in stride(from: remainder.bitWidth - remainder.leadingZeroBitCount - 1, through: degree, by: -1)
        where remainder >> bit & 1 == 1 {
            remainder ^= generator << (bit - degree)
        }
        return remainder
    }
}
