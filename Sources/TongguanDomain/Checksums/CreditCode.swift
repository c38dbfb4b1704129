import Foundation

/// 统一社会信用代码 (GB 32100-2015): 18 characters over `0-9A-Z` without I, O, S, V, Z;
/// the 18th is a check character over the first 17.
public enum CreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Problem: Error, Equatable, Sendable {
        case length(Int)
        case character(Character)
        case checksum(expected: Character)

        public var message: String {
            switch self {
            case .length(let n): "统一社会信用代码应为18位(当前为\(n)位)"
            case .character(let c): "统一社会信用代码含有非法字符「\(c)」(不使用 I、O、S、V、Z)"
            case .checksum(let c): "统一社会信用代码校验位错误(按前17位应为「\(c)」)"
            }
        }
    }

    /// Upper-cases and trims, then checks; returns the normalised code.
    @discardableResult
    public static func validate(_ raw: String) throws(Problem) -> String {
        let code = raw.trimmedCell.uppercased()
        let chars = Array(code)
        guard chars.count == 18 else { throw .length(chars.count) }
        var sum = 0
        for (i, c) in chars.prefix(17).enumerated() {
            guard let value = alphabet.firstIndex(of: c) else { throw .character(c) }
            sum += value * weights[i]
        }
        guard alphabet.contains(chars[17]) else { throw .character(chars[17]) }
        let check = (31 - sum % 31) % 31
        guard chars[17] == alphabet[check] else { throw .checksum(expected: alphabet[check]) }
        return code
    }

    public static func isValid(_ raw: String) -> Bool { (try? validate(raw)) != nil }
}
