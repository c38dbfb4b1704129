/// The household registry's import/export sheet: one row per member under a Chinese header,
/// grouped into households by 户主身份证号 (see `MemberSheetChecker`). An export's first line
/// says that the file holds personal data; the importer skips that line.
public enum MemberSheet {
    public enum Column: String, CaseIterable, Sendable {
        case name = "姓名"
        case residentID = "身份证号"
        case headResidentID = "户主身份证号"
        case village = "村区划代码"
        case relation = "与户主关系"
        case labourCapacity = "劳动能力"
        case disability = "残疾"
        case chronicIllness = "慢性病"
        case schoolStage = "在校学段"
        case workStatus = "务工状态"
        case basicMedicalInsurance = "基本医保"
        case phone = "联系电话"
        case address = "住址"

        public static let optional: Set<Column> = [.phone, .address]
        public static var required: [Column] { allCases.filter { !optional.contains($0) } }

        /// The column's place in `allCases`, by a switch: `allCases.firstIndex(of:)` built the
        /// array and compared the columns by their Chinese raw values (a String-backed enum
        /// hashes and compares its raw value), a dozen times per row of an import.
        /// `MemberSheetTests` checks it against `allCases`.
        var ordinal: Int {
            switch self {
            case .name: 0
            case .residentID: 1
            case .headResidentID: 2
            case .village: 3
            case .relation: 4
            case .labourCapacity: 5
            case .disability: 6
            case .chronicIllness: 7
            case .schoolStage: 8
            case .workStatus: 9
            case .basicMedicalInsurance: 10
            case .phone: 11
            case .address: 12
            }
        }
    }

    /// Where each column sits in the file (files may order columns freely and add others).
    public struct Layout: Equatable, Sendable {
        /// Indexed by `Column.ordinal`; -1 when the (optional) column is absent.
        let positions: [Int]

        public func position(of column: Column) -> Int? {
            let p = positions[column.ordinal]
            return p < 0 ? nil : p
        }
    }

    /// The header row's layout, or every problem with it (row `line`, usually 1).
    public static func layout(header: [String], line: Int = 1) -> Result<Layout, ImportProblems> {
        var positions = [Int](repeating: -1, count: Column.allCases.count)
        var problems: [RowProblem] = []
        let normalized = header.map(ProjectSheet.normalizeHeader)
        for column in Column.allCases {
            let wanted = ProjectSheet.normalizeHeader(column.rawValue)
            let found = normalized.indices.filter { normalized[$0] == wanted }
            if found.count > 1 { problems.append(RowProblem(row: line, column: column.rawValue, message: "表头中此列出现了\(found.count)次")) }
            if let first = found.first { positions[column.ordinal] = first }
        }
        for column in Column.required where positions[column.ordinal] < 0 {
            problems.append(RowProblem(row: line, column: column.rawValue, message: "表头缺少此列"))
        }
        return problems.isEmpty ? .success(Layout(positions: positions)) : .failure(ImportProblems(problems))
    }

    public static func layout(header row: SheetRow) -> Result<Layout, ImportProblems> {
        layout(header: row.cells.map(\.text), line: row.line)
    }

    /// The header an export writes.
    public static var header: [String] { Column.allCases.map(\.rawValue) }

    // MARK: The personal-data notice

    public static let noticeMark = PersonalSheet.noticeMark

    /// The sheet's personal columns (`PersonalSheet`): a default export masks them all.
    public static let personal = PersonalSheet(
        subject: "农户成员",
        columns: [
            .init(Column.name.rawValue, .name), .init(Column.residentID.rawValue, .residentID),
            .init(Column.headResidentID.rawValue, .residentID), .init(Column.phone.rawValue, .phone),
            .init(Column.address.rawValue, .address),
        ])

    /// The export's first line (one cell). Only the full form re-imports (masked IDs are
    /// refused by the importer).
    public static func personalDataNotice(withIDs: Bool) -> String { personal.notice(full: withIDs) }

    /// True for a row that is an export's notice line rather than the header.
    public static func isPersonalDataNotice(_ cells: [String]) -> Bool { PersonalSheet.isNotice(cells) }

    // MARK: Villages the importing user may use

    /// The villages a file may name: those that exist, within the importing user's scope.
    /// Whether a code exists is the server's knowledge; it loads the known village codes
    /// (a few thousand) once per import.
    public struct Villages: Sendable {
        public let known: Set<DivisionCode>
        public let scope: DivisionScope

        public init(known: Set<DivisionCode>, scope: DivisionScope) {
            self.known = known
            self.scope = scope
        }

        /// nil when the village may be used, else the reason.
        public func problem(_ village: DivisionCode) -> String? {
            if !known.contains(village) { return "村区划代码不存在,请核对" }
            if !scope.contains(village) { return "该村不在您的管辖范围内" }
            return nil
        }
    }

    // MARK: Problems only the server can find

    /// The member's ID is a present member of another household (`code`): the fix is a
    /// transfer, not a second record.
    public static func residentElsewhereProblem(line: Int, code: HouseholdCode) -> RowProblem {
        RowProblem(row: line, column: Column.residentID.rawValue, message: RegistryMessage.residentElsewhere(code))
    }

    // MARK: Export

    /// The row a member exports as. With `withIDs` the row re-imports to the same data
    /// (`draft(_:layout:today:)` reads it back); without, both IDs are masked. Phone and
    /// address belong to the household and are written on the head's row only.
    public static func exportRow(_ member: MemberDraft, withIDs: Bool, maskName: Bool) -> [String] {
        let isHead = member.relation == .head
        return [
            maskName ? NameMask.mask(member.name) : member.name,
            withIDs ? member.resident.id : member.resident.masked,
            withIDs ? member.head.id : member.head.masked,
            member.village.rawValue,
            member.relation.sheetLabel,
            member.labourCapacity.sheetLabel,
            SheetBool.label(member.disability),
            SheetBool.label(member.chronicIllness),
            member.schoolStage.sheetLabel,
            member.workStatus.sheetLabel,
            SheetBool.label(member.basicMedicalInsurance),
            isHead ? member.phone ?? "" : "",
            isHead ? member.address ?? "" : "",
        ]
    }
}
