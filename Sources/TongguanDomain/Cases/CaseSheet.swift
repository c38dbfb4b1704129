import Foundation

/// The backlog import sheet (积案清单): one case per row under a Chinese header row. An
/// import is all or nothing: `drafts` reports every problem of every row with its row
/// number, and the server writes nothing while there is one.
public enum CaseSheet {
    public enum Column: String, CaseIterable, Sendable {
        case number = "编号"
        case source = "来源"
        case kind = "类别"
        case title = "标题"
        case content = "内容"
        case requester = "诉求人"
        case phone = "联系电话"
        case division = "区划代码"
        case receivedOn = "登记日期"
        case unit = "交办单位"
        case ownerLeader = "包案领导"
        case state = "状态"
        case outcome = "办理结果"
        case closedOn = "办结日期"

        /// Columns a file must have; the others may be left out when no row uses them.
        public static let required: [Column] = [.source, .kind, .title, .content, .requester, .phone, .division, .receivedOn, .state]
    }

    /// Column positions, or the header's problems (on row 1).
    public static func columns(in header: [String]) -> Result<[Column: Int], ImportProblems> {
        var positions: [Column: Int] = [:]
        var problems: [RowProblem] = []
        for (i, raw) in header.enumerated() {
            guard let column = Column(rawValue: ProjectSheet.normalizeHeader(raw)) else { continue }
            if positions[column] != nil { problems.append(RowProblem(row: 1, column: column.rawValue, message: "表头中此列重复")) }
            positions[column] = positions[column] ?? i
        }
        for column in Column.required where positions[column] == nil {
            problems.append(RowProblem(row: 1, column: column.rawValue, message: "表头缺少此列"))
        }
        return problems.isEmpty ? .success(positions) : .failure(ImportProblems(problems))
    }

    /// A row that passed every check needing no database. The server still resolves the
    /// unit and leader names and checks that numbers are not taken.
    public struct Draft: Hashable, Sendable {
        public var line: Int
        public var number: CaseNumber?
        public var source: CaseSource
        public var kind: CaseKind
        public var title: String
        public var content: String
        public var requesterName: String
        public var requesterPhone: String
        public var divisionCode: DivisionCode
        public var receivedOn: CivilDate
        /// 交办单位 as written, to be matched to a unit.
        public var unitName: String?
        /// 包案领导 as written, to be matched to a user.
        public var ownerLeaderName: String?
        public var state: CaseState
        public var outcome: CaseOutcome?
        public var closedOn: CivilDate?

        /// The case as imported. A list keeps only the registration and closing dates, so
        /// every step reached is dated on the registration day, and the reply on the closing
        /// day when there is one: an imported open case's deadlines run from registration,
        /// which is what makes a backlog case show as overdue.
        public func snapshot(unitId: UUID?) -> CaseSnapshot {
            let reached: (CaseState) -> Bool = { order(state) >= order($0) }
            return CaseSnapshot(
                source: source, state: state, divisionCode: divisionCode, receivedOn: receivedOn,
                unitId: state == .returned || state == .registered ? nil : unitId,
                routedOn: reached(.routed) ? receivedOn : nil, acceptedOn: reached(.accepted) ? receivedOn : nil,
                startedOn: reached(.inProgress) ? receivedOn : nil,
                repliedOn: reached(.replied) ? (closedOn ?? receivedOn) : nil,
                outcome: outcome, closedOn: closedOn, lastStepOn: closedOn ?? receivedOn)
        }

        /// The registration event of an imported case.
        public var importedEvent: CaseEvent {
            CaseEvent(kind: .registered, on: receivedOn, from: nil, to: state, note: "积案清单导入")
        }
    }

    /// States a list can bring in. 复查中 / 复核中 are left out: the request dates they
    /// count from are not in the sheet; import the answered case and record the request.
    public static let importableStates: [CaseState] = [.registered, .routed, .returned, .accepted, .inProgress, .replied, .closed]

    static func order(_ state: CaseState) -> Int { importableStates.firstIndex(of: state) ?? 0 }
}
