/// A GB/T 2260 administrative division code (6 digits: province, city, county), extended by
/// the statistical division codes to 9 digits (township) and 12 digits (village).
///
/// The code itself carries the tree: a code's prefix is its ancestor, so parents are derived,
/// never stored as an independent fact that could disagree with the code.
public struct DivisionCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public enum Level: String, Sendable, CaseIterable {
        case province, city, county, township, village
    }

    public enum Problem: Error, Equatable, Sendable {
        case notDigits
        case badLength(Int)
        case zeroSegment

        /// The message shown to staff; codes are typed in by hand from printed lists.
        public var message: String {
            switch self {
            case .notDigits: "区划代码只能由数字组成"
            case .badLength(let n): "区划代码应为6位、9位或12位数字(当前为\(n)位)"
            case .zeroSegment: "区划代码的省级部分不能为00"
            }
        }
    }

    public init(validating text: String) throws(Problem) {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw .notDigits }
        guard [6, 9, 12].contains(text.utf8.count) else { throw .badLength(text.count) }
        guard !text.hasPrefix("00") else { throw .zeroSegment }
        self.rawValue = text
    }

    public init?(_ text: String) {
        guard let code = try? DivisionCode(validating: text) else { return nil }
        self = code
    }

    public var description: String { rawValue }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    // A code is ASCII digits (see `init(validating:)`), so its bytes are its identity: hashing
    // and comparing them skips the Unicode normalization a `String` goes through (a set of
    // village codes consulted for each row was an eighth of reading a member sheet).
    public static func == (a: Self, b: Self) -> Bool { a.rawValue.utf8.elementsEqual(b.rawValue.utf8) }

    public func hash(into hasher: inout Hasher) {
        var digits: UInt64 = 0
        for byte in rawValue.utf8 { digits = digits &* 10 &+ UInt64(byte & 0x0F) }
        hasher.combine(digits)
        hasher.combine(rawValue.utf8.count)
    }

    public var level: Level {
        switch rawValue.utf8.count {
        case 12: return .village
        case 9: return .township
        default:
            if rawValue.hasSuffix("0000") { return .province }
            if rawValue.hasSuffix("00") { return .city }
            return .county
        }
    }

    /// village 141124100201 → township 141124100 → county 141124 → city 141100 → province 140000 → nil.
    public var parent: DivisionCode? {
        let s = rawValue
        switch level {
        case .village: return DivisionCode(String(s.prefix(9)))
        case .township: return DivisionCode(String(s.prefix(6)))
        case .county: return DivisionCode(String(s.prefix(4)) + "00")
        case .city: return DivisionCode(String(s.prefix(2)) + "0000")
        case .province: return nil
        }
    }

    /// Every ancestor, nearest first.
    public var ancestors: [DivisionCode] {
        var result: [DivisionCode] = []
        var next = parent
        while let code = next {
            result.append(code)
            next = code.parent
        }
        return result
    }

    /// The part of the code that every descendant shares: a 6-digit code drops its trailing
    /// zero pairs (141100 → 1411, 140000 → 14); 9- and 12-digit codes are their own prefix.
    public var significantPrefix: String { String(rawValue.utf8.prefix(significantLength))! }

    /// The length of `significantPrefix`, in digits.
    var significantLength: Int {
        let digits = rawValue.utf8
        guard digits.count == 6 else { return digits.count }
        let zero = UInt8(ascii: "0")
        var length = 6
        while length > 2 {
            let pair = digits.dropFirst(length - 2).prefix(2)
            guard pair.allSatisfy({ $0 == zero }) else { break }
            length -= 2
        }
        return length
    }

    /// True for the code itself and every code below it (compared as bytes: scopes are
    /// checked for every row an import reads).
    public func contains(_ other: DivisionCode) -> Bool {
        let length = significantLength
        return other.rawValue.utf8.count >= length && other.rawValue.utf8.prefix(length).elementsEqual(rawValue.utf8.prefix(length))
    }
}
