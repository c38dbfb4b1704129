import Testing

@testable import TongguanDomain

@Suite("DivisionCode")
struct DivisionCodeTests {
    private func code(_ text: String) throws -> DivisionCode {
        try #require(DivisionCode(text))
    }

    // MARK: Validation

    @Test(
        "accepts 6-, 9- and 12-digit codes",
        arguments: [
            "140000", "141100", "141124", "142301", "110101", "141124100", "141124100201", "999999",
        ])
    func acceptsValidCodes(_ text: String) throws {
        let parsed = try DivisionCode(validating: text)
        #expect(parsed.rawValue == text)
        #expect(parsed.description == text)
        #expect(DivisionCode(text) == parsed)
    }

    @Test(
        "rejects non-digits",
        arguments: [
            "", " ", "14110a", "141100 ", " 141100", "1411-0", "14 1100", "+14110", "-14110",
            "１４１１００",  // full-width digits
            "١٤١١٠٠",  // Arabic-Indic digits
            "14110０", "141100\n", "1411.0", "abcdef", "14112410020x",
        ])
    func rejectsNonDigits(_ text: String) {
        #expect(throws: DivisionCode.Problem.notDigits) { try DivisionCode(validating: text) }
        #expect(DivisionCode(text) == nil)
    }

    @Test("rejects wrong lengths", arguments: [1, 2, 4, 5, 7, 8, 10, 11, 13, 18])
    func rejectsBadLength(_ length: Int) {
        let text = "1" + String(repeating: "4", count: length - 1)
        #expect(throws: DivisionCode.Problem.badLength(length)) { try DivisionCode(validating: text) }
        #expect(DivisionCode(text) == nil)
    }

    @Test("rejects a 00 province segment", arguments: ["000000", "001100", "009999", "000000000", "000000000001"])
    func rejectsZeroSegment(_ text: String) {
        #expect(throws: DivisionCode.Problem.zeroSegment) { try DivisionCode(validating: text) }
        #expect(DivisionCode(text) == nil)
    }

    @Test("a single leading zero is fine")
    func singleLeadingZero() throws {
        #expect(try DivisionCode(validating: "010000").rawValue == "010000")
    }

    @Test("checks are ordered: digits, then length, then segment")
    func problemOrder() {
        #expect(throws: DivisionCode.Problem.notDigits) { try DivisionCode(validating: "00a") }
        #expect(throws: DivisionCode.Problem.badLength(4)) { try DivisionCode(validating: "0000") }
        #expect(throws: DivisionCode.Problem.badLength(7)) { try DivisionCode(validating: "0011000") }
    }

    @Test("problem messages")
    func messages() {
        #expect(DivisionCode.Problem.notDigits.message == "区划代码只能由数字组成")
        #expect(DivisionCode.Problem.badLength(5).message == "区划代码应为6位、9位或12位数字(当前为5位)")
        #expect(DivisionCode.Problem.badLength(13).message == "区划代码应为6位、9位或12位数字(当前为13位)")
        #expect(DivisionCode.Problem.zeroSegment.message == "区划代码的省级部分不能为00")
    }

    @Test("the thrown problem carries the length in digits")
    func thrownLengthMessage() {
        do {
            _ = try DivisionCode(validating: "1411")
            Issue.record("expected a problem")
        } catch {
            #expect(error == .badLength(4))
            #expect(error.message == "区划代码应为6位、9位或12位数字(当前为4位)")
        }
    }

    // MARK: Level

    @Test(
        "levels",
        arguments: [
            ("140000", DivisionCode.Level.province),
            ("110000", .province),
            ("141100", .city),
            ("110100", .city),
            ("141000", .city),
            ("141124", .county),
            ("141102", .county),
            ("142301", .county),
            ("141124100", .township),
            ("141100000", .township),
            ("141124100201", .village),
            ("141124000000", .village),
        ])
    func levels(_ text: String, _ level: DivisionCode.Level) throws {
        #expect(try code(text).level == level)
    }

    @Test("Level cases and raw values")
    func levelCases() {
        #expect(DivisionCode.Level.allCases.map(\.rawValue) == ["province", "city", "county", "township", "village"])
    }

    // MARK: Parent chain

    @Test(
        "parents",
        arguments: [
            ("141124100201", "141124100"),
            ("141124100", "141124"),
            ("141124", "141100"),
            ("141100", "140000"),
            ("142301", "142300"),
            ("142300", "140000"),
            ("110101", "110100"),
            ("141100000", "141100"),
        ])
    func parents(_ child: String, _ parent: String) throws {
        #expect(try code(child).parent == code(parent))
    }

    @Test("a province has no parent", arguments: ["140000", "110000", "650000"])
    func provinceHasNoParent(_ text: String) throws {
        #expect(try code(text).parent == nil)
        #expect(try code(text).ancestors.isEmpty)
    }

