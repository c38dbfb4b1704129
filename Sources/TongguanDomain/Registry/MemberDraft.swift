import Foundation

/// One member row that passed every check that needs no database. Kept small (the IDs are
/// packed integers, the village code and most names fit in a string's inline storage), so
/// an import can hold a million of them.
public struct MemberDraft: Hashable, Sendable {
    /// The spreadsheet row (header = 1); 0 for drafts built for export.
    public var line: Int
    public var name: String
    public var resident: ResidentIdentity
    /// The head's ID; equal to `resident` on the head's own row.
    public var head: ResidentIdentity
    public var village: DivisionCode
    public var relation: Relation
    public var labourCapacity: LabourCapacity
    public var disability: Bool
    public var chronicIllness: Bool
    public var schoolStage: SchoolStage
    public var workStatus: WorkStatus
    public var basicMedicalInsurance: Bool
    /// The household's phone and address, as the row gives them (the head's row counts).
    public var phone: String?
    public var address: String?

    public init(
        line: Int = 0, name: String, resident: ResidentIdentity, head: ResidentIdentity, village: DivisionCode,
        relation: Relation, labourCapacity: LabourCapacity, disability: Bool, chronicIllness: Bool,
        schoolStage: SchoolStage, workStatus: WorkStatus, basicMedicalInsurance: Bool,
        phone: String? = nil, address: String? = nil
    ) {
        self.line = line
        self.name = name
        self.resident = resident
        self.head = head
        self.village = village
        self.relation = relation
        self.labourCapacity = labourCapacity
        self.disability = disability
        self.chronicIllness = chronicIllness
        self.schoolStage = schoolStage
        self.workStatus = workStatus
        self.basicMedicalInsurance = basicMedicalInsurance
        self.phone = phone
        self.address = address
    }

    public var isHeadRow: Bool { resident == head }

    /// The member as the household rules see them, under the id the server gives the row.
    public func snapshot(id: UUID) -> MemberSnapshot {
        MemberSnapshot(
            id: id, relation: relation, birthDate: resident.birthDate, sex: resident.sex,
            labourCapacity: labourCapacity, disability: disability, chronicIllness: chronicIllness,
            schoolStage: schoolStage, workStatus: workStatus, basicMedicalInsurance: basicMedicalInsurance)
    }
}

extension MemberSheet {
    public static let maximumNameLength = 50
    public static let maximumAddressLength = 200

    /// Checks one data row; every problem of the row is reported, not only the first.
    /// `villages`, when given, also refuses unknown and out-of-scope villages.
    public static func draft(
        _ row: SheetRow, layout: Layout, today: CivilDate,
        villages: Villages? = nil
    ) -> Result<MemberDraft, ImportProblems> {
        let reading = read(row, layout: layout, today: today, villages: villages)
        if let draft = reading.draft { return .success(draft) }
        return .failure(ImportProblems(reading.problems))
    }

    /// A row as far as it could be read: the draft when it is clean, else its problems and
    /// whichever IDs parsed (so the file-wide checks still see the row).
    struct Reading {
        var draft: MemberDraft?
        var problems: [RowProblem] = []
        var resident: ResidentIdentity?
        var head: ResidentIdentity?
        /// For a refused row that is (or says it is) a head's own row: the household it
        /// heads, so that household's other rows are not also told their head is missing.
        var headsGroup: ResidentIdentity?
    }

    /// The columns `personal` masks, as columns (compared once, not per cell).
    /// Whether each column (by `Column.ordinal`) is personal: an array, not a `Set<Column>`,
    /// which hashed the column's Chinese raw value for every cell.
    static let personalColumns = Column.allCases.map { c in personal.columns.contains { $0.header == c.rawValue } }

