import Foundation

/// A JSON value as a request carries it, before any rule has looked at it. The server
/// decodes a body (or one member of it) into this, and the ledger rules read it, so a wrong
/// JSON type becomes a Chinese problem at its path instead of a decoding error for the
/// whole body.
///
/// Numbers with a fraction are kept as their decimal text (`.number`), never as a binary
/// double: the API carries exact decimals as strings and money as integer 分, and a
/// fractional JSON number is refused with a message that says so.
public enum LedgerInput: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A JSON number that is not an Int64 (it has a fraction or is out of range).
    case number(String)
    case string(String)
    case array([LedgerInput])
    case object([String: LedgerInput])

    /// The member `key` of an object; nil for a missing member or a non-object.
    public subscript(key: String) -> LedgerInput? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The JSON type in Chinese, for messages such as "应为文本,收到的是数字".
    public var typeName: String {
        switch self {
        case .null: "空值"
        case .bool: "布尔值"
        case .integer, .number: "数字"
        case .string: "文本"
        case .array: "数组"
        case .object: "对象"
        }
    }
}

extension LedgerInput: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .integer(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([LedgerInput].self) { self = .array(value); return }
        if let value = try? container.decode([String: LedgerInput].self) { self = .object(value); return }
        if let value = try? container.decode(Decimal.self) { self = .number(value.description); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let text):
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { try container.encodeNil(); return }
            try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}
