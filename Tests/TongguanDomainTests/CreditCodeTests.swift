import Testing

@testable import TongguanDomain

@Suite("CreditCode: 统一社会信用代码 (GB 32100-2015)")
struct CreditCodeTests {
    /// The standard's alphabet and weights, written out again from DOMAIN.md so the tests
    /// check the library against the text rather than against itself.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for 17 characters of the alphabet.
    static func check(_ body: [Character]) -> Character {
        let sum = zip(body, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }

    static func complete(_ body: String) -> String { body + String(check(Array(body))) }

    static let example = "91350100M000100Y43"

    @Test("the DOMAIN.md example is valid")
    func example() throws {
        #expect(try CreditCode.validate(Self.example) == Self.example)
        #expect(CreditCode.isValid(Self.example))
        #expect(Self.complete(String(Self.example.prefix(17))) == Self.example)
    }

    @Test(
        "lower case and surrounding blanks are normalised away",
        arguments: [
            "91350100m000100y43", " 91350100M000100Y43", "91350100M000100Y43\t", "\u{3000}91350100m000100Y43\u{3000}",
            "\u{A0}91350100M000100Y43\u{2003}",
        ])
    func normalised(_ raw: String) throws {
        #expect(try CreditCode.validate(raw) == Self.example)
    }

    @Test("the alphabet has 31 characters and leaves out I, O, S, V and Z")
    func alphabetShape() {
        #expect(Self.alphabet.count == 31)
        #expect(CreditCode.alphabet == Self.alphabet)
        let letters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ").subtracting(Self.alphabet)
        #expect(letters == Set("IOSVZ"))
        #expect(CreditCode.weights == Self.weights)
    }

    @Test("every alphabet character is accepted at every position", arguments: 0..<17)
    func everyCharacterEverywhere(_ position: Int) throws {
        for c in Self.alphabet {
            var body = Array(Self.example.prefix(17))
            body[position] = c
            let code = Self.complete(String(body))
            #expect(try CreditCode.validate(code) == code)
            #expect(try CreditCode.validate(code.lowercased()) == code)
        }
    }

    @Test("every alphabet character can be the check character")
    func everyCheckCharacter() throws {
        var seen: Set<Character> = []
        var body = Array(Self.example.prefix(17))
        for c in Self.alphabet {
            body[16] = c
            let code = Self.complete(String(body))
            seen.insert(code.last!)
            #expect(try CreditCode.validate(code) == code)
        }
        // Weight 28 is invertible mod 31, so the 31 last body characters give 31 checks.
        #expect(seen == Set(Self.alphabet))
    }

    @Test("a sum divisible by 31 gives check value 0, not 31")
    func checkThirtyOneIsZero() throws {
        // Find a 17-character body whose weighted sum is a multiple of 31.
        var body = Array(Self.example.prefix(17))
        let target = Self.alphabet.first { c in
            body[16] = c
            return zip(body, Self.weights).reduce(0) { $0 + Self.alphabet.firstIndex(of: $1.0)! * $1.1 } % 31 == 0
        }
        body[16] = try #require(target)
        let code = String(body) + "0"
        #expect(try CreditCode.validate(code) == code)
        #expect(throws: CreditCode.Problem.checksum(expected: "0")) { try CreditCode.validate(String(body) + "Y") }
        #expect(CreditCode.isValid(String(repeating: "0", count: 18)))
    }

    @Test("the forbidden letters are refused at every position, upper or lower case", arguments: Array("IOSVZiosvz"))
    func forbiddenLetters(_ letter: Character) {
        for position in 0..<18 {
            var chars = Array(Self.example)
            chars[position] = letter
            let upper = Character(letter.uppercased())
            #expect(throws: CreditCode.Problem.character(upper)) { try CreditCode.validate(String(chars)) }
        }
    }

    @Test("characters outside the alphabet are refused", arguments: Array("-_.!#中Ａ１ \u{3000}"))
    func foreignCharacters(_ c: Character) {
        var chars = Array(Self.example)
        chars[5] = c
        #expect(throws: CreditCode.Problem.character(c)) { try CreditCode.validate(String(chars)) }
    }

    @Test("the first bad character is the one named")
    func firstBadCharacterNamed() {
        #expect(throws: CreditCode.Problem.character("I")) { try CreditCode.validate("9I35010OM000100Y43") }
        #expect(throws: CreditCode.Problem.character("O")) { try CreditCode.validate("91350100M000100Y4O") }
    }

    @Test("any single changed character is caught, naming the right check character", arguments: 0..<18)
    func singleSubstitution(_ position: Int) {
        for c in Self.alphabet where c != Array(Self.example)[position] {
            var chars = Array(Self.example)
            chars[position] = c
            let expected = position == 17 ? Array(Self.example)[17] : Self.check(Array(chars.prefix(17)))
            #expect(throws: CreditCode.Problem.checksum(expected: expected)) { try CreditCode.validate(String(chars)) }
            #expect(!CreditCode.isValid(String(chars)))
        }
    }

    @Test("length is checked first", arguments: [0, 1, 15, 17, 19, 20])
    func length(_ n: Int) {
        let text = String(String(repeating: Self.example, count: 2).prefix(n))
        #expect(throws: CreditCode.Problem.length(n)) { try CreditCode.validate(text) }
        #expect(throws: CreditCode.Problem.length(n)) { try CreditCode.validate(String(repeating: "I", count: n)) }
    }

    @Test("the 15-digit business licence number it replaced is refused")
    func oldLicenceNumber() {
        #expect(throws: CreditCode.Problem.length(15)) { try CreditCode.validate("350100400001234") }
    }

    @Test("messages say what is wrong, in Chinese")
    func messages() {
        #expect(CreditCode.Problem.length(17).message == "统一社会信用代码应为18位(当前为17位)")
        #expect(CreditCode.Problem.character("I").message.contains("「I」"))
        #expect(CreditCode.Problem.character("I").message.contains("不使用 I、O、S、V、Z"))
        #expect(CreditCode.Problem.checksum(expected: "3").message == "统一社会信用代码校验位错误(按前17位应为「3」)")
    }
}
