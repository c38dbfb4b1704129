/// What one item of a ledger records, apart from what the server keeps about it (id,
/// version, who created and updated it, when). Items validate against the ledger's current
/// definition whenever they are written.
public struct LedgerItemContent: Hashable, Sendable {
    public var divisionCode: DivisionCode
    public var stateCode: String
    public var values: LedgerValueMap
    public var dueDate: CivilDate?
    public var ownerUnit: String?
    /// The responsible person's name (责任人).
    public var ownerPerson: String?

    public init(
        divisionCode: DivisionCode, stateCode: String, values: LedgerValueMap = [:], dueDate: CivilDate? = nil,
        ownerUnit: String? = nil, ownerPerson: String? = nil
    ) {
        self.divisionCode = divisionCode
        self.stateCode = stateCode
        self.values = values
        self.dueDate = dueDate
        self.ownerUnit = ownerUnit
        self.ownerPerson = ownerPerson
    }

    public static let maxOwnerUnitLength = 100
    public static let maxOwnerPersonLength = 50

    /// Past its due date on `date` and not in a final state. A ledger without due dates has
    /// no overdue items; an item is due through its due date and overdue the day after.
    public func isOverdue(on date: CivilDate, in definition: LedgerDefinition) -> Bool {
        guard definition.hasDueDate, let dueDate else { return false }
        return dueDate < date && !definition.isFinal(stateCode)
    }

    /// Reads the API body of an item: `{"division_code", "values": {...}, "state",
    /// "due_date", "owner_unit", "owner_person"}`, for a new item (`existing` nil) or a whole
    /// replacement of one (omitting `values` keeps the item's values). Problems are reported by
    /// path; a value's path is `values.<key>`.
    ///
    /// A missing `state` means the initial state for a new item and the current state
    /// otherwise; a different state is a transition the server checks with
    /// `LedgerStateTransition` before saving. Whether `division_code` is in the caller's
    /// scope and inside the ledger's owner division is the server's check
    /// (`LedgerItemContent.divisionProblem`).
    public init(json input: LedgerInput, definition: LedgerDefinition, existing: LedgerItemContent? = nil) throws(ValidationFailure) {
        var reader = LedgerInputReader()
        guard let members = reader.object(input, at: "item") else { throw ValidationFailure(reader.problems.problems) }
        var division = existing?.divisionCode
        if let raw = reader.string(members["division_code"], at: "division_code", required: true) {
            do { division = try DivisionCode(validating: raw) } catch { reader.fail("division_code", error.message) }
        }
        var state = existing?.stateCode ?? definition.initialState.code
        if let code = reader.string(members["state"], at: "state", required: false) {
            if definition.state(code) != nil { state = code } else { reader.fail("state", "没有这个状态") }
        }
        var values: LedgerValueMap = existing?.values ?? [:]
        if let raw = LedgerInputReader.present(members["values"]) {
            if case .object(let valueMembers) = raw {
                do {
                    values = try LedgerValues.parse(json: valueMembers, definition: definition, existing: existing?.values ?? [:])
                } catch {
                    for problem in error.problems { reader.fail("values." + problem.field, problem.message) }
                }
            } else {
                reader.fail("values", "应为对象,收到的是\(raw.typeName)")
            }
        } else if existing == nil {
            for problem in LedgerValues.missingRequired([:], definition: definition) { reader.fail("values." + problem.field, problem.message) }
        }
        var dueDate: CivilDate?
        if let raw = reader.string(members["due_date"], at: "due_date", required: false), !raw.isEmpty {
            if !definition.hasDueDate {
                reader.fail("due_date", "该台账不填写截止日期")
            } else if let date = CivilDate(iso: raw) {
                dueDate = date
            } else {
                reader.fail("due_date", "日期应为 YYYY-MM-DD 格式,如 2024-03-01")
            }
        }
        let ownerUnit = Self.owner(members["owner_unit"], at: "owner_unit", max: Self.maxOwnerUnitLength, definition: definition, reader: &reader)
        let ownerPerson = Self.owner(
            members["owner_person"], at: "owner_person", max: Self.maxOwnerPersonLength, definition: definition, reader: &reader)
        try reader.problems.throwIfAny()
        guard let division else { throw ValidationFailure([FieldProblem(field: "division_code", message: "不能为空")]) }
        self.init(divisionCode: division, stateCode: state, values: values, dueDate: dueDate, ownerUnit: ownerUnit, ownerPerson: ownerPerson)
    }

    private static func owner(
        _ input: LedgerInput?, at path: String, max: Int, definition: LedgerDefinition,
        reader: inout LedgerInputReader
    ) -> String? {
        guard let text = reader.singleLine(input, at: path, required: false), !text.isEmpty else { return nil }
        guard definition.hasOwner else { reader.fail(path, "该台账不填写责任单位和责任人"); return nil }
        guard text.count <= max else { reader.fail(path, "不能超过\(max)个字符"); return nil }
        return text
    }

    /// Items live in the ledger's owner division or below it.
    public static func divisionProblem(_ code: DivisionCode, definition: LedgerDefinition) -> String? {
        definition.divisionCode.contains(code) ? nil : "区划 \(code) 不在台账所属区划 \(definition.divisionCode) 之内"
    }

    /// The item as the API shows it (resident IDs masked unless `revealing`); the server
    /// adds id, version, who and when, and `overdue`.
    public func json(revealing: Bool = false) -> LedgerInput {
        .object([
            "division_code": .string(divisionCode.rawValue),
            "state": .string(stateCode),
            "values": LedgerValues.json(values, revealing: revealing),
            "due_date": dueDate.map { .string($0.description) } ?? .null,
            "owner_unit": ownerUnit.map(LedgerInput.string) ?? .null,
            "owner_person": ownerPerson.map(LedgerInput.string) ?? .null,
        ])
    }
}
