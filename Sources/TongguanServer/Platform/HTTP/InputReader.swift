import Foundation
import TongguanDomain
import Vapor

/// Reads one JSON object field by field, collecting every problem, then `finish()` throws
/// them all as one 422. Unknown fields are problems too: a typo should not pass silently.
struct InputReader {
    private let object: [String: JSONValue]
    private(set) var problems = ProblemList()
    private var seen: Set<String> = []

    init(_ request: Request) throws {
        guard request.headers.contentType?.subType == "json" || request.headers.contentType == nil else {
            throw Problem(.unsupportedMediaType, detail: "请以 application/json 提交数据")
        }
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw Problem(.badRequest, detail: "请求体为空,应为 JSON 对象")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
        } catch {
            throw Problem(.badRequest, detail: "请求体不是有效的 JSON")
        }
        guard case .object(let object) = value else {
            throw Problem(.badRequest, detail: "请求体应为 JSON 对象")
        }
        self.object = object
    }

    init(object: [String: JSONValue]) { self.object = object }

    func has(_ field: String) -> Bool { object[field] != nil }

    func rawValue(_ field: String) -> JSONValue? { object[field] }

    mutating func markSeen(_ field: String) { seen.insert(field) }

    mutating func add(_ field: String, _ message: String) { problems.add(field, message) }

    /// A string under the platform's text policy (trimmed; control and bidi characters
    /// refused); `nil` when absent or null (a problem when `required`). `multiLine` keeps
    /// line breaks, for notes and descriptions.
    mutating func string(
        _ field: String, required: Bool = false, maxLength: Int = 200, multiLine: Bool = false,
        nullable: Bool = false
    ) -> String? {
        seen.insert(field)
        switch object[field] {
        case .none:
            if required { problems.add(field, "此项为必填") }
            return nil
        case .some(.null):
            if required { problems.add(field, "此项为必填") } else if !nullable { problems.add(field, Self.nullMessage) }
            return nil
        case .string(let s):
            let trimmed: String
            do { trimmed = multiLine ? try TextPolicy.multiLine(s) : try TextPolicy.singleLine(s) } catch {
                problems.add(field, error.message)
                return nil
            }
            if required && trimmed.isEmpty { problems.add(field, "此项为必填"); return nil }
            if trimmed.count > maxLength { problems.add(field, "不能超过\(maxLength)个字符"); return nil }
            return trimmed
        default:
            problems.add(field, "应为字符串")
            return nil
        }
    }

    /// `null` is a value only where the API says a field may be emptied; elsewhere the way
    /// to leave a field as it is, is to leave it out.
    static let nullMessage = "不能为 null;不修改时请省略此字段"

    /// A password or other secret: never trimmed.
    mutating func secret(_ field: String, required: Bool = true) -> String? {
        seen.insert(field)
        switch object[field] {
        case .none, .some(.null):
            if required { problems.add(field, "此项为必填") }
            return nil
        case .string(let s):
            do { return try TextPolicy.secret(s) } catch {
                problems.add(field, error.message)
                return nil
            }
        default:
            problems.add(field, "应为字符串")
            return nil
        }
    }

    mutating func bool(_ field: String, required: Bool = false) -> Bool? {
        seen.insert(field)
        switch object[field] {
        case .none:
            if required { problems.add(field, "此项为必填") }
            return nil
        case .some(.null):
            problems.add(field, required ? "此项为必填" : Self.nullMessage)
            return nil
        case .bool(let b): return b
        default:
            problems.add(field, "应为 true 或 false")
            return nil
        }
    }

    mutating func integer(_ field: String, required: Bool = false, range: ClosedRange<Int64>? = nil) -> Int64? {
        seen.insert(field)
        switch object[field] {
        case .none:
            if required { problems.add(field, "此项为必填") }
            return nil
        case .some(.null):
            problems.add(field, required ? "此项为必填" : Self.nullMessage)
            return nil
        case .number(let n):
            guard n.rounded() == n, abs(n) < 9.0e15 else { problems.add(field, "应为整数"); return nil }
            let value = Int64(n)
            if let range, !range.contains(value) { problems.add(field, "应在\(range.lowerBound)到\(range.upperBound)之间"); return nil }
            return value
        default:
            problems.add(field, "应为整数")
            return nil
        }
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ field: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        guard let raw = string(field, required: required) else { return nil }
        guard let value = E(rawValue: raw) else {
            problems.add(field, "取值应为:" + E.allCases.map(\.rawValue).joined(separator: "、"))
            return nil
        }
        return value
    }

    /// A `YYYY-MM-DD` date; a bad form and a date out of range get their own messages.
    mutating func date(_ field: String, required: Bool = false) -> CivilDate? {
        guard let raw = string(field, required: required, maxLength: 20) else { return nil }
        if raw.isEmpty { return nil }
        do { return try CivilDate.validatingISO(raw) } catch {
            problems.add(field, error.message)
            return nil
        }
    }

    mutating func divisionCode(_ field: String, required: Bool = false) -> DivisionCode? {
        guard let raw = string(field, required: required, maxLength: 12) else { return nil }
        do {
            return try DivisionCode(validating: raw)
        } catch {
            problems.add(field, error.message)
            return nil
        }
    }

    /// Throws every collected problem, plus one for each field the endpoint does not know.
    mutating func finish() throws {
        for key in object.keys.sorted() where !seen.contains(key) {
            problems.add(key, "未知字段")
        }
        try problems.throwIfAny()
    }
}

extension InputReader {
    /// An array of JSON objects; nil when absent.
    mutating func array(_ field: String) -> [[String: JSONValue]]? {
        markSeen(field)
        switch rawValue(field) {
        case .none, .some(.null): return nil
        case .array(let items):
            var objects: [[String: JSONValue]] = []
            for (i, item) in items.enumerated() {
                if case .object(let o) = item { objects.append(o) } else { add("\(field).\(i)", "应为对象") }
            }
            return objects
        default:
            add(field, "应为数组")
            return nil
        }
    }
}
