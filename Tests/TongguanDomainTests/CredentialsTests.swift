import Testing

@testable import TongguanDomain

@Suite("Credentials")
struct CredentialsTests {
    static let lengthMessage = "用户名长度应为2到32个字符"
    static let charsMessage = "用户名只能包含小写字母、数字、点、下划线和连字符"
    static let shortPassword = "密码至少10个字符"
    static let longPassword = "密码不能超过72字节"
    static let mixPassword = "密码须同时包含字母和数字"

    @Test("policy constants")
    func constants() {
        #expect(Credentials.minimumPasswordLength == 10)
        #expect(Credentials.maximumPasswordLength == 72)
    }

    // MARK: Username normalisation

    @Test(
        "normalisation trims spaces and lower-cases",
        arguments: [
            ("admin", "admin"),
            ("Admin", "admin"),
            ("ADMIN", "admin"),
            ("  Admin  ", "admin"),
            ("\tzhang.san\t", "zhang.san"),
            ("Li_Si-2", "li_si-2"),
            ("", ""),
            ("   ", ""),
            ("a b", "a b"),
        ])
    func normalisation(_ raw: String, _ normalized: String) {
        #expect(Credentials.normalizedUsername(raw) == normalized)
    }

    @Test("normalisation is idempotent", arguments: ["Admin", "  X.Y_z-1 ", "张三", "a b"])
    func idempotent(_ raw: String) {
        let once = Credentials.normalizedUsername(raw)
        #expect(Credentials.normalizedUsername(once) == once)
    }

    @Test("'Admin' and 'admin' are the same account")
    func caseInsensitive() {
        #expect(Credentials.normalizedUsername("Admin") == Credentials.normalizedUsername("admin"))
        #expect(Credentials.usernameProblem("Admin") == nil)
    }

    // MARK: Username rules

    @Test(
        "valid usernames",
        arguments: [
            "ab", "a1", "zhang.san", "li_si", "wang-wu", "user01", "0123456789", "a.b_c-d",
            String(repeating: "a", count: 32), "  Admin  ", "..", "--", "__",
        ])
    func validUsernames(_ raw: String) {
        #expect(Credentials.usernameProblem(raw) == nil)
    }

    @Test(
        "too short or too long",
        arguments: [
            "", "a", " a ", "   ", String(repeating: "a", count: 33), String(repeating: "b", count: 100),
            "张",
        ])
    func badLength(_ raw: String) {
        #expect(Credentials.usernameProblem(raw) == Self.lengthMessage)
    }

    @Test("32 characters after trimming is fine, 33 is not")
    func lengthBoundary() {
        #expect(Credentials.usernameProblem(" " + String(repeating: "a", count: 32) + " ") == nil)
        #expect(Credentials.usernameProblem(String(repeating: "a", count: 33)) == Self.lengthMessage)
        #expect(Credentials.usernameProblem("ab") == nil)
    }

    @Test(
        "forbidden characters",
        arguments: [
            "a b", "zhang san", "张三", "admin!", "a@b", "a+b", "user/1", "a\\b", "a'b", "a\"b",
            "ñandu", "naïve", "admin\n", "ad\tmin", "a,b", "a;b", "a%b", "ａｄｍｉｎ",
        ])
    func forbiddenCharacters(_ raw: String) {
        #expect(Credentials.usernameProblem(raw) == Self.charsMessage)
    }

    // MARK: Password policy

    @Test(
        "acceptable passwords",
        arguments: [
            "abcdefghi1", "1234567890a", "Passw0rd!!", "A123456789", "correct horse 9",
            "密码密码密码密码a1",  // 10 characters, 26 bytes
            String(repeating: "a", count: 71) + "1",  // exactly 72 bytes
        ])
    func goodPasswords(_ password: String) {
        #expect(Credentials.passwordProblem(password) == nil)
    }

    @Test(
        "too short (counted in characters)",
        arguments: [
            "", "a1", "abcdefgh1", "密码密码密码密a1",  // 9 characters though 23 bytes
            "👨‍👩‍👧‍👦👨‍👩‍👧‍👦a1",  // 4 characters
        ])
    func tooShort(_ password: String) {
        #expect(password.count < 10)
        #expect(Credentials.passwordProblem(password) == Self.shortPassword)
    }

    @Test("72 bytes is the limit, also with multibyte characters")
    func byteLimit() {
        // 22 CJK characters (3 bytes each) = 66 bytes, plus ASCII.
        let cjk = String(repeating: "密", count: 22)
        let at72 = cjk + "abc123"  // 66 + 6 = 72 bytes, 28 characters
        let at73 = cjk + "abc1234"  // 73 bytes
        #expect(at72.utf8.count == 72)
        #expect(at73.utf8.count == 73)
        #expect(Credentials.passwordProblem(at72) == nil)
        #expect(Credentials.passwordProblem(at73) == Self.longPassword)

        // 24 CJK = 72 bytes: within the byte limit but without letters or digits.
        let onlyCJK = String(repeating: "密", count: 24)
        #expect(Credentials.passwordProblem(onlyCJK) == Self.mixPassword)
        // 25 CJK = 75 bytes, only 25 characters: too long in bytes.
        #expect(Credentials.passwordProblem(String(repeating: "密", count: 25) + "a1") == Self.longPassword)

        // A 4-byte emoji pushing 70 ASCII bytes over the limit.
        let ascii70 = String(repeating: "a", count: 69) + "1"
        #expect(Credentials.passwordProblem(ascii70) == nil)
        #expect(Credentials.passwordProblem(ascii70 + "😀") == Self.longPassword)
        #expect(Credentials.passwordProblem(ascii70 + "é") == nil)  // é is 2 bytes: 72
    }

    @Test("ten grapheme clusters can be far over 72 bytes")
    func clustersVersusBytes() {
        let family = "👨‍👩‍👧‍👦"  // one character, 25 bytes
        let password = String(repeating: family, count: 8) + "a1"
        #expect(password.count == 10)
        #expect(Credentials.passwordProblem(password) == Self.longPassword)
    }

    @Test("ASCII 73 bytes is too long")
    func asciiTooLong() {
        #expect(Credentials.passwordProblem(String(repeating: "a", count: 72) + "1") == Self.longPassword)
    }

    @Test(
        "needs a letter and a digit",
        arguments: [
            "abcdefghij", "ABCDEFGHIJ", "1234567890", "!!!!!!!!!!", "          ",
            "密码密码密码密码密码", "１２３４５６７８９０ab",  // full-width digits do not count
            "ａｂｃｄｅｆｇｈｉｊ1",  // full-width letters do not count
            "éééééééééé1",  // non-ASCII letters do not count
        ])
    func needsMix(_ password: String) {
        #expect(Credentials.passwordProblem(password) == Self.mixPassword)
    }

    @Test("checks are ordered: short, long, then mix")
    func order() {
        #expect(Credentials.passwordProblem("abc") == Self.shortPassword)
        #expect(Credentials.passwordProblem(String(repeating: "a", count: 80)) == Self.longPassword)
    }
}