    @Test("full parent chain of a village")
    func parentChain() throws {
        var chain: [String] = []
        var next: DivisionCode? = try code("141124100201")
        while let current = next {
            chain.append(current.rawValue)
            next = current.parent
        }
        #expect(chain == ["141124100201", "141124100", "141124", "141100", "140000"])
    }

    @Test(
        "ancestors are nearest first",
        arguments: [
            ("141124100201", ["141124100", "141124", "141100", "140000"]),
            ("141124100", ["141124", "141100", "140000"]),
            ("141124", ["141100", "140000"]),
            ("141100", ["140000"]),
            ("140000", []),
        ])
    func ancestors(_ text: String, _ expected: [String]) throws {
        #expect(try code(text).ancestors.map(\.rawValue) == expected)
    }

    @Test("every ancestor contains the code and has a shorter significant prefix")
    func ancestorsContain() throws {
        let village = try code("141124100201")
        for ancestor in village.ancestors {
            #expect(ancestor.contains(village))
            #expect(!village.contains(ancestor))
            #expect(ancestor.significantPrefix.count < village.significantPrefix.count)
        }
    }

    // MARK: Significant prefix

    @Test(
        "significant prefix",
        arguments: [
            ("141100", "1411"),
            ("140000", "14"),
            ("141124", "141124"),
            ("110100", "1101"),
            ("100000", "10"),
            ("141000", "1410"),
            ("141124100", "141124100"),
            ("141100000", "141100000"),
            ("141124100201", "141124100201"),
            ("141124100000", "141124100000"),
        ])
    func significantPrefix(_ text: String, _ prefix: String) throws {
        #expect(try code(text).significantPrefix == prefix)
    }

    // MARK: Contains

    @Test(
        "contains",
        arguments: [
            ("141100", "141124", true),
            ("141100", "141100", true),
            ("141100", "141102", true),
            ("141100", "141182", true),
            ("141100", "141124100", true),
            ("141100", "141124100201", true),
            ("140000", "141100", true),
            ("140000", "141124100201", true),
            ("140000", "142301", true),
            ("141124", "141124", true),
            ("141124", "141124100", true),
            ("141124", "141124100201", true),
            ("141124100", "141124100201", true),
            ("141124100", "141124100", true),
            ("141124100201", "141124100201", true),
            // not inside
            ("141124", "141123", false),
            ("141123", "141124", false),
            ("141124", "141100", false),
            ("141124", "140000", false),
            ("141100", "140000", false),
            ("141100", "142301", false),
            ("141100", "142300", false),
            ("141100", "142327", false),
            ("141100", "142327100", false),
            ("141100", "141200", false),
            ("141100", "151100", false),
            ("140000", "150000", false),
            ("141124100", "141124", false),
            ("141124100", "141124101", false),
            ("141124100", "141124101001", false),
            ("141124100201", "141124100", false),
            ("141124100201", "141124100202", false),
        ])
    func contains(_ outer: String, _ inner: String, _ expected: Bool) throws {
        #expect(try code(outer).contains(code(inner)) == expected)
    }

    @Test("old 1423xx area codes are outside 1411 but inside 14")
    func oldCodes() throws {
        let luliang = try code("141100")
        let shanxi = try code("140000")
        for county in 1...30 {
            let old = try code("1423" + (county < 10 ? "0" : "") + String(county))
            #expect(!luliang.contains(old))
            #expect(shanxi.contains(old))
        }
    }

    // MARK: Ordering and hashing

    @Test("comparable by raw text")
    func ordering() throws {
        let codes = try ["141124100", "140000", "141124", "141100", "141102"].map(code)
        #expect(codes.sorted().map(\.rawValue) == ["140000", "141100", "141102", "141124", "141124100"])
        #expect(try code("141100") < code("141124"))
        #expect(try !(code("141124") < code("141124")))
    }

    @Test("hashable by raw text")
    func hashing() throws {
        let set: Set<DivisionCode> = try [code("141124"), code("141124"), code("141100")]
        #expect(set.count == 2)
    }

    @Test("equal exactly when the texts are; equal codes hash alike (codes of 6, 9 and 12 digits)")
    func equalityAndHashAgreeWithText() throws {
        var rng = SeededNumbers(seed: 2260)
        var codes: [DivisionCode] = []
        for _ in 0..<3000 {
            let length = [6, 9, 12][Int(rng.below(3))]
            // Two digits only, so that equal codes occur often.
            let text = "1" + String((1..<length).map { _ in Character(String(rng.below(2))) })
            codes.append(try code(text))
        }
        for (i, a) in codes.enumerated() {
            let b = codes[(i * 7919 + 13) % codes.count]
            #expect((a == b) == (a.rawValue == b.rawValue))
            if a == b { #expect(a.hashValue == b.hashValue) }
        }
        #expect(Set(codes).count == Set(codes.map(\.rawValue)).count)
    }
}
