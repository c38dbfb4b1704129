import Foundation

/// The project import/export sheet: one project per row under a Chinese header row.
public enum ProjectSheet {
    public enum Column: String, CaseIterable, Sendable {
        case name = "项目名称"
        case investor = "项目单位"
        case creditCode = "统一社会信用代码"
        case division = "所属区划代码"
        case zone = "开发区"
        case industry = "产业类别"
        case totalInvestment = "总投资(万元)"
        case expectedOutput = "预计年产值(万元)"
        case signedDate = "签约日期"
        case signedRound = "签约批次"
        case startedDate = "开工日期"
        case startedRound = "开工批次"
        case producingDate = "投产日期"
        case producingRound = "投产批次"
        case contact = "联系人"
        case phone = "联系电话"
        case notes = "备注"

        /// Columns a file must have; 备注 is optional.
        public static var required: [Column] { allCases.filter { $0 != .notes } }

        public static func date(_ stage: Stage) -> Column {
            switch stage {
            case .signed: .signedDate;
            case .started: .startedDate;
            case .producing: .producingDate
            }
        }

        public static func round(_ stage: Stage) -> Column {
            switch stage {
            case .signed: .signedRound;
            case .started: .startedRound;
            case .producing: .producingRound
            }
        }
    }

    /// Header text as people type it: full-width brackets, spaces and "万元" spelt apart all match.
    public static func normalizeHeader(_ raw: String) -> String {
        raw.replacingOccurrences(of: "\u{FF08}", with: "(").replacingOccurrences(of: "\u{FF09}", with: ")")
            .filter { !$0.isWhitespace && $0 != "\u{FEFF}" }
    }

