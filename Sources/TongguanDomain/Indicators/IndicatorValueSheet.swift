/// The import sheet of manually entered values: one value per row under the header
/// 指标编码, 区划代码, 期间, 数值, 备注 (备注 optional).
public enum IndicatorValueSheet {
    public enum Column: String, CaseIterable, Sendable {
        case indicator = "指标编码"
        case division = "区划代码"
        case period = "期间"
        case value = "数值"
        case note = "备注"

        public static var required: [Column] { allCases.filter { $0 != .note } }
    }

    /// One row that passed every check needing no database beyond the indicator list.
    public struct Draft: Hashable, Sendable {
        public let line: Int
        public let indicator: IndicatorCode
        public let division: DivisionCode
        public let period: Period
        public let value: ExactDecimal
        public let note: String
    }

    public static func columns(in header: [String]) -> Result<[Column: Int], ImportProblems> {
        let normalized = header.map(ProjectSheet.normalizeHeader)
        var positions: [Column: Int] = [:]
        for column in Column.allCases {
            if let i = normalized.firstIndex(of: column.rawValue) { positions[column] = i }
        }
        let missing = Column.required.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            return .failure(ImportProblems(missing.map { RowProblem(row: 1, column: $0.rawValue, message: "表头缺少此列") }))
        }
        return .success(positions)
    }

    /// Checks every row and reports every problem of every row; nothing is imported while
    /// one remains. Only manual indicators take imported values; with a scope, each row's
    /// division must be inside it; a file may state one (indicator, division, period) once.
    public static func drafts(
        _ rows: [SheetRow], columns: [Column: Int], indicators: [IndicatorCode: Indicator],
        scope: DivisionScope? = nil
    ) -> Result<[Draft], ImportProblems> {
        var problems: [RowProblem] = []
        var drafts: [Draft] = []
        var firstLine: [String: Int] = [:]
        for row in rows {
            func text(_ c: Column) -> String {
                guard let i = columns[c], i < row.cells.count else { return "" }
                return row.cells[i].text
            }
            func fail(_ c: Column, _ message: String) { problems.append(RowProblem(row: row.line, column: c.rawValue, message: message)) }
            if Column.allCases.allSatisfy({ text($0).isEmpty }) { continue }
            var code: IndicatorCode?
            do {
                let parsed = try IndicatorCode(validating: text(.indicator))
                if let indicator = indicators[parsed] {
                    if indicator.source.isManual { code = parsed } else { fail(.indicator, "「\(indicator.name)」是计算型指标,数值由系统计算,不能导入") }
                } else {
                    fail(.indicator, "未知指标「\(parsed.rawValue)」")
                }
            } catch { fail(.indicator, error.message) }
            var division: DivisionCode?
            do {
                let parsed = try DivisionCode(validating: text(.division))
                if let scope, !scope.contains(parsed) { fail(.division, "区划「\(parsed.rawValue)」不在您的管辖范围内") } else { division = parsed }
            } catch { fail(.division, error.message) }
            var period: Period?
            do { period = try Period(text(.period)) } catch { fail(.period, error.message) }
            var value: ExactDecimal?
            let rawValue = text(.value).filter { $0 != "," && $0 != "," }
            if rawValue.isEmpty {
                fail(.value, "不能为空")
            } else {
                do { value = try ExactDecimal(rawValue) } catch { fail(.value, error.message) }
            }
            var note = ""
            do {
                note = try TextPolicy.multiLine(text(.note))
                if note.count > 500 { fail(.note, "不能超过500个字符") }
            } catch { fail(.note, error.message) }
            guard let code, let division, let period, let value else { continue }
            let key = code.rawValue + "|" + division.rawValue + "|" + period.description
            if let earlier = firstLine[key] {
                fail(.period, "与第\(earlier)行的指标、区划和期间相同")
                continue
            }
            firstLine[key] = row.line
            if problems.contains(where: { $0.row == row.line }) { continue }
            drafts.append(Draft(line: row.line, indicator: code, division: division, period: period, value: value, note: note))
        }
        return problems.isEmpty ? .success(drafts) : .failure(ImportProblems(problems))
    }

    /// The row a stored value exports as; `drafts` reads it back to the same value.
    public static func exportRow(
        indicator: IndicatorCode, division: DivisionCode, period: Period, value: ExactDecimal,
        note: String
    ) -> [String] {
        [indicator.rawValue, division.rawValue, period.description, value.description, note]
    }
}
