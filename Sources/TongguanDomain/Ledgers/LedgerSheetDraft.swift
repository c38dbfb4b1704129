extension LedgerSheet {
    /// A row that passed every check that needs no database.
    public struct Draft: Hashable, Sendable {
        /// The spreadsheet row (header = 1).
        public var line: Int
        public var divisionCode: DivisionCode
        /// nil when the cell is blank: a new item starts in the initial state, a matched one
        /// keeps its state.
        public var stateCode: String?
        public var values: LedgerValueMap
        public var dueDate: CivilDate?
        public var ownerUnit: String?
        public var ownerPerson: String?
        /// Resident IDs exported masked, by field key: they stand for the matched item's
        /// stored number (`resolvingMasks`), never for a new one.
        public var maskedResidentIDs: [String: String]
        /// Persons exported masked (name, phone cells as written), by field key: like masked
        /// resident IDs, they stand for the matched item's person, never for a new one.
        public var maskedPeople: [String: [String]] = [:]
    }

    /// Checks one data row; every problem of the row is reported, each in its column.
    public static func draft(_ row: SheetRow, columns: [Column: Int], definition: LedgerDefinition) -> Result<Draft, ImportProblems> {
        var problems: [RowProblem] = []
        func cell(_ column: Column) -> SheetCell {
            guard let i = columns[column], i < row.cells.count else { return .text("") }
            return row.cells[i]
        }
        func fail(_ title: String, _ message: String) { problems.append(RowProblem(row: row.line, column: title, message: message)) }
        func fail(_ column: FixedColumn, _ message: String) { fail(column.rawValue, message) }

        var division: DivisionCode?
        let divisionText = cell(.fixed(.division)).text
        if divisionText.isEmpty {
            fail(.division, "不能为空")
        } else {
            do {
                let code = try DivisionCode(validating: divisionText)
                if let message = LedgerItemContent.divisionProblem(code, definition: definition) { fail(.division, message) } else { division = code }
            } catch {
                fail(.division, error.message)
            }
        }

        var values: LedgerValueMap = [:]
        var masked: [String: String] = [:]
        var maskedPeople: [String: [String]] = [:]
        for field in definition.activeFields {
            let cells = field.type == .person ? [cell(.field(key: field.key)), cell(.phone(key: field.key))] : [cell(.field(key: field.key))]
            if field.type == .residentID, isMask(cells[0].text) {
                masked[field.key] = cells[0].text
                continue
            }
            if field.type == .person || field.type == .name, cells.contains(where: { PersonalSheet.isMasked($0.text) }) {
                maskedPeople[field.key] = cells.map(\.text)
                continue
            }
            do {
                values[field.key] = try LedgerValue.parse(cells: cells, for: field)
                if values[field.key] == nil && field.required { fail(field.label, "不能为空") }
            } catch {
                for problem in error.problems { fail(problem.part == .phone ? field.phoneLabel : field.label, problem.message) }
            }
        }

        var stateCode: String?
        let stateName = cell(.fixed(.state)).text
        if !stateName.isEmpty {
            if let state = definition.state(named: stateName) {
                stateCode = state.code
            } else {
                fail(.state, "没有这个状态,可选:" + definition.states.map(\.name).joined(separator: "、"))
            }
        }

        var dueDate: CivilDate?
        if definition.hasDueDate {
            let dueCell = cell(.fixed(.dueDate))
            if !dueCell.isEmpty {
                dueDate = ProjectSheet.parseDate(dueCell)
                if dueDate == nil { fail(.dueDate, "日期应为 2021-07-16、2021/7/16 或 2021年7月16日") }
            }
        }
        var ownerUnit: String?, ownerPerson: String?
        if definition.hasOwner {
            func owner(_ column: FixedColumn, max: Int) -> String? {
                let raw = cell(.fixed(column)).text
                do {
                    let text = try TextPolicy.singleLine(raw)
                    if text.count > max { fail(column, "不能超过\(max)个字符"); return nil }
                    return text.isEmpty ? nil : text
                } catch {
                    fail(column, error.message)
                    return nil
                }
            }
            ownerUnit = owner(.ownerUnit, max: LedgerItemContent.maxOwnerUnitLength)
            ownerPerson = owner(.ownerPerson, max: LedgerItemContent.maxOwnerPersonLength)
        }
        guard problems.isEmpty, let division else { return .failure(ImportProblems(problems)) }
        return .success(
            Draft(
                line: row.line, divisionCode: division, stateCode: stateCode, values: values, dueDate: dueDate,
                ownerUnit: ownerUnit, ownerPerson: ownerPerson, maskedResidentIDs: masked, maskedPeople: maskedPeople))
    }

    /// A masked resident ID as `PersonalData.residentID.mask` writes it.
    static func isMask(_ text: String) -> Bool {
        text.count == 18 && text.contains("*")
    }
}

