import Testing

@testable import TongguanDomain

/// The byte-level fast paths an import takes for the common cell (`Fen.plainDecimal`,
/// `CivilDate.plainISO`, `PhoneNumber.isPlainMobile`) answer exactly what the general
/// readers answer: for 200,000 strings near the common forms and random ones, the public
/// reader (fast path first) and the general reader alone agree, value or refusal.
@Suite("Import fast paths agree with the general readers")
struct ImportFastPathTests {
    /// Near-valid and random cells: digits, points, separators, signs, units, dashes, spaces.
    static func cells(seed: UInt64, count: Int) -> [String] {
        var rng = SeededNumbers(seed: seed)
        let alphabet: [String] = [
            "0", "1", "2", "3", "9", "5", "7", ".", "-", ",", "，", "+", " ", "\u{3000}", "万", "元", "年", "月", "日", "/", "X", "１",
        ]
        let shapes = [
            "2021-07-16", "2021-02-29", "2020-02-29", "1899-12-31", "2200-12-31", "13912345678", "10912345678", "1234.5", "0.000001",
            "999999999999.999999", "1234567890123", "12,345.6", "0358-8221234", ".5", "5.", "007", "",
        ]
        var out: [String] = shapes
        for _ in 0..<count {
            if rng.below(2) == 0 {
                // A common shape with one or two characters changed, added or removed.
                var chars = Array(shapes[Int(rng.below(UInt64(shapes.count)))])
                for _ in 0...rng.below(2) {
                    let op = rng.below(3)
                    let c = Character(alphabet[Int(rng.below(UInt64(alphabet.count)))])
                    let at = chars.isEmpty ? 0 : Int(rng.below(UInt64(chars.count)))
                    switch op {
                    case 0 where !chars.isEmpty: chars[at] = c
                    case 1: chars.insert(c, at: at)
                    default: if !chars.isEmpty { chars.remove(at: at) }
                    }
                }
                out.append(String(chars))
            } else {
                let length = Int(rng.below(15))
                out.append((0..<length).map { _ in alphabet[Int(rng.below(UInt64(alphabet.count)))] }.joined())
            }
        }
        return out
    }

    static func outcome(_ read: () throws(Fen.Problem) -> Int64) -> String {
        do { return "ok \(try read())" } catch { return "refused \(error)" }
    }

    @Test func amountsAgree() {
        var fast = 0
        for cell in Self.cells(seed: 7, count: 100_000) {
            #expect(
                Self.outcome { () throws(Fen.Problem) in try Fen.fromWan(cell) }
                    == Self.outcome { () throws(Fen.Problem) in try Fen.parseGeneralDecimal(cell, unitSuffixes: ["万元", "万"], decimals: 6) },
                "万元 \(cell)")
            #expect(
                Self.outcome { () throws(Fen.Problem) in try Fen.fromYuan(cell) }
                    == Self.outcome { () throws(Fen.Problem) in try Fen.parseGeneralDecimal(cell, unitSuffixes: ["元"], decimals: 2) },
                "元 \(cell)")
            if Fen.plainDecimal(cell, decimals: 6) != nil { fast += 1 }
        }
        #expect(fast > 100, "the fast path was taken")
    }

    @Test func datesAgree() {
        var fast = 0
        for cell in Self.cells(seed: 11, count: 100_000) {
            #expect(CivilDate(parsing: cell) == CivilDate(parsingGeneral: cell), "\(cell)")
            if CivilDate.plainISO(cell) != nil { fast += 1 }
        }
        #expect(fast > 100, "the fast path was taken")
    }

    @Test func phonesAgree() {
        var fast = 0
        for cell in Self.cells(seed: 13, count: 100_000) {
            #expect(PhoneNumber.normalized(cell) == PhoneNumber.normalizedGeneral(cell), "\(cell)")
            if PhoneNumber.isPlainMobile(cell) { fast += 1 }
        }
        #expect(fast > 100, "the fast path was taken")
    }
}
