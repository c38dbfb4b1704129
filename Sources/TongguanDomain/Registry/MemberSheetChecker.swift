/// Reads a member sheet row by row and checks it as a whole: the streaming half of an
/// import. Feed every row of the file in order (an export's notice line, then the header,
/// then data); `finish()` answers the households, or every problem found.
///
/// File-wide checks: an ID on two rows (both rows named), a household (rows sharing a
/// 户主身份证号) without its head's own row, rows of one household naming another village,
/// phone or address differing from the head row's. Memory: the clean drafts (≈100 bytes
/// each) plus, for refused rows, two IDs each; no dictionary per row.
public struct MemberSheetChecker: Sendable {
    let today: CivilDate
    let villages: MemberSheet.Villages?
    private var layout: MemberSheet.Layout?
    private var headerRefused = false
    private var headerLine = 1
    private var drafts: [MemberDraft] = []
    /// Refused rows' IDs: (line, resident, household it heads), for the file-wide checks.
    private var refused: [(line: Int, resident: ResidentIdentity?, headsGroup: ResidentIdentity?)] = []
    private var problems: [RowProblem] = []
    /// In the bounded mode (`tallying`), row problems are counted here instead of kept.
    private var tally: RowProblemTally?
    public private(set) var dataRows = 0

    /// `tallying`: keep the problems of single rows in a `RowProblemTally` (the full count,
    /// the first few, counts per column and reason) rather than all of them, so a file of a
    /// million bad rows costs little memory; read the outcome with `finish(into:)`.
    public init(today: CivilDate, villages: MemberSheet.Villages? = nil, tallying: Bool = false) {
        self.today = today
        self.villages = villages
        self.tally = tallying ? RowProblemTally() : nil
    }

    /// True once a problem has been found (the file will not be imported).
    public var hasProblems: Bool { !problems.isEmpty || !(tally?.isEmpty ?? true) || headerRefused }

    public mutating func add(_ row: SheetRow) {
        guard !headerRefused else { return }
        guard let layout else {
            let texts = row.cells.map(\.text)
            if MemberSheet.isPersonalDataNotice(texts) { return }
            switch MemberSheet.layout(header: texts, line: row.line) {
            case .success(let found): layout = found; headerLine = row.line
            case .failure(let header): problems = header.problems; headerRefused = true
            }
            return
        }
        if row.cells.allSatisfy(\.isEmpty) { return }
        dataRows += 1
        let reading = MemberSheet.read(row, layout: layout, today: today, villages: villages)
        if let draft = reading.draft {
            drafts.append(draft)
        } else {
            if tally != nil { tally!.add(reading.problems) } else { problems += reading.problems }
            refused.append((row.line, reading.resident, reading.headsGroup))
        }
    }

    /// As `finish()`, adding every problem to `report` (bounded): the header's, the rows',
    /// then the file-wide ones by row. Nil when there was any.
    public consuming func finish(into report: inout RowProblemTally) -> MemberSheet.Households? {
        let rowTally = tally
        tally = nil
        let fileLevel = headerRefused || layout == nil || dataRows == 0 && (rowTally?.isEmpty ?? true)
        switch finish() {
        case .success(let households):
            if let rowTally, !rowTally.isEmpty { report = rowTally; return nil }
            return households
        case .failure(let failure):
            if fileLevel {
                report.addHeader(failure.problems)
                return nil
            }
            if let rowTally { report = rowTally }
            var i = 0
            let found = failure.problems
            while i < found.count {
                var j = i + 1
                while j < found.count && found[j].row == found[i].row { j += 1 }
                report.add(Array(found[i..<j]))
                i = j
            }
            return nil
        }
    }

