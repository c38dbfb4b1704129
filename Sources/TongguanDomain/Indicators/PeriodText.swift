import Foundation

/// Reading periods as people write them, and showing them the way the article does.
extension Period {
    /// Parses the forms in the table on `Period`; white space around the text and around
    /// `..` is ignored.
    public init(_ raw: String) throws(Problem) {
        let text = TextPolicy.trimmed(raw)
        guard !text.isEmpty else { throw .empty }
        let pieces = text.components(separatedBy: "..")
        switch pieces.count {
        case 1:
            self.init(try Period.part(text, whole: text))
        case 2:
            let a = try Period.part(TextPolicy.trimmed(pieces[0]), whole: text)
            let b = try Period.part(TextPolicy.trimmed(pieces[1]), whole: text)
            self = try Period.checkedRange(a, b, text: text)
        default:
            throw .unrecognized(text)
        }
    }

    /// The canonical text, or nil: for places that only need to know.
    public init?(text: String) {
        guard let period = try? Period(text) else { return nil }
        self = period
    }

    private static func part(_ s: String, whole: String) throws(Problem) -> Part {
        let fields = s.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let yearText = fields.first, yearText.count == 4, yearText.allSatisfy(\.isASCIIDigitChar),
            let year = Int(yearText), (1...3).contains(fields.count)
        else { throw .unrecognized(whole) }
        guard years.contains(year) else { throw .yearOutOfRange(whole) }
        if fields.count == 1 { return .year(year) }
        let second = fields[1].uppercased()
        if fields.count == 2, let letter = second.first, letter == "Q" || letter == "H" {
            let digits = second.dropFirst()
            guard digits.count == 1, let n = Int(digits) else {
                throw letter == "Q" ? Problem.badQuarter(whole) : Problem.badHalf(whole)
            }
            if letter == "Q" {
                guard (1...4).contains(n) else { throw .badQuarter(whole) }
                return .quarter(year: year, quarter: n)
            }
            guard (1...2).contains(n) else { throw .badHalf(whole) }
            return .half(year: year, half: n)
        }
        guard (1...2).contains(second.count), second.allSatisfy(\.isASCIIDigitChar), let month = Int(second) else {
            throw .unrecognized(whole)
        }
        guard (1...12).contains(month) else { throw .badMonth(whole) }
        if fields.count == 2 { return .month(year: year, month: month) }
        let dayText = fields[2]
        guard (1...2).contains(dayText.count), dayText.allSatisfy(\.isASCIIDigitChar), let day = Int(dayText) else {
            throw .unrecognized(whole)
        }
        guard let date = CivilDate(year: year, month: month, day: day) else { throw .noSuchDay(whole) }
        return .day(date)
    }

    /// As the article writes periods: `2021年`, `2021年上半年`, `2021年第二季度`, `2021年5月`,
    /// `2021年5月20日`; ranges share their year: `2021年1—5月`, `2021年5月1—20日`,
    /// `2021年第一季度—5月`, `2020年11月—2021年2月`, `2019—2021年`.
    public var chinese: String {
        guard let last else { return first.chinese(withYear: true) }
        switch (first, last) {
        case (.year(let a), .year(let b)):
            return "\(a)—\(b)年"
        case (.year, _), (_, .year):
            return first.chinese(withYear: true) + "—" + last.chinese(withYear: true)
        default:
            break
        }
        guard first.year == last.year else { return first.chinese(withYear: true) + "—" + last.chinese(withYear: true) }
        let prefix = "\(first.year)年"
        switch (first, last) {
        case (.month(_, let a), .month(_, let b)):
            return prefix + "\(a)—\(b)月"
        case (.day(let a), .day(let b)) where a.month == b.month:
            return prefix + "\(a.month)月\(a.day)—\(b.day)日"
        default:
            return prefix + first.chinese(withYear: false) + "—" + last.chinese(withYear: false)
        }
    }
}

extension Period.Part {
    static let quarterNames = ["一", "二", "三", "四"]

    func chinese(withYear: Bool) -> String {
        let y = withYear ? "\(year)年" : ""
        switch self {
        case .day(let d): return y + "\(d.month)月\(d.day)日"
        case .month(_, let m): return y + "\(m)月"
        case .quarter(_, let q): return y + "第\(Period.Part.quarterNames[q - 1])季度"
        case .half(_, let h): return y + (h == 1 ? "上半年" : "下半年")
        case .year: return "\(year)年"
        }
    }
}
