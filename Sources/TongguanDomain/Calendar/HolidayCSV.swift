/// The calendar's exchange format, `date,kind,name` (as in holidays-cn.csv): one official
/// day per line, `holiday` for a day off, `workday` for a weekend day worked in exchange.
/// An upload is all or nothing: every problem is reported with its line.
public enum HolidayCSV {
    public static let header = ["date", "kind", "name"]

    /// Reads a whole file into entries, or every problem in it.
    public static func parse(_ text: String) throws(ImportProblems) -> [WorkingCalendar.Entry] {
        let rows: [CSVParser.Row]
        do { rows = try CSVParser.parse(text) } catch {
            throw ImportProblems([RowProblem(row: error.line, column: "date", message: error.message)])
        }
        guard let head = rows.first else {
            throw ImportProblems([RowProblem(row: 1, column: "date", message: "文件为空,第一行应为表头 date,kind,name")])
        }
        let names = head.fields.map { $0.trimmedCell.lowercased() }
        var positions: [String: Int] = [:]
        for column in header { if let i = names.firstIndex(of: column) { positions[column] = i } }
        let missing = header.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            throw ImportProblems(missing.map { RowProblem(row: head.line, column: $0, message: "表头缺少此列") })
        }

        var problems: [RowProblem] = []
        var entries: [WorkingCalendar.Entry] = []
        var lines: [Int] = []
        for row in rows.dropFirst() {
            func field(_ column: String) -> String {
                let i = positions[column]!
                return i < row.fields.count ? row.fields[i] : ""
            }
            func fail(_ column: String, _ message: String) {
                problems.append(RowProblem(row: row.line, column: column, message: message))
            }
            let rawDate = field("date").trimmedCell
            let date = CivilDate(iso: rawDate) ?? CivilDate(parsing: rawDate)
            if rawDate.isEmpty { fail("date", "不能为空") } else if date == nil { fail("date", "日期应为 YYYY-MM-DD 格式的真实日期") }
            let kind = dayKind(field("kind"))
            if kind == nil { fail("kind", "应为 holiday(放假)或 workday(调休上班)") }
            var name = ""
            do { name = try TextPolicy.singleLine(field("name")) } catch {
                fail("name", error.message)
                name = TextPolicy.trimmed(field("name"))
            }
            if let date, let kind {
                entries.append(WorkingCalendar.Entry(date: date, kind: kind, name: name))
                lines.append(row.line)
            }
        }
        for (index, problem) in WorkingCalendar.problems(in: entries) {
            let message: String
            if case .duplicate(let first) = problem { message = "与第\(lines[first])行日期重复" } else { message = problem.message }
            problems.append(RowProblem(row: lines[index], column: problem.column, message: message))
        }
        guard problems.isEmpty else {
            throw ImportProblems(
                problems.sorted { ($0.row, header.firstIndex(of: $0.column) ?? 0) < ($1.row, header.firstIndex(of: $1.column) ?? 0) })
        }
        return entries
    }

    /// The file for a download; `parse` reads it back to the same entries.
    public static func text(_ entries: [WorkingCalendar.Entry]) -> String {
        var lines = [CSVParser.line(header)]
        for entry in entries.sorted(by: { $0.date < $1.date }) {
            lines.append(CSVParser.line([entry.date.description, entry.kind.rawValue, entry.name]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `holiday` / `workday`, or the Chinese words staff type for them.
    public static func dayKind(_ raw: String) -> WorkingCalendar.DayKind? {
        switch raw.trimmedCell.lowercased() {
        case "holiday", "放假", "休": .holiday
        case "workday", "上班", "调休上班", "班": .workday
        default: nil
        }
    }
}

extension WorkingCalendar {
    /// What can be wrong with one entry among others.
    public enum EntryProblem: Equatable, Sendable {
        /// The date already appears at this index.
        case duplicate(firstIndex: Int)
        /// A make-up workday must be a Saturday or Sunday: on a weekday it changes nothing,
        /// so it is almost certainly a typo for another date.
        case workdayOnWeekday(isoWeekday: Int)
        case blankName
        case nameTooLong(max: Int)

        public var column: String {
            switch self {
            case .duplicate, .workdayOnWeekday: "date"
            case .blankName, .nameTooLong: "name"
            }
        }

        public var message: String {
            switch self {
            case .duplicate(let first): "日期与第\(first + 1)项重复"
            case .workdayOnWeekday(let weekday):
                "调休上班日应为周六或周日,该日是周" + ["一", "二", "三", "四", "五", "六", "日"][weekday - 1]
            case .blankName: "节日名称不能为空"
            case .nameTooLong(let max): "节日名称不能超过\(max)个字符"
            }
        }
    }

    public static let maxNameLength = 50

    /// Every problem of an edited list, by index. A `holiday` may fall on a weekend: the
    /// official spans (e.g. 2024-02-10 to 02-17) name their weekend days too, and keeping
    /// them makes each span read as published; it changes no count.
    public static func problems(in entries: [Entry]) -> [(index: Int, problem: EntryProblem)] {
        var result: [(Int, EntryProblem)] = []
        var seen: [Int: Int] = [:]
        for (i, entry) in entries.enumerated() {
            if let first = seen[entry.date.dayNumber] { result.append((i, .duplicate(firstIndex: first))) } else { seen[entry.date.dayNumber] = i }
            if entry.kind == .workday, entry.date.isoWeekday <= 5 { result.append((i, .workdayOnWeekday(isoWeekday: entry.date.isoWeekday))) }
            if TextPolicy.trimmed(entry.name).isEmpty {
                result.append((i, .blankName))
            } else if entry.name.count > maxNameLength {
                result.append((i, .nameTooLong(max: maxNameLength)))
            }
        }
        return result
    }

    /// A calendar from edited entries, or every problem as field problems
    /// (`entries[3].date`), for `PUT` of a year's list.
    public static func validated(_ entries: [Entry]) throws(ValidationFailure) -> WorkingCalendar {
        var list = ProblemList()
        for (i, problem) in problems(in: entries) { list.add("entries[\(i)].\(problem.column)", problem.message) }
        try list.throwIfAny()
        return WorkingCalendar(entries: entries)
    }
}
