import Testing

@testable import TongguanDomain

@Suite("QR code structure (level M)")
struct QRStructureTests {
    // MARK: Format and version information

    @Test("format information for level M and each mask (ISO/IEC 18004 Table C.1)")
    func formatBits() {
        let published = [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0]
        for mask in 0...7 {
            #expect(QRFormatInformation.formatBits(mask: mask) == published[mask], "mask \(mask)")
        }
    }

    @Test("version information for versions 7–40 (ISO/IEC 18004 Table D.1)")
    func versionBits() {
        let published = [
            0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D, 0x0F928, 0x10B78,
            0x1145D, 0x12A17, 0x13532, 0x149A6, 0x15683, 0x168C9, 0x177EC, 0x18EC4, 0x191E1, 0x1AFAB,
            0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75, 0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B,
            0x2542E, 0x26A64, 0x27541, 0x28C69,
        ]
        for version in 7...40 {
            #expect(QRFormatInformation.versionBits(version) == published[version - 7], "version \(version)")
        }
    }

    /// Reads both copies of the format information in the order a reader does (as zxing's
    /// BitMatrixParser walks the symbol), most significant bit first.
    private static func readFormat(_ code: QRCode) -> (Int, Int) {
        var first = 0, second = 0
        func read(_ value: inout Int, _ x: Int, _ y: Int) { value = value << 1 | (code.isDark(x: x, y: y) ? 1 : 0) }
        for x in 0...5 { read(&first, x, 8) }
        read(&first, 7, 8); read(&first, 8, 8); read(&first, 8, 7)
        for y in stride(from: 5, through: 0, by: -1) { read(&first, 8, y) }
        let n = code.size
        for y in stride(from: n - 1, through: n - 7, by: -1) { read(&second, 8, y) }
        for x in (n - 8)..<n { read(&second, x, 8) }
        return (first, second)
    }

    @Test("both format copies in the symbol name level M and the chosen mask", arguments: [1, 20, 100, 300])
    func formatInSymbol(_ length: Int) throws {
        let code = try QRCode(bytes: Array(repeating: 0x61, count: length))
        let (first, second) = Self.readFormat(code)
        #expect(first == second)
        let unmasked = first ^ 0x5412
        #expect(unmasked >> 13 == 0b00, "level M")
        #expect(unmasked >> 10 & 0b111 == code.mask)
        #expect(code.isDark(x: 8, y: code.size - 8), "the dark module")
    }

    @Test("both version blocks in the symbol carry the version", arguments: [7, 15, 40])
    func versionInSymbol(_ version: Int) throws {
        let code = try QRCode(bytes: Array(repeating: 0x7A, count: QRVersion(version).byteCapacity))
        #expect(code.version == version)
        let n = code.size
        var topRight = 0, bottomLeft = 0
        for y in stride(from: 5, through: 0, by: -1) {
            for x in stride(from: n - 9, through: n - 11, by: -1) { topRight = topRight << 1 | (code.isDark(x: x, y: y) ? 1 : 0) }
        }
        for x in stride(from: 5, through: 0, by: -1) {
            for y in stride(from: n - 9, through: n - 11, by: -1) { bottomLeft = bottomLeft << 1 | (code.isDark(x: x, y: y) ? 1 : 0) }
        }
        #expect(topRight >> 12 == version)
        #expect(bottomLeft == topRight)
        #expect(topRight == QRFormatInformation.versionBits(version))
    }

    // MARK: Versions and capacity

    /// ISO/IEC 18004 Table 7: byte-mode capacity at level M, versions 1–40.
    static let publishedByteCapacity = [
        14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
        711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
    ]

    /// ISO/IEC 18004 Table 1: total codewords per version.
    static let publishedTotalCodewords = [
        26, 44, 70, 100, 134, 172, 196, 242, 292, 346, 404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
        1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185, 2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706,
    ]

    @Test("total codewords and byte capacity of every version match the standard's tables")
    func capacityTable() {
        for v in QRVersion.range {
            let version = QRVersion(v)
            #expect(version.totalCodewords == Self.publishedTotalCodewords[v - 1], "version \(v)")
            #expect(version.byteCapacity == Self.publishedByteCapacity[v - 1], "version \(v)")
            #expect(version.dataBlockLengths.reduce(0, +) == version.dataCodewords)
            #expect(version.dataBlockLengths.count == version.blockCount)
        }
        #expect(QRCode.maximumByteCount == 2331)
    }

