/// The definition's JSON shape, the same for POST, PATCH (whole) and GET:
/// `{"code", "name", "description", "division_code", "states": [{"code", "name", "final"}],
///   "has_due_date", "has_owner", "fields": [{"key", "label", "type", "required", "unique",
///   "options", "scale", "archived", "listed"}]}`.
/// Omitted members take their defaults (no description, the default states, no due date or
/// owner, not required, not unique, no options, no scale, not archived); unknown members are
/// ignored so a client may send back what it read (with its `version`, say).
extension LedgerDefinition {
    /// Reads and validates untrusted input; every problem is reported by JSON path.
    public init(json input: LedgerInput) throws(ValidationFailure) {
        var reader = LedgerInputReader()
        guard let members = reader.object(input, at: "definition") else { throw ValidationFailure(reader.problems.problems) }
        let code = reader.string(members["code"], at: "code", required: true) ?? ""
        let name = reader.singleLine(members["name"], at: "name", required: true) ?? ""
        let description = reader.multiLine(members["description"], at: "description") ?? ""
        var division = DivisionCode("110000")!
        if let raw = reader.string(members["division_code"], at: "division_code", required: true) {
            do { division = try DivisionCode(validating: raw) } catch { reader.fail("division_code", error.message) }
        }
        var states = LedgerState.defaults
        if let items = reader.array(members["states"], at: "states") {
            states = items.enumerated().map { i, item in Self.state(item, at: "states.\(i)", reader: &reader) }
        }
        let hasDueDate = reader.bool(members["has_due_date"], at: "has_due_date", default: false)
        let hasOwner = reader.bool(members["has_owner"], at: "has_owner", default: false)
        var fields: [LedgerField] = []
        var badTypes: Set<String> = []
        if let items = reader.array(members["fields"], at: "fields") {
            fields = items.enumerated().map { i, item in Self.field(item, at: "fields.\(i)", reader: &reader, badTypes: &badTypes) }
        } else if !reader.reported.contains("fields") {
            reader.fail("fields", "至少需要一个未归档的字段")
        }
        let definition = LedgerDefinition(
            code: code, name: name, description: description, divisionCode: division,
            states: states, hasDueDate: hasDueDate, hasOwner: hasOwner, fields: fields)
        reader.merge(definition.problems, skippingUnder: badTypes)
        try reader.problems.throwIfAny()
        self = definition
    }

    private static func state(_ input: LedgerInput, at path: String, reader: inout LedgerInputReader) -> LedgerState {
        guard let members = reader.object(input, at: path) else {
            reader.reported.formUnion([path + ".code", path + ".name", path + ".final"])
            return LedgerState(code: "", name: "", final: false)
        }
        return LedgerState(
            code: reader.string(members["code"], at: path + ".code", required: true) ?? "",
            name: reader.singleLine(members["name"], at: path + ".name", required: true) ?? "",
            final: reader.bool(members["final"], at: path + ".final", default: false))
    }

    private static func field(
        _ input: LedgerInput, at path: String, reader: inout LedgerInputReader,
        badTypes: inout Set<String>
    ) -> LedgerField {
        guard let members = reader.object(input, at: path) else {
            badTypes.insert(path)
            return LedgerField(key: "", label: "", type: .text)
        }
        var type = LedgerFieldType.text
        if let raw = reader.string(members["type"], at: path + ".type", required: true) {
            if let known = LedgerFieldType(rawValue: raw) {
                type = known
            } else {
                reader.fail(path + ".type", "未知的字段类型「\(raw)」,可选:" + LedgerFieldType.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        if reader.reported.contains(path + ".type") {
            for member in ["options", "scale", "unique"] { badTypes.insert(path + "." + member) }
        }
        var options: [String] = []
        if let items = reader.array(members["options"], at: path + ".options") {
            options = items.enumerated().map { j, item in reader.singleLine(item, at: path + ".options.\(j)", required: true) ?? "" }
        }
        var scale: Int?
        if let n = reader.integer(members["scale"], at: path + ".scale") {
            // Out-of-range values still reach the field rule, which names the allowed range.
            scale = Int(clamping: n)
        }
        return LedgerField(
            key: reader.string(members["key"], at: path + ".key", required: true) ?? "",
            label: reader.singleLine(members["label"], at: path + ".label", required: true) ?? "",
            type: type,
            required: reader.bool(members["required"], at: path + ".required", default: false),
            unique: reader.bool(members["unique"], at: path + ".unique", default: false),
            options: options, scale: scale,
            archived: reader.bool(members["archived"], at: path + ".archived", default: false),
            listed: reader.bool(members["listed"], at: path + ".listed", default: false))
    }

    /// The definition as the API returns it and the server stores it (a definition version).
    public var json: LedgerInput {
        .object([
            "code": .string(code),
            "name": .string(name),
            "description": .string(description),
            "division_code": .string(divisionCode.rawValue),
            "states": .array(states.map { .object(["code": .string($0.code), "name": .string($0.name), "final": .bool($0.final)]) }),
            "has_due_date": .bool(hasDueDate),
            "has_owner": .bool(hasOwner),
            "fields": .array(fields.map(\.json)),
        ])
    }
}

extension LedgerField {
    public var json: LedgerInput {
        .object([
            "key": .string(key),
            "label": .string(label),
            "type": .string(type.rawValue),
            "required": .bool(required),
            "unique": .bool(unique),
            "options": .array(options.map(LedgerInput.string)),
            "scale": scale.map { .integer(Int64($0)) } ?? .null,
            "archived": .bool(archived),
            "listed": .bool(listed),
        ])
    }
}

/// Stored definitions decode through the same rules as input, so a version that no longer
/// passes them is noticed on reading instead of producing items nobody can validate.
extension LedgerDefinition: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(json: LedgerInput(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
