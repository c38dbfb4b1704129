/// A QR code (ISO/IEC 18004) for printing: byte mode, error-correction level M, the smallest
/// version 1–40 that holds the data, and the mask with the lowest penalty. The household
/// card prints one holding the household page URL, so a phone that scans it opens the page.
///
///     let code = try QRCode(text: "https://tongguan.example.gov.cn/monitoring/households/14112410220100019")
///     let markup = code.svg(title: "户码 14112410220100019")
///
/// Text is stored as its UTF-8 bytes. Text that is not pure ASCII is preceded by the ECI
/// header for UTF-8 (designator 26): without it a reader must guess the character set (the
/// standard's default for byte mode is ISO 8859-1), and zbar guesses Shift JIS for short
/// Chinese text. ASCII text (the page URL) and raw `bytes` get no header, the form every
/// reader understands.
public struct QRCode: Sendable, Hashable {
    public enum Problem: Error, Equatable, Sendable {
        /// More bytes than version 40 at level M holds.
        case tooLong(byteCount: Int, limit: Int)

        public var message: String {
            switch self {
            case .tooLong(let byteCount, let limit):
                "二维码内容过长:最多\(limit)字节,当前为\(byteCount)字节"
            }
        }
    }

    /// The most bytes any QR code at level M holds (version 40); non-ASCII text holds one
    /// byte less, for its ECI header.
    public static let maximumByteCount = QRVersion(40).byteCapacity

    /// 1–40.
    public let version: Int
    /// The data mask chosen, 0–7.
    public let mask: Int
    /// Modules per side, without the quiet zone: 21, 25, … 177.
    public let size: Int
    /// Row by row, `true` for dark.
    private let modules: [Bool]

    public init(text: String) throws(Problem) {
        let bytes = Array(text.utf8)
        try self.init(bytes: bytes, utf8ECI: bytes.contains { $0 >= 0x80 }, forcedMask: nil)
    }

    public init(bytes: [UInt8]) throws(Problem) {
        try self.init(bytes: bytes, utf8ECI: false, forcedMask: nil)
    }

    /// `forcedMask` skips the penalty evaluation, so tests can check every mask decodes.
    init(bytes: [UInt8], utf8ECI: Bool = false, forcedMask: QRMask?) throws(Problem) {
        guard let version = QRVersion.smallest(holding: bytes.count, utf8ECI: utf8ECI) else {
            throw .tooLong(byteCount: bytes.count, limit: QRVersion(40).byteCapacity(utf8ECI: utf8ECI))
        }
        let data = Self.dataCodewords(bytes, utf8ECI: utf8ECI, version: version)
        let codewords = Self.interleave(data, version: version)
        var matrix = QRMatrix(version: version)
        matrix.placeCodewords(codewords)

        let chosen = forcedMask ?? Self.bestMask(for: matrix)
        matrix.applyMask(chosen)
        matrix.drawFormat(mask: chosen.rawValue)
        self.version = version.number
        self.mask = chosen.rawValue
        self.size = matrix.size
        self.modules = matrix.modules
    }

    /// Whether the module at column `x`, row `y` is dark; anything outside the symbol is the
    /// light quiet zone.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// The modules row by row (`rows[y][x]`), `true` for dark.
    public var rows: [[Bool]] {
        (0..<size).map { y in Array(modules[(y * size)..<((y + 1) * size)]) }
    }

    // MARK: Encoding steps

    /// The optional ECI header (mode 0111, designator 26 = UTF-8), mode indicator 0100
    /// (byte), the count, the bytes, a terminator of up to four zero bits, zero bits to the
    /// byte boundary, then the pad codewords 0xEC 0x11 in turn.
    static func dataCodewords(_ bytes: [UInt8], utf8ECI: Bool = false, version: QRVersion) -> [UInt8] {
        var buffer = QRBitBuffer()
        if utf8ECI {
            buffer.append(0b0111, width: 4)
            buffer.append(26, width: 8)
        }
        buffer.append(0b0100, width: 4)
        buffer.append(bytes.count, width: version.countIndicatorWidth)
        buffer.append(bytes: bytes)
        let capacityBits = version.dataCodewords * 8
        buffer.append(0, width: min(4, capacityBits - buffer.count))
        buffer.append(0, width: (8 - buffer.count % 8) % 8)
        var codewords = buffer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < version.dataCodewords {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data codewords into the version's blocks, adds each block's Reed–Solomon
    /// codewords, and interleaves: the first data codeword of every block, then the second,
    /// …, then the error-correction codewords likewise. Interleaving spreads a local smudge
    /// over many blocks, each of which can repair a few codewords.
    static func interleave(_ data: [UInt8], version: QRVersion) -> [UInt8] {
        let generator = QRReedSolomon.generator(degree: version.eccCodewordsPerBlock)
        var blocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for length in version.dataBlockLengths {
            let block = Array(data[start..<(start + length)])
            blocks.append(block)
            eccBlocks.append(QRReedSolomon.remainder(of: block, generator: generator))
            start += length
        }
        var result: [UInt8] = []
        result.reserveCapacity(version.totalCodewords)
        for i in 0..<(version.dataBlockLengths.max() ?? 0) {
            for block in blocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<version.eccCodewordsPerBlock {
            for block in eccBlocks { result.append(block[i]) }
        }
        return result
    }

    /// The mask with the lowest penalty; the lowest-numbered one on a tie. Each candidate is
    /// scored with its own format information drawn, as the reader will see it.
    static func bestMask(for matrix: QRMatrix) -> QRMask {
        var best = QRMask.m0
        var bestPenalty = Int.max
        for mask in QRMask.allCases {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormat(mask: mask.rawValue)
            let penalty = QRMask.penalty(rows: candidate.rows)
            if penalty < bestPenalty {
                best = mask
                bestPenalty = penalty
            }
        }
        return best
    }
}