    @Test("block structure of versions with two block groups (ISO/IEC 18004 Table 9)")
    func blockGroups() {
        // Version 8-M: 2 blocks of (60, 38) and 2 of (61, 39); 15-M: 5 × (65, 41) + 5 × (66, 42);
        // 40-M: 18 × (75, 47) + 31 × (76, 48). (total codewords, data codewords) per block.
        #expect(QRVersion(8).dataBlockLengths == [38, 38, 39, 39])
        #expect(QRVersion(15).dataBlockLengths == Array(repeating: 41, count: 5) + Array(repeating: 42, count: 5))
        #expect(QRVersion(40).dataBlockLengths == Array(repeating: 47, count: 18) + Array(repeating: 48, count: 31))
        #expect(QRVersion(40).eccCodewordsPerBlock == 28)
    }

    @Test("the largest byte count of each version encodes in it; one more byte needs the next version", arguments: Array(QRVersion.range))
    func capacityBoundary(_ v: Int) throws {
        let capacity = Self.publishedByteCapacity[v - 1]
        #expect(QRVersion.smallest(holding: capacity)?.number == v)
        #expect(QRVersion.smallest(holding: capacity + 1)?.number == (v == 40 ? nil : v + 1))
        // Encode the boundary fully for small versions and a spread of large ones (each large
        // symbol costs eight mask evaluations).
        guard v <= 10 || v % 10 == 0 else { return }
        let bytes = (0..<(capacity + 1)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let fits = try QRCode(bytes: Array(bytes.dropLast()))
        #expect(fits.version == v)
        #expect(fits.size == 17 + 4 * v)
        if v < 40 {
            #expect(try QRCode(bytes: bytes).version == v + 1)
        }
    }

    @Test("more than 2331 bytes is refused with a clear message")
    func tooLong() throws {
        #expect(throws: QRCode.Problem.tooLong(byteCount: 2332, limit: 2331)) {
            try QRCode(bytes: Array(repeating: 0, count: 2332))
        }
        #expect(throws: QRCode.Problem.tooLong(byteCount: 2332, limit: 2331)) {
            try QRCode(text: String(repeating: "a", count: 2332))
        }
        #expect(try QRCode(text: String(repeating: "a", count: 2331)).version == 40)
        // Non-ASCII text spends 12 bits on its ECI header: 2330 bytes at most.
        #expect(try QRCode(text: String(repeating: "户", count: 776) + "ab").version == 40)
        #expect(throws: QRCode.Problem.tooLong(byteCount: 2331, limit: 2330)) {
            try QRCode(text: String(repeating: "户", count: 777))
        }
        #expect(QRCode.Problem.tooLong(byteCount: 2334, limit: 2330).message == "二维码内容过长:最多2330字节,当前为2334字节")
    }

    @Test("an empty payload is a valid version 1 symbol")
    func empty() throws {
        let code = try QRCode(bytes: [])
        #expect(code.version == 1 && code.size == 21)
    }

    // MARK: Data codewords

    @Test("data codewords: mode, 8-bit count, data, terminator, then pads 0xEC 0x11")
    func dataCodewordsVersion1() {
        // 0100 | 00000001 | 01000001 | 0000 → 0x40 0x14 0x10, then 13 pad codewords.
        let words = QRCode.dataCodewords([0x41], version: QRVersion(1))
        #expect(words == [0x40, 0x14, 0x10] + [0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
    }

    @Test("data codewords from version 10: a 16-bit count; a full symbol has no pad codeword")
    func dataCodewordsVersion10() {
        // 0100 | 0000000011010101 (213) | 213 × 01000001 | 0000 fills all 216 codewords.
        let words = QRCode.dataCodewords(Array(repeating: 0x41, count: 213), version: QRVersion(10))
        #expect(words.count == 216)
        #expect(Array(words.prefix(4)) == [0x40, 0x0D, 0x54, 0x14])
        #expect(words.last == 0x10)
        #expect(!words.contains(0xEC))
    }

    @Test("non-ASCII text: the UTF-8 ECI header (0111, designator 26) comes first")
    func eciHeader() {
        // 0111 | 00011010 | 0100 | 00000011 | E6 88 B7 ("户") | 0000 | 0000 → 7 codewords, then pads.
        let words = QRCode.dataCodewords(Array("户".utf8), utf8ECI: true, version: QRVersion(1))
        #expect(Array(words.prefix(9)) == [0x71, 0xA4, 0x03, 0xE6, 0x88, 0xB7, 0x00, 0xEC, 0x11])
        #expect(words.count == 16)
        // 13 bytes fill version 1 exactly (12 + 4 + 8 + 104 = 128 bits): no terminator, no pad.
        let full = QRCode.dataCodewords(Array("户户户户a".utf8), utf8ECI: true, version: QRVersion(1))
        #expect(full.count == 16 && full.last == 0x61)
    }

    @Test("ASCII text carries no ECI header; other text does, and holds one byte less per version")
    func textCapacity() throws {
        #expect(try QRCode(text: String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(text: "户户户户a").version == 1)  // 13 bytes
        #expect(try QRCode(text: "户户户户ab").version == 2)  // 14 bytes
        #expect(try QRCode(text: "ab") == QRCode(bytes: Array("ab".utf8)))
        #expect(try QRCode(text: "户") != QRCode(bytes: Array("户".utf8)))
        for v in QRVersion.range {
            let version = QRVersion(v)
            #expect(version.byteCapacity(utf8ECI: true) == (version.dataCodewords * 8 - 12 - 4 - version.countIndicatorWidth) / 8)
            #expect(version.byteCapacity(utf8ECI: true) < version.byteCapacity)
        }
    }

    @Test("interleaving takes codeword i of every block in turn, data first, then error correction")
    func interleaving() {
        let version = QRVersion(8)
        let data = (0..<version.dataCodewords).map { UInt8($0 % 251) }
        let result = QRCode.interleave(data, version: version)
        #expect(result.count == version.totalCodewords)
        // Blocks of 38, 38, 39, 39 data codewords start at 0, 38, 76, 115.
        #expect(Array(result.prefix(8)) == [0, 38, 76, 115, 1, 39, 77, 116])
        // Codeword 38 exists only in the two long blocks; it ends the data part.
        #expect(Array(result[148..<154]) == [37, 75, 113, 152, 114, 153])
        let generator = QRReedSolomon.generator(degree: 22)
        let firstBlockEcc = QRReedSolomon.remainder(of: Array(data[0..<38]), generator: generator)
        #expect(stride(from: 154, to: result.count, by: 4).map { result[$0] } == firstBlockEcc)
    }

    // MARK: Function patterns

    @Test("alignment pattern centres (ISO/IEC 18004 Annex E)")
    func alignmentCenters() {
        #expect(QRVersion(1).alignmentCenters == [])
        #expect(QRVersion(2).alignmentCenters == [6, 18])
        #expect(QRVersion(7).alignmentCenters == [6, 22, 38])
        #expect(QRVersion(14).alignmentCenters == [6, 26, 46, 66])
        #expect(QRVersion(15).alignmentCenters == [6, 26, 48, 70])
        #expect(QRVersion(32).alignmentCenters == [6, 34, 60, 86, 112, 138])
        #expect(QRVersion(36).alignmentCenters == [6, 24, 50, 76, 102, 128, 154])
        #expect(QRVersion(40).alignmentCenters == [6, 30, 58, 86, 114, 142, 170])
    }

    @Test("finders, separators, timing and alignment patterns are in place", arguments: [1, 2, 7, 14])
    func functionPatterns(_ v: Int) throws {
        let code = try QRCode(bytes: Array(repeating: 0x30, count: QRVersion(v).byteCapacity))
        let n = code.size
        for (left, top) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(code.isDark(x: left + dx, y: top + dy) == (ring != 2), "finder at \(left),\(top)")
                }
            }
        }
        for i in 0..<8 {  // separators
            #expect(!code.isDark(x: 7, y: i) && !code.isDark(x: i, y: 7))
            #expect(!code.isDark(x: n - 8, y: i) && !code.isDark(x: n - 1 - i, y: 7))
            #expect(!code.isDark(x: 7, y: n - 1 - i) && !code.isDark(x: i, y: n - 8))
        }
        for i in 8..<(n - 8) {
            #expect(code.isDark(x: i, y: 6) == (i % 2 == 0))
            #expect(code.isDark(x: 6, y: i) == (i % 2 == 0))
        }
        let centers = QRVersion(v).alignmentCenters
        for cy in centers {
            for cx in centers where !([cx, cy].contains(6) && [cx, cy].allSatisfy({ $0 == 6 || $0 == n - 7 })) {
                for dy in -2...2 {
                    for dx in -2...2 {
                        #expect(code.isDark(x: cx + dx, y: cy + dy) == (max(abs(dx), abs(dy)) != 1), "alignment at \(cx),\(cy)")
                    }
                }
            }
        }
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: n))
        #expect(code.rows.count == n && code.rows.allSatisfy { $0.count == n })
    }

    @Test("applying a mask twice restores the symbol and leaves function modules alone")
    func maskIsInvolution() {
        var matrix = QRMatrix(version: QRVersion(7))
        matrix.placeCodewords((0..<QRVersion(7).totalCodewords).map { UInt8($0 % 256) })
        let original = matrix
        for mask in QRMask.allCases {
            matrix.applyMask(mask)
            for i in 0..<(matrix.size * matrix.size) where original.isFunction[i] {
                #expect(matrix.modules[i] == original.modules[i])
            }
            matrix.applyMask(mask)
            #expect(matrix == original)
        }
    }

    @Test("data modules: the count the version formula gives is what the matrix leaves free", arguments: [1, 2, 6, 7, 14, 21, 32, 40])
    func dataModuleCount(_ v: Int) {
        let matrix = QRMatrix(version: QRVersion(v))
        #expect(matrix.isFunction.count { !$0 } == QRVersion(v).dataModuleCount)
    }
}
