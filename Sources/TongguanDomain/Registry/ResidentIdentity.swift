/// The facts a valid 公民身份号码 carries: birth date, sex, and through them age.
///
/// Stored as the 17 digits in one integer (the check character follows from them), so an
/// import can hold a million of them, sort them and compare them without a string each.
/// The checksum itself is `ResidentID.validate`'s; this type only adds what the registry
/// needs on top: a birth date that is not after "today", which the caller passes in (the
/// domain never reads a clock).
public struct ResidentIdentity: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first 17 digits as a number (address, birth date, sequence and sex digit).
    public let digits: UInt64

    public enum Problem: Error, Equatable, Sendable {
        case format, birthDate, checksum
        /// The birth date is real but after the day the check was made.
        case bornAfterToday

        public init(_ problem: ResidentID.Problem) {
            switch problem {
            case .format: self = .format
            case .birthDate: self = .birthDate
            case .checksum: self = .checksum
            }
        }

        public var message: String {
            switch self {
            case .format: ResidentID.Problem.format.message
            case .birthDate: ResidentID.Problem.birthDate.message
            case .checksum: ResidentID.Problem.checksum.message
            case .bornAfterToday: "身份证号中的出生日期晚于今天"
            }
        }
    }

    /// Checks format, a real birth date and the checksum (`ResidentID.validate`). Pre-2003
    /// 1423xx address codes and any other address code are accepted.
    public init(validating raw: String) throws(Problem) {
        if let packed = ResidentIdentity.packedIfPlain(raw) {
            digits = packed
            return
        }
        let id: String
        do { id = try ResidentID.validate(raw) } catch { throw Problem(error) }
        var value: UInt64 = 0
        for byte in id.utf8.prefix(17) { value = value * 10 + UInt64(byte - 0x30) }
        digits = value
    }

    /// The packed digits of a well-formed ID written plainly (exactly 17 ASCII digits and a
    /// digit, `X` or `x`, no spaces), or nil for anything else, valid or not, which then
    /// goes through `ResidentID.validate` for its verdict and message. An import checks a
    /// million IDs: this reads the bytes once instead of building characters and strings.
    static func packedIfPlain(_ raw: String) -> UInt64? {
        raw.utf8.withContiguousStorageIfAvailable { bytes -> UInt64? in
            guard bytes.count == 18 else { return nil }
            var value: UInt64 = 0
            var sum = 0
            for i in 0..<17 {
                let d = bytes[i] &- 0x30
                guard d < 10 else { return nil }
                value = value &* 10 &+ UInt64(d)
                sum += Int(d) * ResidentID.weights[i]
            }
            let expected = checkBytes[sum % 11]
            let last = bytes[17] == 0x78 ? 0x58 : bytes[17]
            guard last == expected else { return nil }
            let compact = Int(value / 1_000 % 100_000_000)
            guard ResidentID.isBirthDate(compact) else { return nil }
            return value
        } ?? nil
    }

    /// `ResidentID.checks` as ASCII bytes.
    private static let checkBytes = Array("10X98765432".utf8)

    /// As `init(validating:)`, and the birth date is not after `today`.
    public init(validating raw: String, today: CivilDate) throws(Problem) {
        try self.init(validating: raw)
        guard birthDate <= today else { throw .bornAfterToday }
    }

    /// The normalised 18-character number (upper-case X).
    public var id: String {
        var bytes = [UInt8](repeating: 0x30, count: 18)
        var rest = digits, sum = 0
        for i in stride(from: 16, through: 0, by: -1) {
            let digit = Int(rest % 10)
            rest /= 10
            bytes[i] = UInt8(0x30 + digit)
            sum += digit * ResidentID.weights[i]
        }
        bytes[17] = ResidentID.checks[sum % 11].asciiValue!
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { masked }

    /// `141124********1234`: what every page and API answer shows.
    public var masked: String { PersonalData.residentID.mask(id) }

    /// Digits 7–14; always a real date, because validation refused any other.
    public var birthDate: CivilDate {
        let compact = Int(digits / 1_000 % 100_000_000)
        return CivilDate(year: compact / 10_000, month: compact / 100 % 100, day: compact % 100)!
    }

    /// The 17th digit: odd for men, even for women.
    public var sex: Sex { digits % 2 == 1 ? .male : .female }

    /// Whole years of age on `date` (negative before birth).
    public func age(on date: CivilDate) -> Int { birthDate.wholeYears(until: date) }

    public static func < (a: Self, b: Self) -> Bool { a.digits < b.digits }
}

/// 性别, as a resident ID records it.
public enum Sex: String, CaseIterable, Sendable, Codable {
    case male, female

    public var label: String {
        switch self {
        case .male: "男"
        case .female: "女"
        }
    }
}
