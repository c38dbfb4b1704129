import Testing

@testable import TongguanDomain

/// The text policy, character class by character class: what is refused, what is kept exactly,
/// what is trimmed, and what the refusal says.
@Suite("TextPolicy: refused, kept and trimmed characters")
struct TextPolicyTests {
    static let bidiControls: [UInt32] = [0x061C, 0x200E, 0x200F] + Array(0x202A...0x202E) + Array(0x2066...0x2069)
    static let c1Controls: [UInt32] = Array(0x80...0x9F)
    static let c0Controls: [UInt32] = Array(0x00...0x1F)
    /// Every noncharacter: U+FDD0…U+FDEF and the last two code points of each of the 17 planes.
    static let noncharacters: [UInt32] = Array(0xFDD0...0xFDEF) + (0...16).flatMap { [$0 << 16 | 0xFFFE, $0 << 16 | 0xFFFF] }

    static func scalar(_ v: UInt32) -> Unicode.Scalar { Unicode.Scalar(v)! }
    static func text(_ parts: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: parts)
        return String(view)
    }
    /// "a", the scalar, "b": the scalar is the second character (none of the refused ones
    /// joins a neighbour into one grapheme).
    static func between(_ v: UInt32) -> String { text(["a", scalar(v), "b"]) }

    static func singleLineProblem(_ raw: String) -> TextPolicy.Problem? {
        do { _ = try TextPolicy.singleLine(raw); return nil } catch { return error }
    }
    static func multiLineProblem(_ raw: String) -> TextPolicy.Problem? {
        do { _ = try TextPolicy.multiLine(raw); return nil } catch { return error }
    }

    // MARK: Control characters

    @Test("every C0 control is refused in single-line text", arguments: c0Controls)
    func c0SingleLine(_ v: UInt32) {
        #expect(Self.singleLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: Self.scalar(v), position: 2))
        #expect(TextPolicy.firstProblem(in: Self.between(v)) == TextPolicy.Problem(scalar: Self.scalar(v), position: 2))
    }

    @Test("DEL and every C1 control are refused in single- and multi-line text", arguments: [0x7F] + c1Controls)
    func delAndC1(_ v: UInt32) {
        let expected = TextPolicy.Problem(scalar: Self.scalar(v), position: 2)
        #expect(Self.singleLineProblem(Self.between(v)) == expected)
        #expect(Self.multiLineProblem(Self.between(v)) == expected)
        #expect(TextPolicy.firstProblem(in: Self.between(v), multiLine: true) == expected)
    }

    @Test("in multi-line text only LF and TAB pass among C0 (CR is normalised first)", arguments: c0Controls)
    func c0MultiLine(_ v: UInt32) throws {
        switch v {
        case 0x0A, 0x09:
            let kept = try TextPolicy.multiLine(Self.between(v))
            #expect(Array(kept.unicodeScalars) == ["a", Self.scalar(v), "b"])
            #expect(TextPolicy.firstProblem(in: Self.between(v), multiLine: true) == nil)
        case 0x0D:
            #expect(Array(try TextPolicy.multiLine(Self.between(v)).unicodeScalars) == ["a", "\n", "b"])
            // firstProblem checks text as given: a CR that multiLine would have normalised is refused.
            #expect(TextPolicy.firstProblem(in: Self.between(v), multiLine: true)?.scalar == "\r")
        default:
            #expect(Self.multiLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: Self.scalar(v), position: 2))
        }
    }

    @Test(
        "CR LF and lone CR become LF in multi-line text",
        arguments: [
            ("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\r\n\r\nb", "a\n\nb"), ("a\n\rb", "a\n\nb"),
            ("a\r\r\nb", "a\n\nb"), ("a\r\rb", "a\n\nb"), ("第一行\r\n第二行\r第三行\n第四行", "第一行\n第二行\n第三行\n第四行"),
            ("a\r\n\tb\r", "a\n\tb"),
            // A CR before a combining mark, virama, variation selector or ZWNJ is still a line break
            // (found by the property test: Foundation's replacingOccurrences skipped these).
            ("a\r\u{301}b", "a\n\u{301}b"), ("क\r\u{94D}ष", "क\n\u{94D}ष"), ("a\r\u{FE0F}b", "a\n\u{FE0F}b"),
            ("a\r\u{200C}b", "a\n\u{200C}b"), ("a\r\r\u{301}b", "a\n\n\u{301}b"), ("a\r\n\u{301}b", "a\n\u{301}b"),
        ])
    func carriageReturns(_ raw: String, _ expected: String) throws {
        let out = try TextPolicy.multiLine(raw)
        #expect(Array(out.unicodeScalars) == Array(expected.unicodeScalars))
        #expect(!out.unicodeScalars.contains("\r"))
    }

    @Test(
        "CR, CR LF, LF and TAB inside single-line text are refused at their position",
        arguments: [
            ("a\r\nb", UInt32(0x0D), 2), ("ab\rc", 0x0D, 3), ("张三\n李四", 0x0A, 3), ("x\ty", 0x09, 2),
        ])
    func lineBreaksInSingleLine(_ raw: String, _ v: UInt32, _ position: Int) {
        #expect(Self.singleLineProblem(raw) == TextPolicy.Problem(scalar: Self.scalar(v), position: position))
    }

    // MARK: Invisible format characters

    @Test("bidirectional controls are refused anywhere, in both kinds of text", arguments: bidiControls)
    func bidi(_ v: UInt32) {
        let s = Self.scalar(v)
        #expect(Self.singleLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: s, position: 2))
        #expect(Self.multiLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: s, position: 2))
        #expect(Self.singleLineProblem(Self.text([s, "a"])) == TextPolicy.Problem(scalar: s, position: 1))
        #expect(Self.singleLineProblem(Self.text(["a", "b", s])) == TextPolicy.Problem(scalar: s, position: 3))
        #expect(Self.singleLineProblem(Self.text([" ", s, "a", " "])) == TextPolicy.Problem(scalar: s, position: 1))
    }

    @Test("U+FEFF is refused anywhere, the ends included: it is not white space")
    func byteOrderMark() {
        let bom = Self.scalar(0xFEFF)
        #expect(!TextPolicy.isBlank(bom))
        #expect(TextPolicy.trimmed("\u{FEFF}a\u{FEFF}").unicodeScalars.count == 3)
        for (raw, position) in [("\u{FEFF}abc", 1), ("abc\u{FEFF}", 4), ("a\u{FEFF}b", 2), ("  \u{FEFF}abc  ", 1), ("\u{FEFF}", 1)] {
            #expect(Self.singleLineProblem(raw) == TextPolicy.Problem(scalar: bom, position: position))
            #expect(Self.multiLineProblem(raw) == TextPolicy.Problem(scalar: bom, position: position))
            #expect((try? TextPolicy.secret(raw)) == nil)
        }
    }

    @Test("line and paragraph separators: refused in single-line, kept in multi-line", arguments: [UInt32(0x2028), 0x2029])
    func separators(_ v: UInt32) throws {
        #expect(Self.singleLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: Self.scalar(v), position: 2))
        #expect(Array(try TextPolicy.multiLine(Self.between(v)).unicodeScalars) == ["a", Self.scalar(v), "b"])
        // They are white space, so at the ends they are trimmed rather than refused.
        #expect(try TextPolicy.singleLine(Self.text([Self.scalar(v), "a", Self.scalar(v)])) == "a")
    }

    @Test("noncharacters in every plane are refused", arguments: noncharacters)
    func noncharacter(_ v: UInt32) {
        let s = Self.scalar(v)
        #expect(Self.scalar(v).properties.isNoncharacterCodePoint)
        #expect(Self.singleLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: s, position: 2))
        #expect(Self.multiLineProblem(Self.between(v)) == TextPolicy.Problem(scalar: s, position: 2))
        #expect(Self.singleLineProblem(Self.text([s])) == TextPolicy.Problem(scalar: s, position: 1))
    }

    @Test("the neighbours of noncharacters pass", arguments: [UInt32(0xFDCF), 0xFDF0, 0xFFFD, 0x1FFFD, 0x10FFFD, 0xEFFFD])
    func noncharacterNeighbours(_ v: UInt32) throws {
        #expect(Array(try TextPolicy.singleLine(Self.between(v)).unicodeScalars) == ["a", Self.scalar(v), "b"])
    }

    // MARK: Kept exactly

    @Test(
        "joiners, soft hyphens, compatibility ideographs, private use, emoji, combining marks and supplementary CJK are kept scalar for scalar",
        arguments: [
            [0x200B], [0x200C], [0x200D], [0x00AD], [0xF900], [0xFA0E], [0xE000], [0xF0000], [0x100000],
            [0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467], [0x1F3F3, 0xFE0F, 0x200D, 0x1F308], [0x65, 0x301], [0x20000], [0x2A6D6],
            [0x0915, 0x094D, 0x200D, 0x0937], [0x0627, 0x200C, 0x0644], [0x1F1E8, 0x1F1F3],
        ] as [[UInt32]])
    func keptExactly(_ values: [UInt32]) throws {
        let scalars = values.map(Self.scalar)
        for raw in [Self.text(scalars), Self.text(["名"] + scalars + ["字"])] {
            #expect(Array(try TextPolicy.singleLine(raw).unicodeScalars) == Array(raw.unicodeScalars))
            #expect(Array(try TextPolicy.multiLine(raw).unicodeScalars) == Array(raw.unicodeScalars))
            #expect(Array(try TextPolicy.secret(raw).unicodeScalars) == Array(raw.unicodeScalars))
            #expect(TextPolicy.firstProblem(in: raw) == nil)
        }
    }

    @Test("zero-width space at the ends is kept: it is not White_Space")
    func zeroWidthSpaceAtEnds() throws {
        let raw = "\u{200B}张三\u{200B}"
        #expect(Array(try TextPolicy.singleLine(raw).unicodeScalars) == Array(raw.unicodeScalars))
    }

    @Test("e + U+0301 stays two scalars; it is not composed to é")
    func noComposition() throws {
        let out = try TextPolicy.singleLine("Caf\u{65}\u{301}")
        #expect(out.unicodeScalars.count == 5)
        #expect(out.unicodeScalars.last == "\u{301}")
        let precomposed = try TextPolicy.singleLine("Caf\u{E9}")
        #expect(precomposed.unicodeScalars.count == 4)
    }

    @Test("U+F900 is not replaced by its canonical equivalent U+8C48")
    func compatibilityIdeograph() throws {
        let out = try TextPolicy.singleLine("\u{F900}")
        #expect(out.unicodeScalars.map(\.value) == [0xF900])
    }
}