    static func read(_ row: SheetRow, layout: Layout, today: CivilDate, villages: Villages?) -> Reading {
        var reading = Reading()
        func text(_ c: Column) -> String {
            guard let i = layout.position(of: c), i < row.cells.count else { return "" }
            return row.cells[i].text
        }
        func fail(_ c: Column, _ message: String) {
            reading.problems.append(RowProblem(row: row.line, column: c.rawValue, message: message))
        }
        func required(_ c: Column) -> String? {
            let value = text(c)
            if value.isEmpty { fail(c, "不能为空"); return nil }
            return unmasked(c, value)
        }
        // A default export's masked cell never stands for a value: the row is refused.
        func unmasked(_ c: Column, _ value: String) -> String? {
            guard personalColumns[c.ordinal], PersonalSheet.isMasked(value) else { return value }
            reading.problems.append(PersonalSheet.maskedProblem(line: row.line, column: c.rawValue))
            return nil
        }
        func line(_ c: Column, raw: String, max: Int) -> String? {
            do {
                let value = try TextPolicy.singleLine(raw)
                // A character is at least one byte: most cells need no grapheme count.
                if value.utf8.count > max && value.count > max { fail(c, "不能超过\(max)个字符"); return nil }
                return value
            } catch { fail(c, error.message); return nil }
        }
        func vocabulary<V: RegistryVocabulary>(_ c: Column, _: V.Type) -> V? {
            guard let raw = required(c) else { return nil }
            guard let value = V(label: raw) else { fail(c, V.sheetChoices); return nil }
            return value
        }
        func flag(_ c: Column) -> Bool? {
            guard let raw = required(c) else { return nil }
            guard let value = SheetBool.parse(raw) else { fail(c, "应填写「是」或「否」"); return nil }
            return value
        }
        func identity(_ c: Column) -> ResidentIdentity? {
            guard let raw = required(c) else { return nil }
            do { return try ResidentIdentity(validating: raw, today: today) } catch { fail(c, error.message); return nil }
        }

        let name = required(.name).flatMap { line(.name, raw: $0, max: maximumNameLength) }
        let resident = identity(.residentID)
        let head = identity(.headResidentID)
        var village: DivisionCode?
        if let raw = required(.village) {
            do {
                let code = try DivisionCode(validating: raw)
                if code.level != .village {
                    fail(.village, "应为12位村级区划代码")
                } else if let problem = villages?.problem(code) {
                    fail(.village, problem)
                } else {
                    village = code
                }
            } catch { fail(.village, error.message) }
        }
        let relation = vocabulary(.relation, Relation.self)
        if let resident, let head, let relation {
            if relation == .head && resident != head {
                fail(.headResidentID, "本行与户主关系为户主,户主身份证号应与身份证号相同")
            } else if relation != .head && resident == head {
                fail(.relation, "户主身份证号与本人身份证号相同,与户主关系应为「户主」")
            }
        }
        let labour = vocabulary(.labourCapacity, LabourCapacity.self)
        let disability = flag(.disability)
        let chronic = flag(.chronicIllness)
        let school = vocabulary(.schoolStage, SchoolStage.self)
        let work = vocabulary(.workStatus, WorkStatus.self)
        let insurance = flag(.basicMedicalInsurance)
        var phone: String?
        let rawPhone = text(.phone)
        if !rawPhone.isEmpty, unmasked(.phone, rawPhone) != nil {
            if let normalized = PhoneNumber.normalized(rawPhone) { phone = normalized } else { fail(.phone, PhoneNumber.problemMessage) }
        }
        let rawAddress = text(.address)
        let address = rawAddress.isEmpty ? nil : unmasked(.address, rawAddress).flatMap { line(.address, raw: $0, max: maximumAddressLength) }

        reading.resident = resident
        reading.head = head
        if (resident != nil && resident == head) || relation == .head { reading.headsGroup = head ?? resident }
        guard reading.problems.isEmpty, let name, let resident, let head, let village, let relation, let labour,
            let disability, let chronic, let school, let work, let insurance
        else { return reading }
        reading.draft = MemberDraft(
            line: row.line, name: name, resident: resident, head: head, village: village,
            relation: relation, labourCapacity: labour, disability: disability,
            chronicIllness: chronic, schoolStage: school, workStatus: work,
            basicMedicalInsurance: insurance, phone: phone, address: address)
        return reading
    }
}

extension RegistryForms.MemberFields {
    /// A checked sheet row's fields (it passed the same rules as the API's).
    public init(_ draft: MemberDraft) {
        self.init(
            name: draft.name, resident: draft.resident, relation: draft.relation, labourCapacity: draft.labourCapacity,
            disability: draft.disability, chronicIllness: draft.chronicIllness, schoolStage: draft.schoolStage,
            workStatus: draft.workStatus, basicMedicalInsurance: draft.basicMedicalInsurance)
    }
}
