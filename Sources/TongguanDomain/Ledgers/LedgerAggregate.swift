/// `GET …/aggregates?measure=count|count_distinct:<key>|sum:<key>&filter.<key>=<value>
/// &state=&division=&as_of=&group_by=division|state|<choice key>` → `{"rows": [{"group",
/// "value"}]}`. Sums are exact: integers, decimals of any mix of scales, 分.
public struct LedgerAggregateQuery: Hashable, Sendable {
    public enum Measure: Hashable, Sendable {
        case count
        /// Items with distinct values of the field (by `LedgerValue.uniqueKey`).
        case countDistinct(key: String)
        /// Integer, decimal or money fields only.
        case sum(key: String)
    }

    public enum Grouping: Hashable, Sendable {
        case none
        /// By the division one level below `division` (or the ledger's division).
        case division
        case state
        /// By the option of a single-choice field; items without a value form the null group.
        case choice(key: String)
    }

    public var measure: Measure
    public var grouping: Grouping
    public var filters: [LedgerFieldFilter]
    public var stateCode: String?
    public var division: DivisionCode?
    /// Count items as they stood at the end of this day: the server passes only items that
    /// existed then, each in the state it had then (`LedgerItemHistory.state(asOf:)`).
    public var asOf: CivilDate?

    public init(
        measure: Measure = .count, grouping: Grouping = .none, filters: [LedgerFieldFilter] = [],
        stateCode: String? = nil, division: DivisionCode? = nil, asOf: CivilDate? = nil
    ) {
        self.measure = measure
        self.grouping = grouping
        self.filters = filters
        self.stateCode = stateCode
        self.division = division
        self.asOf = asOf
    }

    /// Reads the query parameters; every problem at its parameter's name.
    public init(parameters: [String: String], definition: LedgerDefinition) throws(ValidationFailure) {
        var problems = ProblemList()
        self.init()
        if let text = LedgerItemQuery.nonEmpty(parameters["measure"]) {
            measure = Self.measure(text, definition: definition, problems: &problems)
        }
        if let text = LedgerItemQuery.nonEmpty(parameters["group_by"]) {
            grouping = Self.grouping(text, definition: definition, problems: &problems)
        }
        filters = LedgerFieldFilter.parseAll(prefix: "filter.", parameters, definition: definition, problems: &problems)
        if let code = LedgerItemQuery.nonEmpty(parameters["state"]) {
            if definition.state(code) != nil { stateCode = code } else { problems.add("state", "没有这个状态") }
        }
        division = LedgerItemQuery.division(parameters["division"], problems: &problems)
        if let text = LedgerItemQuery.nonEmpty(parameters["as_of"]) {
            if let date = CivilDate(iso: text) { asOf = date } else { problems.add("as_of", "日期应为 YYYY-MM-DD 格式,如 2024-03-01") }
        }
        try problems.throwIfAny()
    }

    private static func activeField(
        _ key: String, definition: LedgerDefinition, at name: String,
        problems: inout ProblemList
    ) -> LedgerField? {
        guard let field = definition.field(key) else { problems.add(name, "没有这个字段"); return nil }
        guard !field.archived else { problems.add(name, "字段「\(field.label)」已归档"); return nil }
        return field
    }

    private static func measure(_ text: String, definition: LedgerDefinition, problems: inout ProblemList) -> Measure {
        if text == "count" { return .count }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["count_distinct", "sum"].contains(parts[0]) else {
            problems.add("measure", "应为 count、count_distinct:<字段标识> 或 sum:<字段标识>")
            return .count
        }
        guard let field = activeField(parts[1], definition: definition, at: "measure", problems: &problems) else { return .count }
        if parts[0] == "count_distinct" { return .countDistinct(key: field.key) }
        guard field.type.isSummable else {
            problems.add("measure", "只能对整数、小数和金额字段求和,「\(field.label)」是\(field.type.label)字段")
            return .count
        }
        return .sum(key: field.key)
    }

    private static func grouping(_ text: String, definition: LedgerDefinition, problems: inout ProblemList) -> Grouping {
        switch text {
        case "division": return .division
        case "state": return .state
        default:
            guard let field = activeField(text, definition: definition, at: "group_by", problems: &problems) else { return .none }
            guard field.type.isGroupable else {
                problems.add("group_by", "只能按区划、状态或单选字段分组,「\(field.label)」是\(field.type.label)字段")
                return .none
            }
            return .choice(key: field.key)
        }
    }

    /// Whether an item counts (state, division and field conditions).
    public func includes(_ item: LedgerItemContent) -> Bool {
        if let stateCode, item.stateCode != stateCode { return false }
        if let division, !division.contains(item.divisionCode) { return false }
        return filters.allSatisfy { $0.matches(item.values[$0.key]) }
    }
}