    /// Column positions, or the problems with the header row.
    public static func columns(in header: [String]) -> Result<[Column: Int], ImportProblems> {
        var positions: [Column: Int] = [:]
        let normalized = header.map(normalizeHeader)
        for column in Column.allCases {
            if let i = normalized.firstIndex(of: normalizeHeader(column.rawValue)) { positions[column] = i }
        }
        let missing = Column.required.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            return .failure(ImportProblems(missing.map { RowProblem(row: 1, column: $0.rawValue, message: "表头缺少此列") }))
        }
        return .success(positions)
    }

    /// One milestone as a row states it.
    public struct MilestoneCell: Equatable, Sendable {
        public var date: CivilDate
        public var roundName: String?
    }

    /// A row that passed every check that needs no database.
    public struct Draft: Equatable, Sendable {
        public var line: Int
        public var name: String
        public var investor: String
        public var creditCode: String
        public var divisionCode: DivisionCode
        public var zone: String
        public var industry: String
        public var totalInvestmentFen: Int64
        public var expectedOutputFen: Int64
        public var milestones: [Stage: MilestoneCell]
        public var contact: String
        public var phone: String
        public var notes: String
    }

    /// Checks one data row; every problem of the row is reported, not just the first.
    public static func draft(_ row: SheetRow, columns: [Column: Int]) -> Result<Draft, ImportProblems> {
        var problems: [RowProblem] = []
        func cell(_ c: Column) -> SheetCell? {
            guard let i = columns[c], i < row.cells.count else { return nil }
            return row.cells[i]
        }
        func fail(_ c: Column, _ message: String) { problems.append(RowProblem(row: row.line, column: c.rawValue, message: message)) }
        // Every cell passes the platform's text policy (备注 may hold line breaks).
        func text(_ c: Column) -> String {
            let value = cell(c)?.text ?? ""
            if let problem = TextPolicy.firstProblem(in: value, multiLine: c == .notes) { fail(c, problem.message) }
            return value
        }
        func required(_ c: Column, max: Int) -> String {
            let value = text(c)
            if value.isEmpty { fail(c, "不能为空") } else if value.count > max { fail(c, "不能超过\(max)个字符") }
            return value
        }

        let name = required(.name, max: 200)
        let investor = required(.investor, max: 200)
        var creditCode = text(.creditCode)
        do { creditCode = try CreditCode.validate(creditCode) } catch { fail(.creditCode, error.message) }
        var division: DivisionCode?
        do { division = try DivisionCode(validating: text(.division)) } catch { fail(.division, error.message) }
        if let d = division, d.level == .province || d.level == .city { fail(.division, "项目应属于县级或以下区划"); division = nil }
        let zone = text(.zone)
        if zone.count > 100 { fail(.zone, "不能超过100个字符") }
        let industry = required(.industry, max: 50)
        func amount(_ c: Column) -> Int64 {
            guard let value = cell(c), !value.isEmpty else { fail(c, "不能为空"); return 0 }
            do { return try Fen.fromWan(value.text) } catch { fail(c, error.message); return 0 }
        }
        let total = amount(.totalInvestment)
        let output = amount(.expectedOutput)
        var milestones: [Stage: MilestoneCell] = [:]
        for stage in Stage.allCases {
            let dateCell = cell(Column.date(stage))
            let roundName = text(Column.round(stage))
            guard let dateCell, !dateCell.isEmpty else {
                if !roundName.isEmpty { fail(Column.round(stage), "填写了批次但没有\(stage.label)日期") }
                continue
            }
            guard let date = parseDate(dateCell) else {
                fail(Column.date(stage), "日期应为 2021-07-16、2021/7/16 或 2021年7月16日")
                continue
            }
            milestones[stage] = MilestoneCell(date: date, roundName: roundName.isEmpty ? nil : roundName)
        }
        for (stage, problem) in MilestonePlan(milestones.mapValues(\.date)).problems {
            fail(Column.date(stage), problem.message)
        }
        let contact = text(.contact)
        if contact.count > 50 { fail(.contact, "不能超过50个字符") }
        var phone = text(.phone)
        if !phone.isEmpty {
            if let normalized = PhoneNumber.normalized(phone) { phone = normalized } else { fail(.phone, PhoneNumber.problemMessage) }
        }
        let notes = text(.notes)
        if notes.count > 2000 { fail(.notes, "不能超过2000个字符") }
        guard problems.isEmpty, let division else { return .failure(ImportProblems(problems)) }
        return .success(
            Draft(
                line: row.line, name: name, investor: investor, creditCode: creditCode, divisionCode: division,
                zone: zone, industry: industry, totalInvestmentFen: total, expectedOutputFen: output,
                milestones: milestones, contact: contact, phone: phone, notes: notes))
    }

    /// Text dates in the three accepted forms, or an Excel serial number.
    public static func parseDate(_ cell: SheetCell) -> CivilDate? {
        switch cell {
        case .number(let raw):
            return DecimalText.integer(raw).flatMap(CivilDate.init(excelSerial:))
        case .text:
            let text = cell.text
            if let date = CivilDate(parsing: text) { return date }
            // A date column exported as a number and then saved as CSV.
            if let serial = Int(text), serial > 20000, serial < 80000 { return CivilDate(excelSerial: serial) }
            return nil
        }
    }

    /// The row a project exports as; `ProjectSheet.draft` reads it back to the same data.
    public static func exportRow(
        name: String, investor: String, creditCode: String, division: String, zone: String,
        industry: String, totalInvestmentFen: Int64, expectedOutputFen: Int64,
        milestones: [Stage: (date: CivilDate, round: String?)], contact: String, phone: String,
        notes: String
    ) -> [String] {
        var row = [name, investor, creditCode, division, zone, industry, Fen.wanText(totalInvestmentFen), Fen.wanText(expectedOutputFen)]
        for stage in Stage.allCases {
            row.append(milestones[stage]?.date.description ?? "")
            row.append(milestones[stage]?.round ?? "")
        }
        row += [contact, phone, notes]
        return row
    }
}

/// Every problem found in a file; an import applies nothing while there is one.
public struct ImportProblems: Error, Equatable, Sendable {
    public var problems: [RowProblem]
    public init(_ problems: [RowProblem]) { self.problems = problems }
}
