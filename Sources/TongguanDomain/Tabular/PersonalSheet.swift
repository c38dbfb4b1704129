/// The personal columns of an export sheet (names, phones, resident IDs, addresses of
/// citizens) and what a default export does with them: every such cell masked the way pages
/// mask it, and a first line that says the file holds personal data. A full export (clear
/// values) is the server's decision (an allowed role, a stated reason, an audit event); this
/// type only describes the sheet and masks its rows.
///
/// Importers skip the notice line (`isNotice`) and recognise a masked cell (`isMasked`): a
/// sheet either reads it as "unchanged" for the record the row matches, or refuses the row
/// with `maskedProblem`.
public struct PersonalSheet: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        /// The header text of the column, as the export writes it.
        public var header: String
        public var kind: PersonalData

        public init(_ header: String, _ kind: PersonalData) {
            self.header = header
            self.kind = kind
        }
    }

    /// Whose data the file holds, in Chinese ("诉求人", "农户成员").
    public var subject: String
    public var columns: [Column]

    public init(subject: String, columns: [Column]) {
        self.subject = subject
        self.columns = columns
    }

    public var isEmpty: Bool { columns.isEmpty }

    // MARK: masking

    /// A value as a default export writes it: names as viewers see them (`NameMask`), resident
    /// IDs, phones and addresses as every page shows them (`PersonalData.mask`). An empty
    /// cell stays empty.
    public static func mask(_ value: String, as kind: PersonalData) -> String {
        guard !value.isEmpty else { return value }
        switch kind {
        case .name: return NameMask.mask(value)
        default: return kind.mask(value)
        }
    }

    /// True for a cell a default export masked: every mask above writes `*`, which no
    /// resident ID or phone number has, and no name or address a person types in full.
    /// Looked for as a byte: Foundation's `contains` searched every imported name and ID
    /// (a tenth of reading a member sheet), and a `*` is one byte in UTF-8 whatever follows.
    public static func isMasked(_ text: String) -> Bool { text.utf8.contains(0x2A) }

    /// Positions of the personal columns in `header` (columns not found are skipped).
    public func positions(in header: [String]) -> [(Int, PersonalData)] {
        columns.compactMap { column in header.firstIndex(of: column.header).map { ($0, column.kind) } }
    }

    /// The row with its personal cells masked.
    public static func masked(_ row: [String], at positions: [(Int, PersonalData)]) -> [String] {
        var row = row
        for (i, kind) in positions where i < row.count { row[i] = mask(row[i], as: kind) }
        return row
    }

    /// `rows` (header first) as a file: the notice line, the header, and the data rows with
    /// their personal cells masked unless `full`.
    public func sheet(_ rows: [[String]], full: Bool) -> [[String]] {
        guard let header = rows.first else { return [[notice(full: full)]] }
        let positions = full ? [] : positions(in: header)
        return [[notice(full: full)], header] + rows.dropFirst().map { Self.masked($0, at: positions) }
    }

    // MARK: the notice line

    public static let noticeMark = "【个人信息】"

    /// The export's first line (one cell): which personal columns it holds and whether in
    /// full or masked.
    public func notice(full: Bool) -> String {
        let names = columns.map(\.header).joined(separator: "、")
        return Self.noticeMark + "本文件含有\(subject)的个人信息(\(names)" + (full ? ",完整显示" : ",已脱敏") + "),"
            + "仅限工作使用,不得外传、公开或用于其他用途;用毕请删除。"
    }

    /// True for a row that is an export's notice line rather than the header.
    public static func isNotice(_ cells: [String]) -> Bool {
        cells.first(where: { !$0.trimmedCell.isEmpty })?.trimmedCell.hasPrefix(noticeMark) ?? false
    }

    /// The row problem of a masked cell where a sheet needs the full value.
    public static func maskedProblem(line: Int, column: String) -> RowProblem {
        RowProblem(row: line, column: column, message: "此项是导出时脱敏显示的(含*),无法据此导入;请填写完整内容,或使用说明原因后完整导出的文件")
    }
}
