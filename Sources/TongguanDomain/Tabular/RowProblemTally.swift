/// The problems of one imported file, kept within bounds however bad the file is: the full
/// count, the first `reportLimit` problems in file order, and counts per column and reason.
/// A row contributes at most `perRowLimit` problems (a row of garbage says so once, not
/// fifteen times), and the number of distinct (column, reason) groups is capped too, since
/// some reasons quote the row's own text.
public struct RowProblemTally: Sendable, Equatable {
    public static let reportLimit = 200
    public static let perRowLimit = 5
    public static let groupLimit = 100

    public struct Group: Sendable, Equatable, Codable {
        public let column: String
        public let message: String
        public var count: Int
    }

    public private(set) var total = 0
    public private(set) var first: [RowProblem] = []
    /// Problems with the file as a whole (too large, unreadable): always reported, first.
    public private(set) var fileProblems: [RowProblem] = []
    private var groupIndex: [String: Int] = [:]
    public private(set) var groups: [Group] = []

    public init() {}

    public var isEmpty: Bool { total == 0 }

    /// The problems of one data row (at most `perRowLimit` count).
    public mutating func add(_ problems: [RowProblem]) { add(problems, limit: Self.perRowLimit) }

    /// The header's problems: every missing column is worth naming.
    public mutating func addHeader(_ problems: [RowProblem]) { add(problems, limit: Int.max) }

    private mutating func add(_ problems: [RowProblem], limit: Int) {
        for problem in problems.prefix(limit) {
            total += 1
            if first.count < Self.reportLimit { first.append(problem) }
            let key = problem.column + "\u{1F}" + problem.message
            if let i = groupIndex[key] {
                groups[i].count += 1
            } else if groups.count < Self.groupLimit {
                groupIndex[key] = groups.count
                groups.append(Group(column: problem.column, message: problem.message, count: 1))
            } else {
                let other = problem.column + "\u{1F}"
                if let i = groupIndex[other] {
                    groups[i].count += 1
                } else {
                    groupIndex[other] = groups.count
                    groups.append(Group(column: problem.column, message: "其他错误", count: 1))
                }
            }
        }
    }

    public mutating func add(_ problem: RowProblem) { add([problem]) }

    /// A problem with the file as a whole, which must be seen whatever else is wrong.
    public mutating func addFile(_ problem: RowProblem) {
        total += 1
        fileProblems.append(problem)
    }

    /// The reported problems in row order, then column.
    public var reported: [RowProblem] { fileProblems + first.sorted { ($0.row, $0.column) < ($1.row, $1.column) } }

    /// Groups largest first, for the summary people read.
    public var summary: [Group] { groups.sorted { ($1.count, $0.column) < ($0.count, $1.column) } }

    /// The Chinese summary above the list: how many problems, and how many are not listed.
    public var headline: String {
        guard total > 0 else { return "" }
        var s = "未导入任何数据:共 \(total) 处错误"
        if total > first.count + fileProblems.count { s += "(以下列出前 \(first.count) 处,其余按列和原因计数)" }
        return s
    }
}

/// How much work one file may ask of the server: rows × columns as parsed, and columns in
/// any one row. Exceeding either stops the reading with a message saying to split the file.
public struct SheetLimits: Sendable, Equatable {
    public var cells: Int
    public var columnsPerRow: Int

    public init(cells: Int = 5_000_000, columnsPerRow: Int = 256) {
        self.cells = cells
        self.columnsPerRow = columnsPerRow
    }

    public var tooLargeMessage: String {
        "文件过大:单元格(行数×列数)超过\(cells)个,请分成几个文件分别导入"
    }

    public var tooWideMessage: String { "列数超过\(columnsPerRow)列,请只保留模板中的列" }
}
