/// A case's number, `{6-digit division}-{year}-{6-digit sequence}` (`141124-2021-000137`):
/// the registering county (or city), the year of registration, and a sequence the server
/// hands out per division and year, starting at 1.
public struct CaseNumber: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let division: DivisionCode
    public let year: Int
    public let sequence: Int

    public static let sequenceRange = 1...999_999
    public static let yearRange = 1990...2200

    public enum Problem: Error, Equatable, Sendable {
        case format
        case division(DivisionCode.Problem)
        case divisionLevel
        case year
        case sequence

        public var message: String {
            switch self {
            case .format: "编号应为「6位区划代码-4位年份-6位序号」,如 141124-2021-000137"
            case .division(let problem): "编号中的" + problem.message
            case .divisionLevel: "编号中的区划代码应为6位的省、市或县级代码"
            case .year: "编号中的年份应在\(CaseNumber.yearRange.lowerBound)到\(CaseNumber.yearRange.upperBound)之间"
            case .sequence: "编号中的序号应为000001到999999"
            }
        }
    }

    public init(division: DivisionCode, year: Int, sequence: Int) throws(Problem) {
        guard division.rawValue.count == 6 else { throw .divisionLevel }
        guard CaseNumber.yearRange.contains(year) else { throw .year }
        guard CaseNumber.sequenceRange.contains(sequence) else { throw .sequence }
        self.division = division
        self.year = year
        self.sequence = sequence
    }

    /// The number for a case registered in `division` (a township or village code is
    /// numbered under its county) on a day of `year`.
    public init(registeredIn division: DivisionCode, year: Int, sequence: Int) throws(Problem) {
        let county = DivisionCode(String(division.rawValue.prefix(6)))!
        try self.init(division: county, year: year, sequence: sequence)
    }

    public init(parsing raw: String) throws(Problem) {
        let text = raw.trimmedCell
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0].count == 6, parts[1].count == 4, parts[2].count == 6,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let year = Int(parts[1]), let sequence = Int(parts[2])
        else { throw .format }
        let division: DivisionCode
        do { division = try DivisionCode(validating: parts[0]) } catch { throw .division(error) }
        try self.init(division: division, year: year, sequence: sequence)
    }

    public init?(_ raw: String) {
        guard let number = try? CaseNumber(parsing: raw) else { return nil }
        self = number
    }

    public var description: String { division.rawValue + "-" + padded(year, 4) + "-" + padded(sequence, 6) }

    /// The counter key the server keeps the last sequence under.
    public var series: String { division.rawValue + "-" + padded(year, 4) }

    public static func < (a: Self, b: Self) -> Bool { (a.division, a.year, a.sequence) < (b.division, b.year, b.sequence) }

    /// Whether the number fits a case of `division` registered on `receivedOn`: the
    /// number's division must contain the case's, its year must be the registration year.
    public func fits(division caseDivision: DivisionCode, receivedOn: CivilDate) -> Bool {
        division.contains(caseDivision) && year == receivedOn.year
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { self = try CaseNumber(parsing: raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
