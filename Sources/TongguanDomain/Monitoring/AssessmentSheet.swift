/// The income-assessment import sheet: one assessment per row, the household named by its
/// head's resident ID. Amounts are in 元 with up to 2 decimals, read exactly; yes/no
/// columns hold 是 or 否. An assessment is keyed by household and date, so importing the
/// same file again changes nothing (the server skips rows whose inputs are already stored).
public enum AssessmentSheet {
    public enum Column: String, CaseIterable, Sendable {
        case headResidentID = "户主身份证号"
        case assessedOn = "评估日期"
        case wages = "工资性收入(元)"
        case business = "经营性收入(元)"
        case property = "财产性收入(元)"
        case transfer = "转移性收入(元)"
        case productionCosts = "生产经营支出(元)"
        case medical = "医疗自付(元)"
        case education = "教育支出(元)"
        case housingSafe = "住房安全"
        case waterSafe = "饮水安全"

        /// The money columns, in sheet order.
        public static let amounts: [Column] = [.wages, .business, .property, .transfer, .productionCosts, .medical, .education]
    }

    /// Column positions, or the missing columns (every column is required).
    public static func columns(in header: [String]) -> Result<[Column: Int], ImportProblems> {
        let normalized = header.map(ProjectSheet.normalizeHeader)
        var positions: [Column: Int] = [:]
        for column in Column.allCases {
            if let i = normalized.firstIndex(of: ProjectSheet.normalizeHeader(column.rawValue)) { positions[column] = i }
        }
        let missing = Column.allCases.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            return .failure(ImportProblems(missing.map { RowProblem(row: 1, column: $0.rawValue, message: "表头缺少此列") }))
        }
        return .success(positions)
    }

    /// A row that passed every check that needs no database. The server finds the
    /// household by `headResidentID` and computes the assessment with its members.
    public struct Draft: Equatable, Sendable {
        public var line: Int
        /// Validated and upper-cased; used to find the household, never put in a message.
        public var headResidentID: String
        public var assessedOn: CivilDate
        public var figures: IncomeFigures
        public var housingSafe: Bool
        public var waterSafe: Bool
    }

    /// Checks one data row, reporting every problem of the row.
    public static func draft(_ row: SheetRow, columns: [Column: Int], today: CivilDate) -> Result<Draft, ImportProblems> {
        var problems: [RowProblem] = []
        func cell(_ c: Column) -> SheetCell? {
            guard let i = columns[c], i < row.cells.count else { return nil }
            return row.cells[i]
        }
        func fail(_ c: Column, _ message: String) { problems.append(RowProblem(row: row.line, column: c.rawValue, message: message)) }

        var headID: String?
        let idText = cell(.headResidentID)?.text ?? ""
        if idText.isEmpty {
            fail(.headResidentID, "不能为空")
        } else {
            do { headID = try ResidentID.validate(idText) } catch { fail(.headResidentID, error.message) }
        }
        var date: CivilDate?
        if let c = cell(.assessedOn), !c.isEmpty {
            date = ProjectSheet.parseDate(c)
            if date == nil {
                fail(.assessedOn, "日期应为 2021-07-16、2021/7/16 或 2021年7月16日")
            } else if let d = date, d > today {
                fail(.assessedOn, "评估日期不能晚于今天"); date = nil
            }
        } else {
            fail(.assessedOn, "不能为空")
        }
        var amounts: [Column: Int64] = [:]
        for column in Column.amounts {
            guard let c = cell(column), !c.isEmpty else { fail(column, "不能为空,没有此项请填0"); continue }
            do { amounts[column] = try Fen.fromYuan(c.text) } catch { fail(column, amountMessage(error)) }
        }
        let housing = yesNo(cell(.housingSafe)), water = yesNo(cell(.waterSafe))
        if housing == nil { fail(.housingSafe, "应填写“是”或“否”") }
        if water == nil { fail(.waterSafe, "应填写“是”或“否”") }
        guard problems.isEmpty, let headID, let date, let housing, let water else { return .failure(ImportProblems(problems)) }
        let figures = IncomeFigures(
            wagesFen: amounts[.wages]!, businessFen: amounts[.business]!, propertyFen: amounts[.property]!,
            transferFen: amounts[.transfer]!, productionCostsFen: amounts[.productionCosts]!,
            medicalFen: amounts[.medical]!, educationFen: amounts[.education]!)
        return .success(
            Draft(
                line: row.line, headResidentID: headID, assessedOn: date, figures: figures,
                housingSafe: housing, waterSafe: water))
    }

    /// Rows naming the same household head and date twice: the later ones are refused,
    /// pointing at the first, since one file must not hold two versions of one assessment.
    public static func duplicateProblems(_ drafts: [Draft]) -> [RowProblem] {
        var first: [String: Int] = [:]
        var problems: [RowProblem] = []
        for d in drafts {
            let key = d.headResidentID + "|" + d.assessedOn.description
            if let line = first[key] {
                problems.append(
                    RowProblem(
                        row: d.line, column: Column.assessedOn.rawValue,
                        message: "与第\(line)行的户主和评估日期相同,同一户同一日期只能有一条评估"))
            } else {
                first[key] = d.line
            }
        }
        return problems
    }

    /// The row an assessment exports as; `draft` reads it back to the same inputs.
    public static func exportRow(headResidentID: String, assessment: IncomeAssessment) -> [String] {
        let f = assessment.figures
        return [headResidentID, assessment.assessedOn.description]
            + [f.wagesFen, f.businessFen, f.propertyFen, f.transferFen, f.productionCostsFen, f.medicalFen, f.educationFen].map(Fen.yuanText)
            + [assessment.housingSafe ? "是" : "否", assessment.waterSafe ? "是" : "否"]
    }

    /// The header row, for templates and exports.
    public static var header: [String] { Column.allCases.map(\.rawValue) }

    static func yesNo(_ cell: SheetCell?) -> Bool? {
        switch cell?.text {
        case "是": true
        case "否": false
        default: nil
        }
    }

    /// Fen's messages speak of 万元; this sheet's amounts are in 元.
    public static func amountMessage(_ problem: Fen.Problem) -> String {
        switch problem {
        case .format: "金额格式不正确,应为数字(单位:元)"
        case .tooManyDecimals, .negative, .tooLarge, .misplacedSeparator: problem.message
        }
    }
}
