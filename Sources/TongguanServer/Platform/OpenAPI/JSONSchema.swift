/// The small part of JSON Schema that describes Tongguan's API bodies.
indirect enum JSONSchema: Sendable {
    case string(format: String? = nil, description: String? = nil, values: [String]? = nil)
    case integer(description: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil)
    case boolean
    case array(JSONSchema)
    case object([(String, JSONSchema)], required: [String])
    case ref(String)
    case nullable(JSONSchema)
    /// Any JSON value (data whose shape a record's own definition decides).
    case any(description: String? = nil)
    /// An object whose member names are data (field keys), each value as `value` says.
    case map(JSONSchema, description: String? = nil)
    /// Exactly one of several shapes (an exact decimal: an integer, or a string of digits).
    case oneOf([JSONSchema])

    var json: JSONValue {
        switch self {
        case .string(let format, let description, let values):
            var o: [String: JSONValue] = ["type": .string("string")]
            if let format { o["format"] = .string(format) }
            if let description { o["description"] = .string(description) }
            if let values { o["enum"] = .array(values.map(JSONValue.string)) }
            return .object(o)
        case .integer(let description, let minimum, let maximum):
            var o: [String: JSONValue] = ["type": .string("integer"), "format": .string("int64")]
            if let description { o["description"] = .string(description) }
            if let minimum { o["minimum"] = .number(Double(minimum)) }
            if let maximum { o["maximum"] = .number(Double(maximum)) }
            return .object(o)
        case .boolean:
            return .object(["type": .string("boolean")])
        case .array(let item):
            return .object(["type": .string("array"), "items": item.json])
        case .object(let properties, let required):
            var props: [String: JSONValue] = [:]
            for (name, schema) in properties { props[name] = schema.json }
            // Unknown fields are refused ("未知字段"), so the description says so.
            var o: [String: JSONValue] = ["type": .string("object"), "properties": .object(props), "additionalProperties": .bool(false)]
            if !required.isEmpty { o["required"] = .array(required.map(JSONValue.string)) }
            return .object(o)
        case .ref(let name):
            return .object(["$ref": .string("#/components/schemas/\(name)")])
        case .nullable(let inner):
            return .object(["oneOf": .array([inner.json, .object(["type": .string("null")])])])
        case .any(let description):
            return .object(description.map { ["description": .string($0)] } ?? [:])
        case .map(let value, let description):
            var o: [String: JSONValue] = ["type": .string("object"), "additionalProperties": value.json]
            if let description { o["description"] = .string(description) }
            return .object(o)
        case .oneOf(let shapes):
            return .object(["oneOf": .array(shapes.map(\.json))])
        }
    }

    static let date = JSONSchema.string(format: "date", description: "YYYY-MM-DD")
    static let dateTime = JSONSchema.string(format: "date-time")
    static let uuid = JSONSchema.string(format: "uuid")
    static let divisionCode = JSONSchema.string(description: "GB/T 2260 区划代码(6、9或12位)")
    /// An exact decimal: a JSON integer when it is whole, else a string such as "183.61".
    static let exactDecimal = JSONSchema.oneOf([
        .integer(), .string(description: "精确十进制数,如 183.61"),
    ])

    /// Vapor's paging shape, which every list answers in.
    static func page(of item: JSONSchema) -> JSONSchema {
        .object(
            [
                ("items", .array(item)),
                ("metadata", .ref("PageMetadata")),
            ], required: ["items", "metadata"])
    }
}
