import Foundation

/// A calendar day with no time or zone: what a milestone, a round or a deadline is dated.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month), day >= 1,
            day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYYMMDD`, as inside resident IDs.
    public init?(compact s: String) {
        guard s.count == 8, let n = Int(s) else { return nil }
        self.init(year: n / 10000, month: n / 100 % 100, day: n % 100)
    }

    /// `2021-07-16`, `2021/7/16`, `2021.7.16` or `2021年7月16日`, as people and spreadsheets write them.
    public init?(parsing raw: String) {
        if let date = Self.plainISO(raw) {
            self = date
            return
        }
        self.init(parsingGeneral: raw)
    }

    /// `YYYY-MM-DD` exactly, read byte by byte (an import reads up to three dates per row);
    /// nil for any other text, which `init(parsingGeneral:)` reads (and answers the same for
    /// these, as a test checks).
    static func plainISO(_ raw: String) -> CivilDate? {
        var y = 0, m = 0, d = 0, i = 0
        for b in raw.utf8 {
            switch i {
            case 4, 7: guard b == UInt8(ascii: "-") else { return nil }
            case 0...3, 5, 6, 8, 9:
                guard b >= 0x30 && b <= 0x39 else { return nil }
                let digit = Int(b - 0x30)
                if i < 4 { y = y * 10 + digit } else if i < 7 { m = m * 10 + digit } else { d = d * 10 + digit }
            default: return nil
            }
            i += 1
        }
        guard i == 10 else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    init?(parsingGeneral raw: String) {
        var s = raw.trimmedCell
        if s.hasSuffix("日") { s.removeLast() }
        let separators: Set<Character> = ["-", "/", ".", "年", "月"]
        let parts = s.split(whereSeparator: { separators.contains($0) }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The ISO form used in JSON and the database: `YYYY-MM-DD`.
    public init?(iso s: String) {
        let parts = s.split(separator: "-")
        guard s.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Why a typed date was not taken: its form, or a real date outside what the platform
    /// keeps (9999-12-31 is a date, just not one a record can carry).
    public enum Problem: Error, Equatable, Sendable {
        case format, outOfRange

        public var message: String {
            switch self {
            case .format: "日期格式应为 YYYY-MM-DD"
            case .outOfRange: "日期超出范围:应在1900-01-01至2200-12-31之间"
            }
        }
    }

    /// `YYYY-MM-DD` as the API and query strings carry it, telling a bad form from a date
    /// out of range.
    public static func validatingISO(_ s: String) throws(Problem) -> CivilDate {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard s.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { throw .format }
        guard (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { throw .format }
        guard let date = CivilDate(year: y, month: m, day: d) else { throw .outOfRange }
        return date
    }

    public var description: String { padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2) }
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for date arithmetic without time zones.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y
        self.month = m
        self.day = d
    }

    /// Excel's serial day numbers (1900 date system, with its phantom 1900-02-29).
    public init?(excelSerial serial: Int) {
        guard serial > 60, serial < 200_000 else { return nil }
        self.init(dayNumber: serial - 25569)
        guard (1900...2200).contains(year) else { return nil }
    }

    public var excelSerial: Int { dayNumber + 25569 }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// Calendar months to the day: 2022-06-28 + 6 months = 2022-12-28. A day that the target
    /// month lacks becomes its last day (2022-08-31 + 6 months = 2023-02-28), so "six months
    /// after" never skips into the month after.
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(month: m, year: y)))
            ?? CivilDate(dayNumber: dayNumber + months * 30)
    }

    /// Whole years from `self` to `date` (an age: a person born 2010-03-01 is 5 on
    /// 2016-02-29 and 6 on 2016-03-01); negative when `date` is earlier. Someone born on
    /// 29 February turns a year older on 1 March in common years.
    public func wholeYears(until date: CivilDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// The first day of the month this day is in.
    public var firstOfMonth: CivilDate { CivilDate(year: year, month: month, day: 1)! }

    /// Monday = 1 … Sunday = 7 (ISO 8601); 1970-01-01 was a Thursday.
    public var isoWeekday: Int { ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }
}
