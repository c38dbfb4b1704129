import Foundation
import Testing

@testable import TongguanDomain

@Suite("HouseholdCode")
struct HouseholdCodeTests {
    /// The rule, written out independently: weights over 16 digits, S mod 11.
    static func expectedCheck(_ sixteen: String) -> Character {
        let weights = [9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(sixteen.map { Int(String($0))! }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    static let villages = ["141124100201", "141102001001", "142301203999", "110105001002"]

    @Test("make appends the sequence and the check character, and validates back", arguments: villages)
    func make(_ village: String) throws {
        let division = try #require(DivisionCode(village))
        for sequence in [1, 2, 9, 10, 99, 100, 999, 1000, 4321, 9998, 9999] {
            let code = try HouseholdCode.make(village: division, sequence: sequence)
            let sixteen = village + String(format: "%04d", sequence)
            #expect(code.rawValue == sixteen + String(Self.expectedCheck(sixteen)))
            #expect(code.rawValue.count == 17)
            #expect(code.village == division)
            #expect(code.sequence == sequence)
            #expect(try HouseholdCode(validating: code.rawValue) == code)
            #expect(code.description == code.rawValue)
        }
    }

    @Test("every check character value is reachable, and each validates")
    func everyCheckCharacter() throws {
        var seen: [Character: HouseholdCode] = [:]
        for sequence in HouseholdCode.sequenceRange {
            let code = try HouseholdCode.make(village: Fixture.village, sequence: sequence)
            seen[code.rawValue.last!] = seen[code.rawValue.last!] ?? code
        }
        #expect(Set(seen.keys) == Set("0123456789X"))
        for (check, code) in seen {
            #expect(try HouseholdCode(validating: code.rawValue).rawValue.last == check)
        }
    }

    @Test("a lower-case x check character is accepted and upper-cased; blanks are trimmed")
    func normalises() throws {
        let code = try #require((1...9999).lazy.map { Fixture.code($0) }.first { $0.rawValue.hasSuffix("X") })
        let lower = String(code.rawValue.dropLast()) + "x"
        #expect(try HouseholdCode(validating: lower) == code)
        #expect(try HouseholdCode(validating: "  \(code.rawValue)\u{3000}") == code)
    }

    @Test("every single mistyped digit is caught", arguments: [1, 37, 512, 9999])
    func mistypedDigits(_ sequence: Int) {
        let code = Array(Fixture.code(sequence).rawValue)
        for position in 0..<16 {
            for digit in "0123456789" where digit != code[position] {
                var typo = code
                typo[position] = digit
                #expect(HouseholdCode(String(typo)) == nil, "position \(position + 1) → \(digit)")
            }
        }
    }

    @Test("every wrong check character is caught as a checksum error", arguments: [1, 37, 512, 9999])
    func wrongCheckCharacter(_ sequence: Int) {
        let code = Fixture.code(sequence).rawValue
        for check in "0123456789X" where check != code.last {
            #expect(throws: HouseholdCode.Problem.checksum) { try HouseholdCode(validating: String(code.dropLast()) + String(check)) }
        }
    }

    @Test("every swap of two different neighbouring digits is caught", arguments: [1, 37, 512, 1234, 9876])
    func swappedNeighbours(_ sequence: Int) {
        for village in Self.villages {
            let code = Array(Fixture.code(sequence, village: DivisionCode(village)!).rawValue)
            for i in 0..<15 where code[i] != code[i + 1] {
                var swapped = code
                swapped.swapAt(i, i + 1)
                #expect(HouseholdCode(String(swapped)) == nil, "swap \(i + 1)/\(i + 2) of \(String(code))")
            }
        }
    }

    @Test("wrong lengths", arguments: ["", "1", "1411241002010001", "141124100201000150", "14112410020100015 1"])
    func length(_ text: String) {
        #expect(throws: HouseholdCode.Problem.length(text.trimmedCell.count)) { try HouseholdCode(validating: text) }
    }

    @Test("a non-digit among the first 16 names its position")
    func notDigit() {
        let code = Array(Fixture.code(1).rawValue)
        for position in 0..<16 {
            // A blank inside the code (at either end it would be trimmed).
            let blank: [Character] = position == 0 ? [] : [" ", "\u{3000}"]
            for bad: Character in ["A", "x", "-", "５", "〇", "\u{0}"] + blank {
                var typo = code
                typo[position] = bad
                #expect(throws: HouseholdCode.Problem.notDigit(position: position + 1)) { try HouseholdCode(validating: String(typo)) }
            }
        }
    }

    @Test("the 17th character must be a digit or X", arguments: ["A", "Y", "-", "*", "Ｘ", "５", "〇"])
    func checkCharacter(_ last: String) {
        let code = String(Fixture.code(1).rawValue.dropLast()) + last
        #expect(throws: HouseholdCode.Problem.checkCharacter) { try HouseholdCode(validating: code) }
    }

    @Test("a village part starting with 00 and sequence 0000 are refused before the checksum")
    func villageAndSequence() {
        let badVillage = "0011241002010001"
        #expect(throws: HouseholdCode.Problem.village) { try HouseholdCode(validating: badVillage + String(Self.expectedCheck(badVillage))) }
        let zero = "1411241002010000"
        #expect(throws: HouseholdCode.Problem.zeroSequence) { try HouseholdCode(validating: zero + String(Self.expectedCheck(zero))) }
    }

    @Test("make refuses divisions that are not villages and sequences outside 1...9999")
    func makeRefuses() {
        for text in ["141124", "141100", "141124100"] {
            #expect(throws: HouseholdCode.Problem.notVillage) { try HouseholdCode.make(village: DivisionCode(text)!, sequence: 1) }
        }
        for sequence in [0, -1, 10000, Int.max, Int.min] {
            #expect(throws: HouseholdCode.Problem.sequence(sequence)) { try HouseholdCode.make(village: Fixture.village, sequence: sequence) }
        }
    }

    @Test("every problem has its own Chinese message")
    func messages() {
        let problems: [HouseholdCode.Problem] = [
            .length(16), .notDigit(position: 3), .checkCharacter, .village,
            .zeroSequence, .checksum, .notVillage, .sequence(0),
        ]
        let messages = problems.map(\.message)
        #expect(Set(messages).count == problems.count)
        #expect(HouseholdCode.Problem.length(16).message.contains("16"))
        #expect(HouseholdCode.Problem.notDigit(position: 3).message.contains("第3位"))
        #expect(messages.allSatisfy { $0.unicodeScalars.contains { $0.value >= 0x4E00 } })
    }

    @Test("Codable as a JSON string; invalid strings do not decode")
    func codable() throws {
        let code = Fixture.code(42)
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(code.rawValue)\"]")
        #expect(try JSONDecoder().decode([HouseholdCode].self, from: data) == [code])
        let bad = Data("[\"\(code.rawValue.dropLast())0\"]".utf8)
        if code.rawValue.last != "0" {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([HouseholdCode].self, from: bad) }
        }
    }

    @Test("codes order by village, then sequence")
    func ordering() {
        #expect(Fixture.code(2) < Fixture.code(10))
        #expect(Fixture.code(9999) < Fixture.code(1, village: Fixture.otherVillage))
    }

    @Test("the allocator continues after the highest sequence used, per village")
    func allocator() throws {
        var allocator = HouseholdCodeAllocator(highestUsed: [Fixture.village: 41])
        #expect(try allocator.next(in: Fixture.village) == Fixture.code(42))
        #expect(try allocator.next(in: Fixture.village) == Fixture.code(43))
        #expect(try allocator.next(in: Fixture.otherVillage) == Fixture.code(1, village: Fixture.otherVillage))
        #expect(allocator.highestUsed(in: Fixture.village) == 43)
        #expect(allocator.highestUsed(in: Fixture.otherVillage) == 1)
        #expect(allocator.highestUsed(in: DivisionCode("141124100203")!) == 0)
        #expect(throws: HouseholdCode.Problem.notVillage) { try allocator.next(in: DivisionCode("141124")!) }
    }

    @Test("the allocator refuses the 10000th household of a village and stays there")
    func allocatorExhausted() throws {
        var allocator = HouseholdCodeAllocator(highestUsed: [Fixture.village: 9998])
        #expect(try allocator.next(in: Fixture.village).sequence == 9999)
        #expect(throws: HouseholdCode.Problem.sequence(10000)) { try allocator.next(in: Fixture.village) }
        #expect(throws: HouseholdCode.Problem.sequence(10000)) { try allocator.next(in: Fixture.village) }
        #expect(allocator.highestUsed(in: Fixture.village) == 9999)
    }
}
