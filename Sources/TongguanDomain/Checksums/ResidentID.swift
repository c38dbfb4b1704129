import Foundation

/// 公民身份号码 (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.
/// The address part is never checked against today's divisions: numbers issued before 2003
/// in 吕梁 keep the old 1423xx prefixes.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checks = Array("10X98765432")

    public enum Problem: Error, Equatable, Sendable {
        case format, birthDate, checksum

        public var message: String {
            switch self {
            case .format: "身份证号应为17位数字加1位校验码(数字或X)"
            case .birthDate: "身份证号中的出生日期无效"
            case .checksum: "身份证号校验码错误"
            }
        }
    }

    @discardableResult
    public static func validate(_ raw: String) throws(Problem) -> String {
        let id = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(id)
        guard chars.count == 18, chars.prefix(17).allSatisfy(\.isASCIIDigitChar),
            chars[17].isASCIIDigitChar || chars[17] == "X"
        else { throw .format }
        let digits = chars.prefix(17).map { Int(String($0))! }
        guard isBirthDate(Int(String(chars[6..<14]))!) else { throw .birthDate }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        guard chars[17] == checks[sum % 11] else { throw .checksum }
        return id
    }

    /// YYYYMMDD as a real Gregorian date from 1800 on. Not `CivilDate`, whose 1900…2200 is
    /// the span the platform schedules in: the standard's own example was born in 1880.
    static func isBirthDate(_ n: Int) -> Bool {
        let y = n / 10000, m = n / 100 % 100, d = n % 100
        return (1800...2200).contains(y) && (1...12).contains(m) && (1...CivilDate.daysIn(month: m, year: y)).contains(d)
    }
}

extension Character {
    var isASCIIDigitChar: Bool { isASCII && isNumber }
}
