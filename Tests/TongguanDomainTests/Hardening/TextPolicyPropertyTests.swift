import Testing

@testable import TongguanDomain

/// Random text over every plane against an oracle written from the policy's description, so
/// the library's fast path, trimming and position counting are checked together.
@Suite("TextPolicy: properties over random text")
struct TextPolicyPropertyTests {
    /// The policy as documented, independent of the library's switch.
    static func refusedByPolicy(_ s: Unicode.Scalar, multiLine: Bool) -> Bool {
        let v = s.value
        if v == 0x09 || v == 0x0A { return !multiLine }
        if v <= 0x1F || (0x7F...0x9F).contains(v) { return true }
        if [0x061C, 0x200E, 0x200F, 0xFEFF].contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        if v == 0x2028 || v == 0x2029 { return !multiLine }
        return s.properties.isNoncharacterCodePoint
    }

    /// Scalars that sit near the policy's edges, mixed into random text much more often than
    /// chance would put them there.
    static let interesting: [UInt32] = [
        0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x20, 0x7F, 0x85, 0x9F, 0xA0, 0xAD, 0x301, 0x61C, 0x1680, 0x200B, 0x200C, 0x200D,
        0x200E, 0x2028, 0x2029, 0x202E, 0x202F, 0x205F, 0x2066, 0x3000, 0xFDD0, 0xFE0F, 0xFEFF, 0xFFFE, 0xF900,
        0xE000, 0x1F468, 0x1F1E8, 0x20000, 0x10FFFF, 0x10FFFD, 0xF0000, 0x0915, 0x094D, 0x1100, 0x1161, 0x11A8,
    ]

    @Test("isBlank is Unicode's White_Space property, for every scalar")
    func blankIsWhiteSpace() {
        var disagreements: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(value) else { continue }
            if TextPolicy.isBlank(s) != s.properties.isWhitespace { disagreements.append(value) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10).map { String($0, radix: 16) })")
    }

    @Test("trimming's byte test never passes over a White_Space scalar at either end")
    func blankBytes() {
        for value in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(value), s.properties.isWhitespace else { continue }
            let bytes = Array(String(s).utf8)
            #expect(TextPolicy.mayStartBlank(bytes.first!), "U+\(String(value, radix: 16)) starts with \(bytes.first!)")
            #expect(TextPolicy.mayEndBlank(bytes.last!), "U+\(String(value, radix: 16)) ends with \(bytes.last!)")
            // …and the trimming itself: the scalar at either end of a text goes.
            #expect(TextPolicy.trimmed(String(s) + "村") == "村")
            #expect(TextPolicy.trimmed("村" + String(s)) == "村")
            #expect(TextPolicy.trimmed("a" + String(s)) == "a")
        }
    }

    static func randomScalar(_ rng: inout SeededNumbers) -> Unicode.Scalar {
        switch rng.below(10) {
        case 0...3: return Unicode.Scalar(interesting[Int(rng.below(UInt64(interesting.count)))])!
        case 4...5: return Unicode.Scalar(UInt32(0x4E00 + rng.below(0x5200)))!  // common CJK
        case 6: return Unicode.Scalar(UInt32(0x21 + rng.below(0x5E)))!  // printable ASCII
        default:
            while true {  // anywhere in the code space, surrogates excepted
                if let s = Unicode.Scalar(UInt32(rng.below(0x110000))) { return s }
            }
        }
    }

    static func randomText(_ rng: inout SeededNumbers) -> String {
        var view = String.UnicodeScalarView()
        for _ in 0..<rng.below(14) { view.append(randomScalar(&rng)) }
        return String(view)
    }

    /// The problem the oracle expects for text already trimmed (and normalised).
    static func expectedProblem(_ text: String, multiLine: Bool) -> TextPolicy.Problem? {
        for (i, character) in text.enumerated() {
            if let bad = character.unicodeScalars.first(where: { refusedByPolicy($0, multiLine: multiLine) }) {
                return TextPolicy.Problem(scalar: bad, position: i + 1)
            }
        }
        return nil
    }

    static func crToLF(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for s in text.unicodeScalars {
            if s == "\n" && previousCR { previousCR = false; continue }
            previousCR = s == "\r"
            out.append(previousCR ? "\n" : s)
        }
        return String(out)
    }

    static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    @Test("singleLine refuses or returns trimmed(input), which passes, exactly as the oracle says; idempotent")
    func singleLineProperty() throws {
        var rng = SeededNumbers(seed: 0x7E47_5011_C1E5)
        var accepted = 0, refused = 0
        for _ in 0..<20_000 {
            let raw = Self.randomText(&rng)
            let trimmed = TextPolicy.trimmed(raw)
            let expected = Self.expectedProblem(trimmed, multiLine: false)
            do {
                let out = try TextPolicy.singleLine(raw)
                accepted += 1
                #expect(expected == nil, "accepted \(Self.scalars(raw))")
                #expect(Self.scalars(out) == Self.scalars(trimmed))
                #expect(TextPolicy.firstProblem(in: out) == nil)
                #expect(Self.scalars(try TextPolicy.singleLine(out)) == Self.scalars(out))
                #expect(out.unicodeScalars.first.map(TextPolicy.isBlank) != true)
                #expect(out.unicodeScalars.last.map(TextPolicy.isBlank) != true)
            } catch {
                refused += 1
                #expect(error == expected, "refused \(Self.scalars(raw))")
                #expect(TextPolicy.firstProblem(in: trimmed) == error)
            }
        }
        #expect(accepted > 1_000)
        #expect(refused > 1_000)
    }

    @Test("multiLine refuses or returns trimmed(input) with CRs made LF, which passes, as the oracle says; idempotent")
    func multiLineProperty() throws {
        var rng = SeededNumbers(seed: 0x00DD_BA11)
        var accepted = 0, refused = 0
        for _ in 0..<20_000 {
            let raw = Self.randomText(&rng)
            let normalised = Self.crToLF(TextPolicy.trimmed(raw))
            let expected = Self.expectedProblem(normalised, multiLine: true)
            do {
                let out = try TextPolicy.multiLine(raw)
                accepted += 1
                #expect(expected == nil, "accepted \(Self.scalars(raw))")
                #expect(Self.scalars(out) == Self.scalars(normalised), "input \(Self.scalars(raw))")
                #expect(TextPolicy.firstProblem(in: out, multiLine: true) == nil)
                #expect(Self.scalars(try TextPolicy.multiLine(out)) == Self.scalars(out))
            } catch {
                refused += 1
                #expect(error == expected, "refused \(Self.scalars(raw))")
            }
        }
        #expect(accepted > 1_000)
        #expect(refused > 1_000)
    }

    @Test("firstProblem agrees with the documented policy for every single scalar")
    func everyScalar() {
        var disagreements: [UInt32] = []
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let text = String(Character(s))
            for multiLine in [false, true] {
                let expected = Self.refusedByPolicy(s, multiLine: multiLine) ? TextPolicy.Problem(scalar: s, position: 1) : nil
                if TextPolicy.firstProblem(in: text, multiLine: multiLine) != expected { disagreements.append(v) }
            }
        }
        #expect(disagreements.isEmpty, "first disagreements: \(disagreements.prefix(10).map { String($0, radix: 16) })")
    }
}
