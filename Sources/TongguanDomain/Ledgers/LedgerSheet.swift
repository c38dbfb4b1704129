/// The import/export sheet of one ledger: one item per row under a header of the field
/// labels (a person takes two columns, `<label>` and `<label>电话`) and the item's own
/// columns where the ledger has them. Export writes cells in the forms the import reads, so
/// exporting and importing again changes nothing.
public enum LedgerSheet {
    /// The columns every ledger's items have, or have when the ledger turns them on.
    public enum FixedColumn: String, CaseIterable, Sendable {
        case division = "区划代码"
        case state = "状态"
        case dueDate = "截止日期"
        case ownerUnit = "责任单位"
        case ownerPerson = "责任人"
    }

    public enum Column: Hashable, Sendable {
        case fixed(FixedColumn)
        /// A field's (first) column.
        case field(key: String)
        /// A person field's phone column.
        case phone(key: String)

        public func title(in definition: LedgerDefinition) -> String {
            switch self {
            case .fixed(let column): column.rawValue
            case .field(let key): definition.field(key)?.label ?? key
            case .phone(let key): definition.field(key)?.phoneLabel ?? key
            }
        }
    }

    /// 区划代码, the active fields in order, then 状态, and 截止日期, 责任单位, 责任人 when
    /// the ledger has them.
    public static func columns(for definition: LedgerDefinition) -> [Column] {
        var columns: [Column] = [.fixed(.division)]
        for field in definition.activeFields {
            columns.append(.field(key: field.key))
            if field.type == .person { columns.append(.phone(key: field.key)) }
        }
        columns.append(.fixed(.state))
        if definition.hasDueDate { columns.append(.fixed(.dueDate)) }
        if definition.hasOwner { columns += [.fixed(.ownerUnit), .fixed(.ownerPerson)] }
        return columns
    }

    public static func header(for definition: LedgerDefinition) -> [String] {
        columns(for: definition).map { $0.title(in: definition) }
    }

    /// Column positions found in a file's header row (matched as `ProjectSheet` matches its
    /// header: full-width brackets and spaces do not matter), or every problem with it: a
    /// column missing or given twice. Other columns are ignored.
    public static func locate(header: [String], definition: LedgerDefinition) -> Result<[Column: Int], ImportProblems> {
        let normalized = header.map(ProjectSheet.normalizeHeader)
        var positions: [Column: Int] = [:]
        var problems: [RowProblem] = []
        for column in columns(for: definition) {
            let title = column.title(in: definition)
            let wanted = ProjectSheet.normalizeHeader(title)
            let found = normalized.indices.filter { normalized[$0] == wanted }
            switch found.count {
            case 0: problems.append(RowProblem(row: 1, column: title, message: "表头缺少此列"))
            case 1: positions[column] = found[0]
            default: problems.append(RowProblem(row: 1, column: title, message: "表头中此列出现了\(found.count)次"))
            }
        }
        return problems.isEmpty ? .success(positions) : .failure(ImportProblems(problems))
    }

    /// The row an item exports as; resident IDs masked unless `revealing` (an audited reveal).
    public static func exportRow(_ item: LedgerItemContent, definition: LedgerDefinition, revealing: Bool = false) -> [String] {
        columns(for: definition).map { column in
            switch column {
            case .fixed(.division): item.divisionCode.rawValue
            case .fixed(.state): definition.state(item.stateCode)?.name ?? item.stateCode
            case .fixed(.dueDate): item.dueDate?.description ?? ""
            case .fixed(.ownerUnit): item.ownerUnit ?? ""
            case .fixed(.ownerPerson): item.ownerPerson ?? ""
            case .field(let key): item.values[key]?.cellTexts(revealing: revealing).first ?? ""
            case .phone(let key): item.values[key].map { $0.cellTexts(revealing: revealing).dropFirst().first ?? "" } ?? ""
            }
        }
    }
}
