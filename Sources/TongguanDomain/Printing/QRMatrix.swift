/// A QR symbol under construction: the function patterns a reader locks onto, then the
/// codewords laid out in the two-column zigzag of ISO/IEC 18004 §7.7.3. Modules are stored
/// row by row (`y * size + x`); `true` is dark.
struct QRMatrix: Sendable, Equatable {
    let version: QRVersion
    let size: Int
    private(set) var modules: [Bool]
    /// Modules that belong to function patterns: data never goes there and masks skip them.
    private(set) var isFunction: [Bool]

    /// The function patterns of `version`, with format information reserved (drawn for
    /// mask 0 until `drawFormat(mask:)` writes the real one).
    init(version: QRVersion) {
        self.version = version
        size = version.size
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawTimingPatterns()
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(centerX: x, centerY: y) }
        drawAlignmentPatterns()
        drawFormat(mask: 0)
        drawVersion()
    }

    func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    var rows: [[Bool]] { (0..<size).map { y in Array(modules[(y * size)..<((y + 1) * size)]) } }

    private mutating func setFunction(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    /// Row 6 and column 6 alternate dark and light, starting dark, so a reader can count
    /// modules across the symbol.
    private mutating func drawTimingPatterns() {
        for i in 0..<size {
            setFunction(x: 6, y: i, dark: i % 2 == 0)
            setFunction(x: i, y: 6, dark: i % 2 == 0)
        }
    }

    /// A 7×7 finder (dark ring, light ring, 3×3 dark core) with its one-module light
    /// separator, clipped at the symbol's edge.
    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx, y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// 5×5 alignment patterns at every pair of centres except the three that would overlap
    /// a finder.
    private mutating func drawAlignmentPatterns() {
        let centers = version.alignmentCenters
        guard let last = centers.last else { return }
        for cy in centers {
            for cx in centers {
                if (cx == 6 && cy == 6) || (cx == 6 && cy == last) || (cx == last && cy == 6) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// Both copies of the format information, least significant bit first: around the
    /// top-left finder, and split between the top-right and bottom-left finders; plus the
    /// module beside the bottom-left finder that is always dark.
    mutating func drawFormat(mask: Int) {
        let bits = QRFormatInformation.formatBits(mask: mask)
        func bit(_ i: Int) -> Bool { bits >> i & 1 == 1 }
        for i in 0...5 { setFunction(x: 8, y: i, dark: bit(i)) }
        setFunction(x: 8, y: 7, dark: bit(6))
        setFunction(x: 8, y: 8, dark: bit(7))
        setFunction(x: 7, y: 8, dark: bit(8))
        for i in 9..<15 { setFunction(x: 14 - i, y: 8, dark: bit(i)) }
        for i in 0..<8 { setFunction(x: size - 1 - i, y: 8, dark: bit(i)) }
        for i in 8..<15 { setFunction(x: 8, y: size - 15 + i, dark: bit(i)) }
        setFunction(x: 8, y: size - 8, dark: true)
    }

    /// Versions 7 and above carry their number in two 6×3 blocks, beside the top-right and
    /// the bottom-left finders.
    private mutating func drawVersion() {
        guard version.number >= 7 else { return }
        let bits = QRFormatInformation.versionBits(version.number)
        for i in 0..<18 {
            let dark = bits >> i & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            setFunction(x: a, y: b, dark: dark)
            setFunction(x: b, y: a, dark: dark)
        }
    }

    /// Places the codewords, most significant bit first, in pairs of columns from the right
    /// edge, going up and down in turn and skipping the vertical timing column. Modules
    /// left after the last codeword are remainder bits and stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        precondition(codewords.count == version.totalCodewords)
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] && index < bitCount {
                    modules[y * size + x] = codewords[index >> 3] >> (7 - UInt8(index & 7)) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
        assert(index == bitCount)
    }

    /// Inverts every non-function module where the mask's condition holds. Applying the
    /// same mask twice undoes it.
    mutating func applyMask(_ mask: QRMask) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && mask.inverts(x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}
