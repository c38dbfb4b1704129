/// A configurable ledger (台账): what its items record and the states they move through.
/// The owner division decides who sees and defines it (the division and its descendants);
/// its `code` names it in URLs and never changes.
public struct LedgerDefinition: Hashable, Sendable {
    public var code: String
    public var name: String
    public var description: String
    public var divisionCode: DivisionCode
    /// Ordered; the first is the state a new item starts in.
    public var states: [LedgerState]
    public var hasDueDate: Bool
    public var hasOwner: Bool
    /// Ordered as forms and sheets show them; archived fields stay in the list.
    public var fields: [LedgerField]

    public init(
        code: String, name: String, description: String = "", divisionCode: DivisionCode,
        states: [LedgerState] = LedgerState.defaults, hasDueDate: Bool = false, hasOwner: Bool = false,
        fields: [LedgerField]
    ) {
        self.code = code
        self.name = name
        self.description = description
        self.divisionCode = divisionCode
        self.states = states
        self.hasDueDate = hasDueDate
        self.hasOwner = hasOwner
        self.fields = fields
    }

    public static let maxNameLength = 50
    public static let maxDescriptionLength = 2000
    public static let maxFields = 100

    // MARK: Look-ups

    public func field(_ key: String) -> LedgerField? { fields.first { $0.key == key } }

    /// The fields items are edited, imported and filtered by.
    public var activeFields: [LedgerField] { fields.filter { !$0.archived } }

    /// The columns of the item list: the active fields marked `listed`, or the first four
    /// active fields when none is.
    public var listedFields: [LedgerField] {
        let chosen = activeFields.filter(\.listed)
        return chosen.isEmpty ? Array(activeFields.prefix(4)) : chosen
    }

    /// Active fields marked unique, in order: the keys an import matches items by.
    public var uniqueFields: [LedgerField] { activeFields.filter(\.unique) }

    public func state(_ code: String) -> LedgerState? { states.first { $0.code == code } }

    public func state(named name: String) -> LedgerState? { states.first { $0.name == name } }

    /// Where a new item starts. A valid definition always has one.
    public var initialState: LedgerState { states.first ?? LedgerState.defaults[0] }

    /// For the server's `overdue_on` query: an item is overdue only in one of these.
    public var openStateCodes: [String] { states.filter { !$0.final }.map(\.code) }

    public var finalStateCodes: [String] { states.filter(\.final).map(\.code) }

    /// Whether an item in `stateCode` is done. An unknown code counts as open.
    public func isFinal(_ stateCode: String) -> Bool { state(stateCode)?.final ?? false }

    // MARK: Validation

    /// Every problem of the definition, by JSON path (`code`, `states.0.code`,
    /// `fields.2.options.1`), so a form or API caller can fix them all at once.
    public var problems: [FieldProblem] {
        var problems = ProblemList()
        if let message = LedgerCode.problem(code, what: "台账代码") { problems.add("code", message) }
        if let message = LedgerField.textProblem(name, what: "台账名称", max: Self.maxNameLength) { problems.add("name", message) }
        if description.count > Self.maxDescriptionLength {
            problems.add("description", "说明不能超过\(Self.maxDescriptionLength)个字符")
        } else if let problem = TextPolicy.firstProblem(in: description, multiLine: true) {
            problems.add("description", "说明的" + problem.message)
        }
        stateProblems(into: &problems)
        fieldProblems(into: &problems)
        return problems.problems
    }

    /// Throws every problem at once, for services.
    public func validate() throws(ValidationFailure) {
        let found = problems
        if !found.isEmpty { throw ValidationFailure(found) }
    }

    private func stateProblems(into problems: inout ProblemList) {
        if states.isEmpty { problems.add("states", "至少需要两个状态(一个未完成、一个完成)") }
        if states.count > LedgerState.maxCount { problems.add("states", "状态不能超过\(LedgerState.maxCount)个") }
        if !states.isEmpty && !states.contains(where: \.final) { problems.add("states", "至少需要一个完成状态(final 为 true)") }
        if !states.isEmpty && !states.contains(where: { !$0.final }) {
            problems.add("states", "至少需要一个未完成状态(final 为 false)")
        } else if let first = states.first, first.final {
            problems.add("states.0.final", "第一个状态是新记录的初始状态,不能是完成状态")
        }
        var codes: Set<String> = [], names: Set<String> = []
        for (i, state) in states.enumerated() {
            if let message = LedgerCode.problem(state.code, what: "状态代码") {
                problems.add("states.\(i).code", message)
            } else if !codes.insert(state.code).inserted {
                problems.add("states.\(i).code", "状态代码「\(state.code)」重复")
            }
            if let message = LedgerField.textProblem(state.name, what: "状态名称", max: LedgerState.maxNameLength) {
                problems.add("states.\(i).name", message)
            } else if !names.insert(state.name).inserted {
                problems.add("states.\(i).name", "状态名称「\(state.name)」重复")
            }
        }
    }

    private func fieldProblems(into problems: inout ProblemList) {
        if activeFields.isEmpty { problems.add("fields", "至少需要一个未归档的字段") }
        if fields.count > Self.maxFields { problems.add("fields", "字段不能超过\(Self.maxFields)个") }
        var keys: Set<String> = []
        // Normalised sheet column name → who uses it, so an import can always tell columns apart.
        var columns: [String: String] = [:]
        for column in LedgerSheet.FixedColumn.allCases {
            columns[ProjectSheet.normalizeHeader(column.rawValue)] = "固定列「\(column.rawValue)」"
        }
        for (i, field) in fields.enumerated() {
            let path = "fields.\(i)"
            for problem in field.problems(at: path) { problems.add(problem.field, problem.message) }
            if LedgerCode.isValid(field.key), !keys.insert(field.key).inserted {
                problems.add(path + ".key", "字段标识「\(field.key)」重复")
            }
            guard !field.label.isEmpty else { continue }
            for column in field.columnLabels {
                let normalized = ProjectSheet.normalizeHeader(column)
                if let owner = columns[normalized] {
                    problems.add(path + ".label", "表格列名「\(column)」与\(owner)重名")
                } else {
                    columns[normalized] = "字段「\(field.label)」"
                }
            }
        }
    }
}
