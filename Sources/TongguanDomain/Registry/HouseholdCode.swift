/// 一户一码: the household's one printable code, 17 characters = the 12-digit village code
/// where the household was registered + a 4-digit sequence within that village + a check
/// character computed like GB 11643's over those 16 digits.
///
/// A code is assigned once and never changes or returns to use: a household that moves to
/// another village keeps it, so the village part tells where the code was issued, not
/// where the household lives now (that is the household's `division_code`). The check
/// character catches every single mistyped digit and every swap of two neighbouring
/// digits, so a typo is refused before any lookup.
public struct HouseholdCode: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Weights of the 16 digits (GB 11643's weights 2–17); S mod 11 picks the check character.
    static let weights = [9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks = Array("10X98765432".utf8)
    public static let sequenceRange = 1...9999

    public enum Problem: Error, Equatable, Sendable {
        case length(Int)
        /// A non-digit among the first 16 characters (1-based position).
        case notDigit(position: Int)
        /// The 17th character is neither a digit nor X.
        case checkCharacter
        /// The first 12 digits are no division code (a code cannot start with 00).
        case village
        /// Sequence 0000 is never issued.
        case zeroSequence
        case checksum
        /// `make`: the division is not a 12-digit village code.
        case notVillage
        /// `make` or the allocator: the sequence is outside 1...9999.
        case sequence(Int)

        public var message: String {
            switch self {
            case .length(let n): "户码应为17位(12位村级区划代码+4位户序号+1位校验码),当前为\(n)位"
            case .notDigit(let p): "户码第\(p)位应为数字"
            case .checkCharacter: "户码最后一位校验码应为数字或X"
            case .village: "户码前12位不是有效的村级区划代码"
            case .zeroSequence: "户码第13至16位户序号不能为0000"
            // The expected character is not shown: a wrong check character usually means a
            // mistyped digit elsewhere, and naming it would invite "fixing" the last one.
            case .checksum: "户码校验码错误,请核对是否抄错"
            case .notVillage: "户码只能按12位村级区划代码编制"
            case .sequence(let n): "户序号应在1到9999之间(当前为\(n))"
            }
        }
    }

    /// Trims blanks and upper-cases a trailing x, then checks format, village, sequence and
    /// check character, in that order.
    public init(validating raw: String) throws(Problem) {
        let characters = Array(raw.trimmedCell)
        guard characters.count == 17 else { throw .length(characters.count) }
        for (i, c) in characters.prefix(16).enumerated() where !c.isASCIIDigitChar { throw .notDigit(position: i + 1) }
        let last = characters[16] == "x" ? "X" : characters[16]
        guard last.isASCIIDigitChar || last == "X" else { throw .checkCharacter }
        let bytes = Array(String(characters.prefix(16)).utf8) + [last.asciiValue!]
        guard DivisionCode(String(decoding: bytes[0..<12], as: UTF8.self)) != nil else { throw .village }
        guard bytes[12..<16].contains(where: { $0 != 0x30 }) else { throw .zeroSequence }
        guard bytes[16] == HouseholdCode.check(bytes[0..<16]) else { throw .checksum }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    public init?(_ raw: String) {
        guard let code = try? HouseholdCode(validating: raw) else { return nil }
        self = code
    }

    /// The code for `sequence` (1...9999) in `village`, which must be a 12-digit code.
    public static func make(village: DivisionCode, sequence: Int) throws(Problem) -> HouseholdCode {
        guard village.level == .village else { throw .notVillage }
        guard sequenceRange.contains(sequence) else { throw .sequence(sequence) }
        let digits = Array((village.rawValue + padded(sequence, 4)).utf8)
        return HouseholdCode(trusted: String(decoding: digits + [check(digits[...])], as: UTF8.self))
    }

    private init(trusted: String) { rawValue = trusted }

    /// The check character (ASCII) over 16 ASCII digits.
    static func check(_ digits: ArraySlice<UInt8>) -> UInt8 {
        var sum = 0
        for (digit, weight) in zip(digits, weights) { sum += Int(digit - 0x30) * weight }
        return checks[sum % 11]
    }

    /// The village the code was issued in (not necessarily where the household lives now).
    public var village: DivisionCode { DivisionCode(String(rawValue.prefix(12)))! }

    /// The sequence within that village, 1...9999.
    public var sequence: Int { Int(rawValue.dropFirst(12).prefix(4))! }

    public var description: String { rawValue }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(validating: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Hands out new household codes village by village, continuing after the highest sequence
/// ever used there. Households are never deleted, so the highest sequence among a village's
/// stored households (closed ones included) is the highest ever used, and a code is never
/// issued twice.
public struct HouseholdCodeAllocator: Sendable {
    private var highest: [DivisionCode: Int]

    /// `highestUsed`: per village, the highest sequence already issued; villages not listed
    /// start at 1.
    public init(highestUsed: [DivisionCode: Int] = [:]) { highest = highestUsed }

    /// The next code in `village`; `.sequence(10000)` once the village's 9999 are used up.
    public mutating func next(in village: DivisionCode) throws(HouseholdCode.Problem) -> HouseholdCode {
        let sequence = (highest[village] ?? 0) + 1
        let code = try HouseholdCode.make(village: village, sequence: sequence)
        highest[village] = sequence
        return code
    }

    /// The highest sequence issued so far in `village` (0 when none).
    public func highestUsed(in village: DivisionCode) -> Int { highest[village] ?? 0 }
}
