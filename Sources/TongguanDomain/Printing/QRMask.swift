/// The eight data mask patterns of ISO/IEC 18004 §7.8.2, and the penalty rules (§7.8.3)
/// that pick one. A mask breaks up areas a reader would misread (large blocks of one
/// colour, look-alikes of the finder pattern); the encoder tries all eight and keeps the
/// one with the lowest penalty.
enum QRMask: Int, Sendable, CaseIterable {
    case m0, m1, m2, m3, m4, m5, m6, m7

    /// Whether the module at column `x`, row `y` is inverted (the standard writes i = row,
    /// j = column).
    func inverts(x j: Int, y i: Int) -> Bool {
        switch self {
        case .m0: (i + j) % 2 == 0
        case .m1: i % 2 == 0
        case .m2: j % 3 == 0
        case .m3: (i + j) % 3 == 0
        case .m4: (i / 2 + j / 3) % 2 == 0
        case .m5: (i * j) % 2 + (i * j) % 3 == 0
        case .m6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case .m7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// The four penalty weights N1–N4.
    static let runPenalty = 3, blockPenalty = 3, finderPenalty = 40, balancePenalty = 10

    /// The total penalty of a finished symbol given row by row (function patterns
    /// included: the standard scores the whole symbol as a reader sees it).
    static func penalty(rows: [[Bool]]) -> Int {
        let size = rows.count
        let columns = (0..<size).map { x in rows.map { $0[x] } }
        var total = blockPenalty(rows) + balancePenalty(rows)
        for line in rows + columns {
            total += runPenalty(line) + finderPenalty(line)
        }
        return total
    }

    /// Rule 1: each run of five or more modules of one colour in a row or column scores
    /// N1 + (length − 5).
    static func runPenalty(_ line: [Bool]) -> Int {
        var total = 0
        var runLength = 0
        for (i, dark) in line.enumerated() {
            runLength = i > 0 && line[i - 1] == dark ? runLength + 1 : 1
            let runEnds = i == line.count - 1 || line[i + 1] != dark
            if runEnds && runLength >= 5 { total += runPenalty + runLength - 5 }
        }
        return total
    }

    /// Rule 2: every 2×2 square of one colour scores N2 (overlapping squares all count, so
    /// an m×n block scores N2 × (m − 1) × (n − 1)).
    static func blockPenalty(_ rows: [[Bool]]) -> Int {
        var total = 0
        for y in 0..<(rows.count - 1) {
            for x in 0..<(rows.count - 1) {
                let colour = rows[y][x]
                if rows[y][x + 1] == colour && rows[y + 1][x] == colour && rows[y + 1][x + 1] == colour {
                    total += blockPenalty
                }
            }
        }
        return total
    }

    /// Rule 3: the finder's 1:1:3:1:1 dark–light–dark–light–dark run with four light
    /// modules on either side, in a row or column, scores N3 each time. Only modules inside
    /// the symbol count; the quiet zone is not part of the scored area.
    static func finderPenalty(_ line: [Bool]) -> Int {
        // The last 11 modules as bits, the newest lowest: 0000 1011101 (light before the
        // pattern) or 1011101 0000 (light after).
        let lightBefore = 0b000_0101_1101, lightAfter = 0b101_1101_0000
        var window = 0
        var total = 0
        for (i, dark) in line.enumerated() {
            window = (window << 1 | (dark ? 1 : 0)) & 0x7FF
            guard i >= 10 else { continue }
            if window == lightBefore { total += finderPenalty }
            if window == lightAfter { total += finderPenalty }
        }
        return total
    }

    /// Rule 4: N4 for every full 5 % that the share of dark modules deviates from 50 %.
    static func balancePenalty(_ rows: [[Bool]]) -> Int {
        let total = rows.count * rows.count
        let dark = rows.reduce(0) { $0 + $1.count { $0 } }
        // floor(|dark/total × 100 − 50| / 5) = |20·dark − 10·total| / total in integers.
        return balancePenalty * (abs(20 * dark - 10 * total) / total)
    }
}
