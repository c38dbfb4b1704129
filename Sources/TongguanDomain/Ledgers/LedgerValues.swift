/// An item's values, keyed by field key; a field without a value has no key.
public typealias LedgerValueMap = [String: LedgerValue]

/// The rules on a whole set of values against the ledger's current definition.
public enum LedgerValues {
    /// Reads the API's `values` object for a new item (`existing` empty) or a replacement
    /// of an item's values. Every problem is reported with the field key as its `field`.
    ///
    /// - Unknown keys are refused; every active required field must have a value.
    /// - An archived field keeps its stored value: sending it back unchanged (or leaving it
    ///   out) is fine, changing it is refused.
    /// - A resident ID sent back exactly as the API showed it (masked) keeps the stored
    ///   number, so a client can return what it read without revealing it.
    public static func parse(
        json members: [String: LedgerInput], definition: LedgerDefinition,
        existing: LedgerValueMap = [:]
    ) throws(ValidationFailure) -> LedgerValueMap {
        var problems = ProblemList()
        var values: LedgerValueMap = [:]
        for key in members.keys.sorted() where definition.field(key) == nil {
            problems.add(key, "没有这个字段")
        }
        for field in definition.fields {
            let input = members[field.key] ?? .null
            if let stored = existing[field.key], case .residentID(let id) = stored,
                case .string(let text) = input, TextPolicy.trimmed(text) == PersonalData.residentID.mask(id)
            {
                values[field.key] = stored
                continue
            }
            do {
                let value = try LedgerValue.parse(json: input, for: field)
                if field.archived {
                    // Leaving it out or sending it back unchanged keeps the stored value.
                    if value != nil && value != existing[field.key] { problems.add(field.key, "字段「\(field.label)」已归档,不能修改") }
                    values[field.key] = existing[field.key]
                } else {
                    values[field.key] = value
                }
            } catch {
                if field.archived {
                    problems.add(field.key, "字段「\(field.label)」已归档,不能修改")
                    values[field.key] = existing[field.key]
                } else {
                    for problem in error.problems { problems.add(field.key, problem.message) }
                }
            }
        }
        for problem in missingRequired(values, definition: definition) where !problems.problems.contains(where: { $0.field == problem.field }) {
            problems.add(problem.field, problem.message)
        }
        try problems.throwIfAny()
        return values
    }

    /// Active required fields without a value.
    public static func missingRequired(_ values: LedgerValueMap, definition: LedgerDefinition) -> [FieldProblem] {
        definition.activeFields.filter { $0.required && values[$0.key] == nil }
            .map { FieldProblem(field: $0.key, message: "「\($0.label)」为必填项,不能为空") }
    }

    /// Reads values as the server stored them (`values` JSON, with each resident ID already
    /// decrypted to its clear number). Keys of fields that no longer exist are dropped; a
    /// value its field no longer accepts is reported, so a damaged row is noticed.
    public static func decodeStored(
        _ members: [String: LedgerInput], definition: LedgerDefinition
    ) -> (values: LedgerValueMap, problems: [FieldProblem]) {
        var values: LedgerValueMap = [:]
        var problems = ProblemList()
        for field in definition.fields {
            guard let input = members[field.key] else { continue }
            do {
                values[field.key] = try LedgerValue.parse(json: input, for: field)
            } catch {
                for problem in error.problems { problems.add(field.key, problem.message) }
            }
        }
        return (values, problems.problems)
    }

    /// The `values` object of the API (resident IDs masked unless `revealing`), or for
    /// storage with `revealing: true` after the server has swapped each resident ID for its
    /// ciphertext.
    public static func json(_ values: LedgerValueMap, revealing: Bool = false) -> LedgerInput {
        .object(values.mapValues { $0.json(revealing: revealing) })
    }

    /// One text per item for the server's `q=` substring search: the searchable values of
    /// active fields, one per line, lower-cased. Never holds a resident ID.
    public static func searchDocument(_ values: LedgerValueMap, definition: LedgerDefinition) -> String {
        definition.activeFields.compactMap { values[$0.key]?.searchText }.joined(separator: "\n").lowercased()
    }

    /// The refusal when a unique field's value is already used by another item (the server
    /// finds that through its unique index; through the blind index for a resident ID).
    public static func duplicate(_ field: LedgerField) -> Refusal {
        .conflict("「\(field.label)」为唯一字段,已有其他记录使用了相同的值")
    }
}
