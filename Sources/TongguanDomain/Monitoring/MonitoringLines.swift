/// 监测范围: the per-capita income line below which a household may be included, set by a
/// province (and sometimes a city or county) for each year.
public struct MonitoringLine: Hashable, Sendable {
    /// The division the line is set for; it applies to every division inside it.
    public var division: DivisionCode
    public var year: Int
    public var lineFen: Int64

    public init(division: DivisionCode, year: Int, lineFen: Int64) {
        self.division = division
        self.year = year
        self.lineFen = lineFen
    }

    /// Problems with a line a person enters, by JSON field name.
    public var problems: [FieldProblem] {
        var list = ProblemList()
        if !(2000...2100).contains(year) { list.add("year", "年度应在2000到2100之间") }
        if lineFen <= 0 { list.add("line_fen", "监测收入线应大于0") }
        if lineFen > 100_000_000 { list.add("line_fen", "监测收入线不应超过100万元") }
        if division.level == .village { list.add("division_code", "监测收入线应按乡镇或以上区划设置") }
        return list.problems
    }
}

/// The table of lines, answering "which line is in force for this division and year".
public struct MonitoringLines: Sendable {
    public let rows: [MonitoringLine]

    public init(_ rows: [MonitoringLine]) { self.rows = rows }

    /// The line of the most specific division that encloses `division` for `year` (a
    /// county's line overrides its province's), or nil when none is set.
    public func line(for division: DivisionCode, year: Int) -> MonitoringLine? {
        rows.filter { $0.year == year && $0.division.contains(division) }
            .max { $0.division.significantPrefix.count < $1.division.significantPrefix.count }
    }

    /// The line in force, or a refusal naming the year and the division (by code, and by
    /// name when the caller knows it) so the person knows which line to set first.
    public func requireLine(for division: DivisionCode, year: Int, divisionName: String? = nil) throws(Refusal) -> Int64 {
        if let row = line(for: division, year: year) { return row.lineFen }
        let place = divisionName.map { "\($0)(\(division.rawValue))" } ?? division.rawValue
        throw Refusal.unmet([
            UnmetCondition(
                code: "monitoring_line",
                message: "\(year)年没有适用于\(place)的监测收入线,请先设置该年度的监测收入线")
        ])
    }

    /// Two rows for the same division and year would make the answer depend on row order.
    public static func duplicateProblem(_ new: MonitoringLine, existing: [MonitoringLine]) -> Refusal? {
        guard existing.contains(where: { $0.division == new.division && $0.year == new.year }) else { return nil }
        return .conflict("\(new.year)年\(new.division.rawValue)的监测收入线已存在,请修改原记录")
    }
}
