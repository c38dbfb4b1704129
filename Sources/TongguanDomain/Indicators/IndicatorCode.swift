/// The stable ASCII name of an indicator (`projects.signed.investment`, `air.pm25`): what
/// templates, imports and the API refer to, so it never changes once values hang on it.
///
/// Rules: 2 to 6 segments joined by `.`; each segment 1–32 characters of lower-case ASCII
/// letters, digits and `_`, beginning with a letter; 64 characters at most in all.
/// Query kinds registered by modules (`projects.summary`) follow the same rules.
public struct IndicatorCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public static let maxLength = 64
    public static let segmentCount = 2...6

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case tooLong(Int)
        case badCharacter(Character)
        case emptySegment
        case segmentStart(String)
        case segmentTooLong(String)
        case segmentCount(Int)

        public var message: String {
            switch self {
            case .empty: "编码不能为空"
            case .tooLong(let n): "编码不能超过\(IndicatorCode.maxLength)个字符(当前\(n)个)"
            case .badCharacter(let c): "编码只能使用小写英文字母、数字、下划线和点,不能含「\(c)」"
            case .emptySegment: "编码不能以点开头或结尾,也不能有连续的点"
            case .segmentStart(let s): "编码的每一段须以小写字母开头(「\(s)」不符合)"
            case .segmentTooLong(let s): "编码的每一段不能超过32个字符(「\(s)」过长)"
            case .segmentCount(let n): "编码应由2到6段组成,以点分隔,如 projects.signed.count(当前\(n)段)"
            }
        }
    }

    public init(validating raw: String) throws(Problem) {
        try IndicatorCode.check(raw)
        rawValue = raw
    }

    public init?(_ raw: String) {
        guard (try? IndicatorCode.check(raw)) != nil else { return nil }
        rawValue = raw
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do { try self.init(validating: raw) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The first rule `raw` breaks, for codes and for query kind names.
    public static func check(_ raw: String) throws(Problem) {
        guard !raw.isEmpty else { throw .empty }
        if let bad = raw.first(where: { !isAllowed($0) }) { throw .badCharacter(bad) }
        guard raw.count <= maxLength else { throw .tooLong(raw.count) }
        let segments = raw.split(separator: ".", omittingEmptySubsequences: false)
        guard !segments.contains(where: \.isEmpty) else { throw .emptySegment }
        for segment in segments {
            guard let first = segment.first, first.isASCII, first.isLetter else { throw .segmentStart(String(segment)) }
            guard segment.count <= 32 else { throw .segmentTooLong(String(segment)) }
        }
        guard segmentCount.contains(segments.count) else { throw .segmentCount(segments.count) }
    }

    static func isAllowed(_ c: Character) -> Bool {
        guard c.isASCII else { return false }
        return ("a"..."z").contains(c) || c.isASCIIDigitChar || c == "_" || c == "."
    }
}
