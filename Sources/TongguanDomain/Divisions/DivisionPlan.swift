/// What loading a division list would change, worked out before anything is written: which
/// codes are new, which are renamed (old → new), which are unchanged, and which villages the
/// database has under a township the list covers but the list no longer names (merged or
/// removed by the statistics bureau: reported, never deleted, since records may hang on
/// them). Rows out of the loader's scope, and new codes whose parent is neither stored nor in
/// the same list, are problems that refuse the whole list.
public struct DivisionPlan: Equatable, Sendable {
    public struct Rename: Equatable, Sendable {
        public var line: Int
        public var code: DivisionCode
        public var before: String
        public var after: String

        public init(line: Int, code: DivisionCode, before: String, after: String) {
            self.line = line
            self.code = code
            self.before = before
            self.after = after
        }
    }

    /// A stored village that a list covering its township does not name.
    public struct Absent: Equatable, Sendable {
        public var code: DivisionCode
        public var name: String

        public init(code: DivisionCode, name: String) {
            self.code = code
            self.name = name
        }
    }

    /// New divisions, parents before children.
    public private(set) var created: [DivisionSheet.Entry] = []
    public private(set) var renamed: [Rename] = []
    public private(set) var unchanged = 0
    /// Stored villages under the list's townships that the list leaves out, by code.
    public private(set) var possiblyMerged: [Absent] = []
    /// Rows that refuse the list, in row order.
    public private(set) var problems: [RowProblem] = []

    /// - Parameters:
    ///   - entries: the list's valid rows, each code once.
    ///   - fileCodes: every code the list holds, including rows refused for their name (a
    ///     child of such a row is not also blamed for a missing parent).
    ///   - existing: every stored division, code → name.
    ///   - scope: where the loader may create and rename.
    ///   - codeColumn: the code column as the list's header names it.
    public init(
        entries: [DivisionSheet.Entry], fileCodes: Set<String>, existing: [String: String], scope: DivisionScope,
        codeColumn: String = DivisionSheet.Column.code.rawValue
    ) {
        var townshipsListed: Set<String> = []
        for entry in entries {
            let raw = entry.code.rawValue
            guard scope.contains(entry.code) else {
                problems.append(RowProblem(row: entry.line, column: codeColumn, message: "区划 \(raw) 不在您的管辖范围内"))
                continue
            }
            if entry.code.level == .village { townshipsListed.insert(String(raw.prefix(9))) }
            if let before = existing[raw] {
                if before == entry.name {
                    unchanged += 1
                } else {
                    renamed.append(Rename(line: entry.line, code: entry.code, before: before, after: entry.name))
                }
                continue
            }
            // A new code needs its parent stored or in the list; only into an empty table may
            // a code start a tree of its own.
            if let parent = entry.code.parent, existing[parent.rawValue] == nil, !fileCodes.contains(parent.rawValue) {
                if !(existing.isEmpty && entry.code.rawValue.count == 6) {
                    problems.append(
                        RowProblem(row: entry.line, column: codeColumn, message: "上级区划 \(parent.rawValue) 不存在,也不在本文件中"))
                }
            }
            created.append(entry)
        }
        created.sort { ($0.code.rawValue.count, $0.code.rawValue) < ($1.code.rawValue.count, $1.code.rawValue) }
        if !townshipsListed.isEmpty {
            for (code, name) in existing where code.utf8.count == 12 && townshipsListed.contains(String(code.prefix(9))) {
                if !fileCodes.contains(code), let village = DivisionCode(code) { possiblyMerged.append(Absent(code: village, name: name)) }
            }
            possiblyMerged.sort { $0.code < $1.code }
        }
        problems.sort { ($0.row, $0.column) < ($1.row, $1.column) }
    }

    public var isAccepted: Bool { problems.isEmpty }

    /// Seed rows the database lacks and can take: each one's parent is stored or added before
    /// it; into an empty table the seed's own root starts the tree. Stored codes are left as
    /// they are (a name an administrator changed is never changed back), and a database that
    /// holds another city's tree gains nothing.
    public static func missing(_ seed: [DivisionSheet.Entry], existing: Set<String>) -> [DivisionSheet.Entry] {
        let seedCodes = Set(seed.map(\.code.rawValue))
        var have = existing
        var added: [DivisionSheet.Entry] = []
        let ordered = seed.sorted { ($0.code.rawValue.count, $0.code.rawValue) < ($1.code.rawValue.count, $1.code.rawValue) }
        for entry in ordered where !have.contains(entry.code.rawValue) {
            let parent = entry.code.parent?.rawValue
            let rootOfEmpty = existing.isEmpty && (parent.map { !seedCodes.contains($0) } ?? true)
            guard rootOfEmpty || parent.map(have.contains) == true else { continue }
            have.insert(entry.code.rawValue)
            added.append(entry)
        }
        return added
    }
}
