/// `GET /api/v1/ledgers/{code}/items?division=&state=&overdue_on=&q=&f.<key>=<value>`,
/// read and checked against the definition. Paging (`page`, `per`) and whether `division`
/// is inside the caller's scope are the server's.
public struct LedgerItemQuery: Hashable, Sendable {
    /// Items at or below this division.
    public var division: DivisionCode?
    public var stateCode: String?
    /// Items overdue on this day: due before it and in one of `definition.openStateCodes`.
    public var overdueOn: CivilDate?
    /// Items due on or after / on or before these days (an item without a due date is in
    /// neither range).
    public var dueFrom: CivilDate?
    public var dueTo: CivilDate?
    /// Lower-cased, to look for in `LedgerValues.searchDocument`.
    public var q: String?
    public var filters: [LedgerFieldFilter]

    public static let maxQueryLength = 100

    public init(
        division: DivisionCode? = nil, stateCode: String? = nil, overdueOn: CivilDate? = nil, q: String? = nil,
        filters: [LedgerFieldFilter] = []
    ) {
        self.division = division
        self.stateCode = stateCode
        self.overdueOn = overdueOn
        self.q = q
        self.filters = filters
    }

    /// Reads the query parameters; every problem is reported at its parameter's name
    /// (`state`, `f.amount`). Empty parameters are ignored; unknown ones are left to the
    /// server (paging, sorting).
    public init(parameters: [String: String], definition: LedgerDefinition) throws(ValidationFailure) {
        var problems = ProblemList()
        self.init()
        division = Self.division(parameters["division"], problems: &problems)
        if let code = Self.nonEmpty(parameters["state"]) {
            if definition.state(code) != nil { stateCode = code } else { problems.add("state", "没有这个状态") }
        }
        if let text = Self.nonEmpty(parameters["overdue_on"]) {
            if !definition.hasDueDate {
                problems.add("overdue_on", "该台账没有截止日期")
            } else if let date = CivilDate(iso: text) {
                overdueOn = date
            } else {
                problems.add("overdue_on", "日期应为 YYYY-MM-DD 格式,如 2024-03-01")
            }
        }
        for (name, label) in [("due_from", "截止日期起"), ("due_to", "截止日期止")] {
            guard let text = Self.nonEmpty(parameters[name]) else { continue }
            if !definition.hasDueDate {
                problems.add(name, "该台账没有截止日期")
            } else if let date = CivilDate(iso: text) {
                if name == "due_from" { dueFrom = date } else { dueTo = date }
            } else {
                problems.add(name, "\(label)应为 YYYY-MM-DD 格式,如 2024-03-01")
            }
        }
        if let dueFrom, let dueTo, dueFrom > dueTo { problems.add("due_to", "截止日期止不能早于截止日期起") }
        if let text = Self.nonEmpty(parameters["q"]) {
            if let problem = TextPolicy.firstProblem(in: text) {
                problems.add("q", problem.message)
            } else if text.count > Self.maxQueryLength {
                problems.add("q", "搜索内容不能超过\(Self.maxQueryLength)个字符")
            } else {
                q = text.lowercased()
            }
        }
        filters = LedgerFieldFilter.parseAll(prefix: "f.", parameters, definition: definition, problems: &problems)
        try problems.throwIfAny()
    }

    /// The same conditions over items held in memory; `searchDocument` is the item's
    /// `LedgerValues.searchDocument` (computed when nil).
    public func matches(_ item: LedgerItemContent, definition: LedgerDefinition, searchDocument: String? = nil) -> Bool {
        if let division, !division.contains(item.divisionCode) { return false }
        if let stateCode, item.stateCode != stateCode { return false }
        if let overdueOn, !item.isOverdue(on: overdueOn, in: definition) { return false }
        if dueFrom != nil || dueTo != nil {
            guard let due = item.dueDate else { return false }
            if let dueFrom, due < dueFrom { return false }
            if let dueTo, due > dueTo { return false }
        }
        if let q, !(searchDocument ?? LedgerValues.searchDocument(item.values, definition: definition)).contains(q) { return false }
        return filters.allSatisfy { $0.matches(item.values[$0.key]) }
    }

    static func nonEmpty(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let text = TextPolicy.trimmed(raw)
        return text.isEmpty ? nil : text
    }

    static func division(_ raw: String?, problems: inout ProblemList) -> DivisionCode? {
        guard let text = nonEmpty(raw) else { return nil }
        do { return try DivisionCode(validating: text) } catch { problems.add("division", error.message); return nil }
    }
}
