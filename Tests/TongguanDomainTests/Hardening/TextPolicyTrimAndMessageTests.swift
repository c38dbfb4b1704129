import Testing

@testable import TongguanDomain

@Suite("TextPolicy: trimming, messages and secrets")
struct TextPolicyTrimAndMessageTests {
    /// Unicode's White_Space property (PropList.txt), written out so a change in what the
    /// library treats as blank shows up here.
    static let whiteSpace: [UInt32] =
        Array(0x09...0x0D) + [0x20, 0x85, 0xA0, 0x1680] + Array(0x2000...0x200A)
        + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]

    @Test("isBlank is exactly Unicode White_Space over every scalar")
    func blankSet() {
        var blanks: [UInt32] = []
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            if TextPolicy.isBlank(s) { blanks.append(v) }
        }
        #expect(blanks == Self.whiteSpace)
        for v: UInt32 in [0xFEFF, 0x200B, 0x180E, 0x2060, 0x1C, 0x1F] {
            #expect(!TextPolicy.isBlank(Unicode.Scalar(v)!))
        }
    }

    @Test("every white-space scalar is trimmed at both ends and kept inside", arguments: whiteSpace)
    func trimsEach(_ v: UInt32) {
        let ws = Character(Unicode.Scalar(v)!)
        let raw = "\(ws)\(ws)甲\(ws)乙\(ws)"
        let out = TextPolicy.trimmed(raw)
        #expect(Array(out.unicodeScalars) == Array("甲\(ws)乙".unicodeScalars))
    }

    @Test("white space allowed inside single-line text stays inside", arguments: [UInt32(0x3000), 0xA0, 0x2003, 0x1680, 0x202F, 0x205F, 0x20])
    func singleLineInside(_ v: UInt32) throws {
        let ws = Character(Unicode.Scalar(v)!)
        let out = try TextPolicy.singleLine("\(ws)张\(ws)三\(ws)")
        #expect(Array(out.unicodeScalars) == Array("张\(ws)三".unicodeScalars))
    }

    @Test(
        "mixed runs of white space at the ends go; blank text becomes empty",
        arguments: [
            ("\u{3000}\t \u{A0}张三\u{2003}\n", "张三"), ("\u{85}\u{1680}\u{202F}a b\u{205F}\r\n", "a b"),
            ("", ""), ("   ", ""), ("\u{3000}\u{A0}\t\n\u{85}", ""), ("x", "x"),
        ])
    func mixedRuns(_ raw: String, _ expected: String) throws {
        #expect(TextPolicy.trimmed(raw) == expected)
        #expect(try TextPolicy.singleLine(raw) == expected)
        #expect(try TextPolicy.multiLine(raw) == expected)
    }

    @Test("NEL (U+0085) is trimmed at the ends but refused inside: it is a C1 control")
    func nextLine() {
        #expect(TextPolicy.trimmed("\u{85}a\u{85}") == "a")
        #expect((try? TextPolicy.singleLine("a\u{85}b")) == nil)
        #expect((try? TextPolicy.multiLine("a\u{85}b")) == nil)
    }

    // MARK: Messages

    @Test(
        "the message names the 1-based position, the code point and is Chinese",
        arguments: [
            (UInt32(0x202E), 3, "文字方向控制字符", "U+202E"),
            (0x0000, 1, "控制字符", "U+0000"),
            (0x001B, 12, "控制字符", "U+001B"),
            (0x0085, 2, "控制字符", "U+0085"),
            (0x007F, 2, "控制字符", "U+007F"),
            (0xFEFF, 1, "字节顺序标记", "U+FEFF"),
            (0x2028, 4, "换行符", "U+2028"),
            (0x000A, 2, "换行符", "U+000A"),
            (0x000D, 2, "换行符", "U+000D"),
            (0xFDD0, 5, "非字符码位", "U+FDD0"),
            (0x1FFFF, 2, "非字符码位", "U+1FFFF"),
            (0x10FFFF, 7, "非字符码位", "U+10FFFF"),
        ])
    func message(_ v: UInt32, _ position: Int, _ what: String, _ code: String) {
        let message = TextPolicy.Problem(scalar: Unicode.Scalar(v)!, position: position).message
        #expect(message.hasPrefix("第\(position)个字符"))
        #expect(message.contains(what))
        #expect(message.contains("(\(code))"))
        #expect(message.contains("请删除"))
        #expect(!message.contains(Character(Unicode.Scalar(v)!)))
    }

    @Test(
        "positions count characters people see, not scalars or UTF-16 units",
        arguments: [
            ("e\u{301}e\u{301}\u{7}", 3),
            ("👨‍👩‍👧\u{0}", 2),
            ("🇨🇳🇨🇳x\u{202E}", 4),
            ("张三\u{7}", 3),
            ("𠀀𠀁\u{1B}", 3),
            ("\u{0}", 1),
            ("   ab\u{7}", 3),  // counted in the trimmed text
        ])
    func positionsInCharacters(_ raw: String, _ position: Int) throws {
        let problem = try #require(TextPolicyTests.singleLineProblem(raw))
        #expect(problem.position == position)
        #expect(problem.message.hasPrefix("第\(position)个字符"))
    }

    @Test("the first refused character is reported when there are several")
    func firstOfSeveral() {
        #expect(TextPolicyTests.singleLineProblem("ok\u{202E}x\u{0}") == TextPolicy.Problem(scalar: "\u{202E}", position: 3))
        #expect(TextPolicy.firstProblem(in: "a\n\u{0}", multiLine: true) == TextPolicy.Problem(scalar: "\u{0}", position: 3))
        #expect(TextPolicy.firstProblem(in: "a\n\u{0}") == TextPolicy.Problem(scalar: "\n", position: 2))
    }

    // MARK: Secrets

    @Test("secret keeps the text exactly, white space included")
    func secretKept() throws {
        for raw in ["  pass word\u{3000} ", "\u{A0}x", "e\u{301}", "\u{200D}", ""] {
            #expect(Array(try TextPolicy.secret(raw).unicodeScalars) == Array(raw.unicodeScalars))
        }
    }

    @Test(
        "secret refuses control, bidi, line-break and noncharacter scalars",
        arguments: [
            ("pass\u{0}word", UInt32(0x0), 5), ("\u{1B}[2Jabc", 0x1B, 1), ("abc\u{202E}", 0x202E, 4),
            ("a\nb", 0x0A, 2), (" \tab", 0x09, 2), ("ab\u{FFFF}", 0xFFFF, 3), ("a\u{2029}", 0x2029, 2),
        ])
    func secretRefuses(_ raw: String, _ v: UInt32, _ position: Int) {
        #expect(throws: TextPolicy.Problem(scalar: Unicode.Scalar(v)!, position: position)) { try TextPolicy.secret(raw) }
    }
}