    /// The households, head row first, in the order their head rows appear; or every
    /// problem, by row.
    public consuming func finish() -> Result<MemberSheet.Households, ImportProblems> {
        if layout == nil && !headerRefused {
            return .failure(ImportProblems([RowProblem(row: 1, column: "表头", message: "文件中没有表头和数据")]))
        }
        if headerRefused { return .failure(ImportProblems(problems)) }
        if dataRows == 0 { return .failure(ImportProblems([RowProblem(row: headerLine, column: "表头", message: "表头下没有数据行")])) }
        var found = problems
        // IDs on more than one row, clean or refused.
        var ids: [(digits: UInt64, line: Int)] = drafts.map { ($0.resident.digits, $0.line) }
        ids += refused.compactMap { r in r.resident.map { ($0.digits, r.line) } }
        ids.sort { ($0.digits, $0.line) < ($1.digits, $1.line) }
        var i = 0
        while i < ids.count {
            var j = i + 1
            while j < ids.count && ids[j].digits == ids[i].digits { j += 1 }
            if j > i + 1 {
                // The first row names its repeats in one problem (at most five, then how many).
                let repeats = ids[(i + 1)..<j].map { "第\($0.line)行" }
                var named = repeats.prefix(5).joined(separator: "、")
                if repeats.count > 5 { named += "等\(repeats.count)行" }
                found.append(problem(ids[i].line, .residentID, "身份证号与\(named)重复"))
            }
            for k in (i + 1)..<j {
                found.append(problem(ids[k].line, .residentID, "身份证号与第\(ids[i].line)行重复"))
            }
            i = j
        }
        // Households: rows sharing a head ID, the head's own row first.
        drafts.sort { a, b in
            a.head != b.head ? a.head < b.head : a.isHeadRow != b.isHeadRow ? a.isHeadRow : a.line < b.line
        }
        let refusedHeads = Set(refused.compactMap { $0.headsGroup?.digits })
        var groups: [Range<Int>] = []
        i = 0
        while i < drafts.count {
            var j = i + 1
            while j < drafts.count && drafts[j].head == drafts[i].head { j += 1 }
            groups.append(i..<j)
            check(group: i..<j, refusedHeads: refusedHeads, ids: ids, into: &found)
            i = j
        }
        guard found.isEmpty else { return .failure(ImportProblems(MemberSheetChecker.ordered(found))) }
        groups.sort { drafts[$0.lowerBound].line < drafts[$1.lowerBound].line }
        return .success(MemberSheet.Households(drafts: drafts, groups: groups))
    }

    private func check(
        group: Range<Int>, refusedHeads: Set<UInt64>, ids: [(digits: UInt64, line: Int)],
        into found: inout [RowProblem]
    ) {
        let first = drafts[group.lowerBound]
        guard first.isHeadRow else {
            // No clean head row. A refused one has its own problems; otherwise say why.
            guard !refusedHeads.contains(first.head.digits) else { return }
            let message: String
            if let k = MemberSheetChecker.firstLine(of: first.head.digits, in: ids) {
                message = "户主身份证号指向第\(k)行,但该行不是户主本人的一行(户主身份证号与身份证号相同、与户主关系为户主)"
            } else {
                message = "文件中没有该户主本人的一行(户主身份证号与身份证号相同、与户主关系为户主)"
            }
            for d in drafts[group] { found.append(problem(d.line, .headResidentID, message)) }
            return
        }
        for d in drafts[group].dropFirst() {
            if d.isHeadRow { continue }  // the same ID twice: reported as a duplicate
            if d.village != first.village {
                found.append(problem(d.line, .village, "与户主所在行(第\(first.line)行)的村区划代码不一致"))
            }
            if let phone = d.phone, phone != first.phone {
                found.append(problem(d.line, .phone, "联系电话是户的信息,应与户主所在行(第\(first.line)行)一致或留空"))
            }
            if let address = d.address, address != first.address {
                found.append(problem(d.line, .address, "住址是户的信息,应与户主所在行(第\(first.line)行)一致或留空"))
            }
        }
    }

    private func problem(_ line: Int, _ column: MemberSheet.Column, _ message: String) -> RowProblem {
        RowProblem(row: line, column: column.rawValue, message: message)
    }

    /// The first row holding `digits`, by binary search over the sorted IDs.
    static func firstLine(of digits: UInt64, in ids: [(digits: UInt64, line: Int)]) -> Int? {
        var low = 0, high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if ids[mid].digits < digits { low = mid + 1 } else { high = mid }
        }
        return low < ids.count && ids[low].digits == digits ? ids[low].line : nil
    }

    /// By row, then by column order in the sheet, keeping the order found within a cell.
    static func ordered(_ problems: [RowProblem]) -> [RowProblem] {
        let order = Dictionary(uniqueKeysWithValues: MemberSheet.Column.allCases.enumerated().map { ($1.rawValue, $0) })
        return problems.enumerated().sorted { a, b in
            (a.element.row, order[a.element.column] ?? -1, a.offset) < (b.element.row, order[b.element.column] ?? -1, b.offset)
        }.map(\.element)
    }
}

extension MemberSheet {
    /// The households of a clean file, as slices of one array (no copy per household).
    public struct Households: RandomAccessCollection, Sendable {
        let drafts: [MemberDraft]
        let groups: [Range<Int>]

        public var startIndex: Int { 0 }
        public var endIndex: Int { groups.count }
        public var memberCount: Int { drafts.count }

        public subscript(position: Int) -> HouseholdDraft { HouseholdDraft(members: drafts[groups[position]]) }
    }
}

/// One household of an import: its members, head first, then in file order.
public struct HouseholdDraft: Sendable {
    public let members: ArraySlice<MemberDraft>

    public var head: MemberDraft { members.first! }
    public var village: DivisionCode { head.village }
    public var phone: String? { head.phone }
    public var address: String? { head.address }
}
