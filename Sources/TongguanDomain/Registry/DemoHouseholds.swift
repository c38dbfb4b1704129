import Foundation

/// The demo's households (`serve --demo`): generated, deterministic, clearly fictitious
/// (every name holds 演示), with valid resident IDs (real birth dates, check characters
/// computed by GB 11643's rule) and a few records the data-quality page flags.
public enum DemoHouseholds {
    static let numerals = Array("〇一二三四五六七八九")
    static let surnames = Array("王李张刘陈杨赵黄周吴")

    /// A valid ID: 6-digit address code, birth date, 3-digit sequence, check character.
    public static func residentID(address: String, birth: CivilDate, sequence: Int) -> String {
        let body = address + String(format: "%04d%02d%02d%03d", birth.year, birth.month, birth.day, sequence % 1000)
        let sum = zip(body.compactMap(\.wholeNumberValue), ResidentID.weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(ResidentID.checks[sum % 11])
    }

    static func chinese(_ n: Int) -> String { String(String(n).compactMap { $0.wholeNumberValue.map { numerals[$0] } }) }

    /// Sheet rows (the member sheet's columns) for `count` households in each village; the
    /// address code of an ID is the village's county.
    public static func rows(villages: [DivisionCode], perVillage count: Int) -> [[String]] {
        var rows: [[String]] = []
        var n = 0
        for village in villages {
            let county = String(village.rawValue.prefix(6))
            for h in 0..<count {
                n += 1
                let surname = surnames[n % surnames.count]
                let headBirth = CivilDate(year: 1960 + n % 30, month: 1 + n % 12, day: 1 + n % 28)!
                let head = residentID(address: county, birth: headBirth, sequence: n)
                let phone = "139" + String(format: "%08d", 10_000_000 + n)
                rows.append(
                    ["\(surname)演示\(chinese(n))", head, head, village.rawValue, "户主", "有", "否", "否", "无", "务农", "是", phone, "演示路\(h + 1)号"])
                let size = 1 + n % 4
                for m in 1..<max(size, 1) {
                    let relation = m == 1 ? "配偶" : "子女"
                    let birth =
                        m == 1
                        ? CivilDate(year: headBirth.year + 2, month: 1 + (n + m) % 12, day: 1 + (n + m) % 28)!
                        : CivilDate(year: 2005 + (n + m) % 15, month: 1 + (n + m) % 12, day: 1 + (n + m) % 28)!
                    let id = residentID(address: county, birth: birth, sequence: (n * 7 + m) % 1000)
                    // Children at school by age, except in every 10th household (a quality finding).
                    let age = 2026 - birth.year
                    let school: String
                    switch age {
                    case 6...15 where relation == "子女": school = n % 10 == 0 ? "无" : "义务教育"
                    case 16...18 where relation == "子女": school = "普通高中"
                    default: school = "无"
                    }
                    let work = relation == "子女" && age < 18 ? "无" : (m == 1 ? "本地务工" : "外出务工")
                    rows.append(
                        [
                            "\(m == 1 ? surnames[(n + 3) % surnames.count] : surname)演示\(chinese(n))\(numerals[m])", id, head,
                            village.rawValue, relation, age < 16 ? "无" : "有", n % 17 == 0 ? "是" : "否", n % 11 == 0 ? "是" : "否",
                            school, work, "是", "", "",
                        ])
                }
            }
        }
        return rows
    }
}
