import Testing

@testable import TongguanDomain

@Suite("Credentials.passwordProblem: control characters refused")
struct PasswordControlTests {
    static let good = "abcdefgh12"

    @Test(
        "control, bidi, BOM, line-break and noncharacter scalars are refused with a message starting 密码",
        arguments: [
            (UInt32(0x00), "控制字符"), (0x1B, "控制字符"), (0x202E, "文字方向控制字符"), (0x0A, "换行符"), (0x0D, "换行符"),
            (0x09, "控制字符"), (0x7F, "控制字符"), (0x85, "控制字符"), (0x9F, "控制字符"), (0xFEFF, "字节顺序标记"),
            (0x2028, "换行符"), (0x200E, "文字方向控制字符"), (0xFFFF, "非字符码位"), (0x10FFFE, "非字符码位"),
        ])
    func refused(_ v: UInt32, _ what: String) throws {
        let scalar = Unicode.Scalar(v)!
        for (password, position) in [
            (Self.good + String(Character(scalar)), 11), (String(Character(scalar)) + Self.good, 1),
            ("abcde" + String(Character(scalar)) + "fgh12", 6),
        ] {
            let message = try #require(Credentials.passwordProblem(password))
            #expect(message.hasPrefix("密码"))
            #expect(message == "密码" + TextPolicy.Problem(scalar: scalar, position: position).message)
            #expect(message.contains(what))
        }
    }

    @Test("a control character is named before length or mix is judged")
    func controlFirst() throws {
        let short = try #require(Credentials.passwordProblem("a\u{0}"))
        #expect(short.contains("U+0000"))
        let long = try #require(Credentials.passwordProblem(String(repeating: "a1", count: 50) + "\u{1B}"))
        #expect(long.contains("U+001B"))
        let noDigit = try #require(Credentials.passwordProblem("abcdefghijk\u{202E}"))
        #expect(noDigit.contains("U+202E"))
    }

    @Test("the message never repeats the password", arguments: ["secretpass1\u{0}", "\u{1B}[2Jpassword99"])
    func noEcho(_ password: String) throws {
        let message = try #require(Credentials.passwordProblem(password))
        #expect(!message.contains("secretpass") && !message.contains("password"))
    }

    @Test(
        "spaces, ideographic spaces, CJK, emoji and joiners stay allowed and are not trimmed",
        arguments: [
            "  abcdefgh1  ", "\u{3000}密码abc12345\u{3000}", "abc 123 def 456", "pass😀word12", "a\u{200D}b\u{200B}c1234567", "e\u{301}abcdefg12",
        ])
    func allowed(_ password: String) {
        #expect(Credentials.passwordProblem(password) == nil)
    }
}
