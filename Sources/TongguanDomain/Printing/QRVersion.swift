/// What a QR version (1–40) at error-correction level M holds, from ISO/IEC 18004 Table 9.
/// The platform only prints level M (about 15 % of codewords recoverable): enough for a
/// card that is folded, scuffed or photographed at an angle, while a household page URL
/// still fits in a small symbol.
struct QRVersion: Sendable, Hashable {
    let number: Int

    static let range = 1...40

    init(_ number: Int) {
        precondition(Self.range.contains(number), "QR versions are 1...40")
        self.number = number
    }

    /// Modules per side: 21 for version 1, four more for each version after it.
    var size: Int { 17 + 4 * number }

    /// Level M error-correction codewords in each block, versions 1–40 (Table 9).
    private static let eccPerBlock: [Int] = [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]

    /// Level M error-correction blocks, versions 1–40 (Table 9).
    private static let blockCounts: [Int] = [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    var eccCodewordsPerBlock: Int { Self.eccPerBlock[number - 1] }
    var blockCount: Int { Self.blockCounts[number - 1] }

    /// Centres of the alignment patterns on each axis (Annex E): the first is always 6, the
    /// last is size − 7, and the ones between are evenly spaced by an even step, rounded up
    /// (version 32 is the one exception the formula needs).
    var alignmentCenters: [Int] {
        guard number > 1 else { return [] }
        let count = number / 7 + 2
        let step = number == 32 ? 26 : (number * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var centers = [6]
        for i in 0..<(count - 1) {
            centers.insert(size - 7 - i * step, at: 1)
        }
        return centers
    }

    /// Modules left for codewords once the function patterns (finders with separators,
    /// timing, alignment, format and version information, dark module) are placed.
    var dataModuleCount: Int {
        var result = (16 * number + 128) * number + 64
        if number >= 2 {
            let alignments = number / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if number >= 7 { result -= 36 }
        }
        return result
    }

    /// All codewords; the few modules left over (0–7) are remainder bits, always light
    /// before masking.
    var totalCodewords: Int { dataModuleCount / 8 }

    var dataCodewords: Int { totalCodewords - eccCodewordsPerBlock * blockCount }

    /// Width of the byte-mode character count: 8 bits up to version 9, then 16.
    var countIndicatorWidth: Int { number <= 9 ? 8 : 16 }

    /// Bits of the UTF-8 ECI header that precedes the byte segment of non-ASCII text: mode
    /// indicator 0111 and the one-byte designator 26.
    static let utf8ECIHeaderBits = 12

    /// The most bytes a byte-mode segment can carry: data bits minus the optional ECI
    /// header, the 4-bit mode indicator and the count.
    func byteCapacity(utf8ECI: Bool) -> Int {
        (dataCodewords * 8 - (utf8ECI ? Self.utf8ECIHeaderBits : 0) - 4 - countIndicatorWidth) / 8
    }

    /// Without the ECI header: ISO/IEC 18004 Table 7's byte-mode capacity.
    var byteCapacity: Int { byteCapacity(utf8ECI: false) }

    /// The smallest version whose level M capacity holds `byteCount` bytes.
    static func smallest(holding byteCount: Int, utf8ECI: Bool = false) -> QRVersion? {
        range.lazy.map(QRVersion.init).first { $0.byteCapacity(utf8ECI: utf8ECI) >= byteCount }
    }

    /// Data codewords of each block: the blocks of the first group are one codeword
    /// shorter than those of the second when the codewords do not divide evenly.
    var dataBlockLengths: [Int] {
        let longBlocks = totalCodewords % blockCount
        let shortLength = totalCodewords / blockCount - eccCodewordsPerBlock
        return (0..<blockCount).map { $0 < blockCount - longBlocks ? shortLength : shortLength + 1 }
    }
}
