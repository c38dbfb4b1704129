import Testing

@testable import TongguanDomain

@Suite("QR mask penalty rules")
struct QRMaskTests {
    private static func line(_ pattern: String) -> [Bool] { pattern.map { $0 == "1" } }

    @Test("rule 1: runs of five or more score 3 + (length − 5)")
    func runs() {
        #expect(QRMask.runPenalty(Self.line("0000")) == 0)
        #expect(QRMask.runPenalty(Self.line("11110")) == 0)
        #expect(QRMask.runPenalty(Self.line("11111")) == 3)
        #expect(QRMask.runPenalty(Self.line("0111110")) == 3)
        #expect(QRMask.runPenalty(Self.line("1111111")) == 5)
        #expect(QRMask.runPenalty(Self.line("00000111110000000")) == 3 + 3 + 5)
        #expect(QRMask.runPenalty(Self.line("0101010101")) == 0)
    }

    @Test("rule 2: every 2×2 block of one colour scores 3")
    func blocks() {
        #expect(QRMask.blockPenalty([Self.line("11"), Self.line("11")]) == 3)
        #expect(QRMask.blockPenalty([Self.line("00"), Self.line("00")]) == 3)
        #expect(QRMask.blockPenalty([Self.line("10"), Self.line("11")]) == 0)
        #expect(QRMask.blockPenalty([Self.line("111"), Self.line("111"), Self.line("111")]) == 12)
        #expect(QRMask.blockPenalty([Self.line("101"), Self.line("010"), Self.line("101")]) == 0)
    }

    @Test("rule 3: a finder look-alike with four light modules on one side scores 40")
    func finderLookAlikes() {
        #expect(QRMask.finderPenalty(Self.line("00001011101")) == 40)
        #expect(QRMask.finderPenalty(Self.line("10111010000")) == 40)
        #expect(QRMask.finderPenalty(Self.line("000010111010000")) == 80)
        #expect(QRMask.finderPenalty(Self.line("1000010111011")) == 40)
        #expect(QRMask.finderPenalty(Self.line("0001011101000")) == 0, "only three light modules each side")
        #expect(QRMask.finderPenalty(Self.line("00001011001")) == 0)
        #expect(QRMask.finderPenalty(Self.line("1011101")) == 0)
    }

    @Test("rule 4: 10 points for each full 5 % the dark share is away from 50 %")
    func balance() {
        func square(dark: Int) -> [[Bool]] {
            (0..<10).map { y in (0..<10).map { x in y * 10 + x < dark } }
        }
        #expect(QRMask.balancePenalty(square(dark: 50)) == 0)
        #expect(QRMask.balancePenalty(square(dark: 46)) == 0)
        #expect(QRMask.balancePenalty(square(dark: 54)) == 0)
        #expect(QRMask.balancePenalty(square(dark: 45)) == 10)
        #expect(QRMask.balancePenalty(square(dark: 55)) == 10)
        #expect(QRMask.balancePenalty(square(dark: 41)) == 10)
        #expect(QRMask.balancePenalty(square(dark: 40)) == 20)
        #expect(QRMask.balancePenalty(square(dark: 0)) == 100)
        #expect(QRMask.balancePenalty(square(dark: 100)) == 100)
    }

    @Test("the total adds the four rules over rows and columns")
    func total() {
        // A 5×5 all-dark square: rule 1 scores 3 on 5 rows and 5 columns, rule 2 scores
        // 16 blocks × 3, rule 3 nothing, rule 4 the full 100.
        let rows = Array(repeating: Array(repeating: true, count: 5), count: 5)
        #expect(QRMask.penalty(rows: rows) == 30 + 48 + 100)
    }

    @Test(
        "the encoder keeps the mask with the lowest penalty, the lowest number on a tie",
        arguments: ["https://tongguan.example.gov.cn/monitoring/households/14112410220100019", "吕梁市临县", "A", String(repeating: "x", count: 200)])
    func chosenMaskIsBest(_ text: String) throws {
        let bytes = Array(text.utf8)
        let penalties = try QRMask.allCases.map { try QRMask.penalty(rows: QRCode(bytes: bytes, forcedMask: $0).rows) }
        let best = try #require(penalties.min())
        let code = try QRCode(bytes: bytes)
        #expect(code.mask == penalties.firstIndex(of: best))
        #expect(code == (try QRCode(bytes: bytes, forcedMask: QRMask(rawValue: code.mask))))
    }

    @Test("the mask conditions of ISO/IEC 18004 Table 10, checked on the first rows")
    func maskConditions() {
        // Row 0 and row 1 of each mask over columns 0–5 (1 = inverted), worked out by hand.
        let expected: [QRMask: (String, String)] = [
            .m0: ("101010", "010101"),
            .m1: ("111111", "000000"),
            .m2: ("100100", "100100"),
            .m3: ("100100", "001001"),
            .m4: ("111000", "111000"),
            .m5: ("111111", "100000"),
            .m6: ("111111", "111000"),
            .m7: ("101010", "000111"),
        ]
        for (mask, (row0, row1)) in expected {
            #expect((0..<6).map { mask.inverts(x: $0, y: 0) } == Self.line(row0), "mask \(mask.rawValue) row 0")
            #expect((0..<6).map { mask.inverts(x: $0, y: 1) } == Self.line(row1), "mask \(mask.rawValue) row 1")
        }
    }
}
