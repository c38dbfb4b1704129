/// The division list as a sheet: one division per row, under a header naming the code and
/// name columns — `code,name` (the platform's own form and its export), or the statistics
/// bureau's `区划代码,名称` with its `城乡分类代码` column beside them. Other columns are
/// ignored, so a list with extra columns (parent codes, notes) loads as it is.
///
/// Codes may be written as the platform stores them (6, 9 or 12 digits) or as the statistics
/// bureau prints every level, padded to 12 digits: `141124000000` is the county 141124,
/// `141124100000` the township 141124100, `141100000000` the city 141100.
public enum DivisionSheet {
    /// The two columns every file must have, and the one the bureau's lists add.
    public enum Column: String, CaseIterable, Sendable {
        case code = "区划代码"
        case name = "名称"
        case urbanRural = "城乡分类代码"

        /// Header texts that name the column (compared without spaces, case-insensitively).
        public var headers: [String] {
            switch self {
            case .code: ["code", "区划代码", "统计用区划代码", "代码"]
            case .name: ["name", "名称", "区划名称"]
            case .urbanRural: ["城乡分类代码", "城乡分类"]
            }
        }
    }

    /// Where the columns are, and what the file calls them (problems name a column as the
    /// file's header does, so `code` in a `code,name` file and 区划代码 in the bureau's).
    public struct Columns: Equatable, Sendable {
        public var code: Int
        public var name: Int
        public var codeLabel: String
        public var nameLabel: String
    }

    public static let headerMessage = "表头应包含 code 和 name 两列(或 区划代码 和 名称)"

    /// The column positions, or why the header row is not a division list's.
    public static func columns(in header: [String], line: Int = 1) -> Result<Columns, ImportProblems> {
        let normalized = header.map { raw in
            String(raw.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\u{FEFF}" }).lowercased()
        }
        func find(_ column: Column) -> Int? { normalized.firstIndex { column.headers.contains($0) } }
        guard let code = find(.code), let name = find(.name) else {
            return .failure(ImportProblems([RowProblem(row: line, column: "表头", message: headerMessage)]))
        }
        return .success(Columns(code: code, name: name, codeLabel: trimmed(header[code]), nameLabel: trimmed(header[name])))
    }

    /// A row that passed every check that needs no database.
    public struct Entry: Equatable, Sendable {
        public var line: Int
        public var code: DivisionCode
        public var name: String

        public init(line: Int, code: DivisionCode, name: String) {
            self.line = line
            self.code = code
            self.name = name
        }
    }

    /// True for a row with nothing in it (trailing rows a spreadsheet leaves behind).
    public static func isBlank(_ row: SheetRow) -> Bool { row.cells.allSatisfy(\.isEmpty) }

    /// Checks one data row; both cells' problems are reported.
    public static func entry(_ row: SheetRow, columns: Columns) -> Result<Entry, ImportProblems> {
        func cell(_ i: Int) -> String { i < row.cells.count ? row.cells[i].text : "" }
        var problems: [RowProblem] = []
        var code: DivisionCode?
        do { code = try self.code(cell(columns.code)) } catch {
            problems.append(RowProblem(row: row.line, column: columns.codeLabel, message: error.message))
        }
        var name: String?
        switch validName(cell(columns.name)) {
        case .success(let valid): name = valid
        case .failure(let problem): problems.append(RowProblem(row: row.line, column: columns.nameLabel, message: problem.message))
        }
        guard let code, let name, problems.isEmpty else { return .failure(ImportProblems(problems)) }
        return .success(Entry(line: row.line, code: code, name: name))
    }

    /// A code as written in a list: the platform's 6/9/12 digits, or the bureau's 12-digit
    /// form of a county, township or city (trailing zero segments dropped).
    public static func code(_ raw: String) throws(DivisionCode.Problem) -> DivisionCode {
        var text = raw
        if text.utf8.count == 12, text.hasSuffix("000") {
            text = String(text.prefix(9))
            if text.hasSuffix("000") { text = String(text.prefix(6)) }
        }
        return try DivisionCode(validating: text)
    }

    /// Why a division name is refused.
    public struct NameProblem: Error, Equatable, Sendable {
        public let message: String
    }

    /// A division's name under the text policy, 1 to 50 characters.
    public static func validName(_ raw: String) -> Result<String, NameProblem> {
        do {
            let name = try TextPolicy.singleLine(raw)
            guard (1...50).contains(name.count) else { return .failure(NameProblem(message: "名称不能为空且不超过50个字符")) }
            return .success(name)
        } catch {
            return .failure(NameProblem(message: error.message))
        }
    }

    /// The export's header row; the importer reads it back.
    public static let exportHeader = ["区划代码", "名称", "级别"]

    private static func trimmed(_ s: String) -> String { TextPolicy.trimmed(s).filter { $0 != "\u{FEFF}" } }
}