extension LedgerSheet.Draft {
    /// Puts back the stored resident IDs that the row shows masked, from the item it
    /// matched (nil for a new item); a mask that does not belong to that item is refused.
    public func resolvingMasks(existing: LedgerItemContent?, definition: LedgerDefinition) -> Result<LedgerSheet.Draft, ImportProblems> {
        var resolved = self
        var problems: [RowProblem] = []
        for (key, mask) in maskedResidentIDs.sorted(by: { $0.key < $1.key }) {
            let label = definition.field(key)?.label ?? key
            if case .residentID(let id) = existing?.values[key], PersonalData.residentID.mask(id) == mask {
                resolved.values[key] = .residentID(id)
            } else {
                problems.append(RowProblem(row: line, column: label, message: "身份证号是脱敏显示的,与已有记录不符,请填写完整号码"))
            }
        }
        for (key, cells) in maskedPeople.sorted(by: { $0.key < $1.key }) {
            let field = definition.field(key)
            if case .name(let name) = existing?.values[key], cells.count == 1,
                cells[0] == PersonalSheet.mask(name, as: .name)
            {
                resolved.values[key] = .name(name)
            } else if case .person(let person) = existing?.values[key], cells.count == 2,
                cells[0] == person.name || cells[0] == PersonalSheet.mask(person.name, as: .name),
                cells[1] == PersonalSheet.mask(person.phone, as: .phone) || PhoneNumber.normalized(cells[1]) == person.phone
            {
                resolved.values[key] = .person(person)
            } else {
                let column = PersonalSheet.isMasked(cells.first ?? "") ? (field?.label ?? key) : (field?.phoneLabel ?? key)
                let what = field?.type == .name ? "姓名" : "此人的姓名或电话"
                problems.append(RowProblem(row: line, column: column, message: "\(what)是脱敏显示的,与已有记录不符,请填写完整内容"))
            }
        }
        resolved.maskedResidentIDs = [:]
        resolved.maskedPeople = [:]
        return problems.isEmpty ? .success(resolved) : .failure(ImportProblems(problems))
    }

    /// The item this row describes: for a matched item, a blank state keeps its state.
    public func content(existing: LedgerItemContent?, definition: LedgerDefinition) -> LedgerItemContent {
        LedgerItemContent(
            divisionCode: divisionCode,
            stateCode: stateCode ?? existing?.stateCode ?? definition.initialState.code,
            values: values.merging(archivedValues(existing, definition: definition)) { current, _ in current },
            // A ledger that turned these off keeps what items had, unseen.
            dueDate: definition.hasDueDate ? dueDate : existing?.dueDate,
            ownerUnit: definition.hasOwner ? ownerUnit : existing?.ownerUnit,
            ownerPerson: definition.hasOwner ? ownerPerson : existing?.ownerPerson)
    }

    /// Archived fields are not in the sheet; a matched item keeps their values.
    private func archivedValues(_ existing: LedgerItemContent?, definition: LedgerDefinition) -> LedgerValueMap {
        guard let existing else { return [:] }
        return existing.values.filter { key, _ in definition.field(key)?.archived ?? true }
    }
}
