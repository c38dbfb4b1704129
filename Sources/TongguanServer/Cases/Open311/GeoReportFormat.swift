import Foundation
import Vapor

/// A GeoReport v2 answer, written as JSON or XML from one tree: a list is a JSON array and,
/// in XML, a container element with one `item` element per entry (`<services><service>…`).
indirect enum GeoValue: Sendable {
    case string(String)
    case number(Double)
    case int(Int)
    case bool(Bool)
    case null
    case object([(String, GeoValue)])
    case list(item: String, [GeoValue])

    static func text(_ s: String?) -> GeoValue { s.map(GeoValue.string) ?? .null }
}

/// The format an Open311 URL asks for by its suffix (`.json` / `.xml`); the Accept header is
/// never read.
enum GeoFormat: String, Sendable {
    case json, xml

    /// Splits `name.json` / `name.xml` into the name and the format.
    static func split(_ component: String) -> (name: String, format: GeoFormat)? {
        guard let dot = component.lastIndex(of: ".") else { return nil }
        guard let format = GeoFormat(rawValue: String(component[component.index(after: dot)...])) else { return nil }
        return (String(component[..<dot]), format)
    }

    /// The format of an unknown URL, for its 404: from the suffix when there is one, else JSON.
    static func guess(_ path: String) -> GeoFormat { path.hasSuffix(".xml") ? .xml : .json }

    var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }

    /// The body: `root` names the XML document element.
    func render(_ value: GeoValue, root: String) -> String {
        switch self {
        case .json:
            var out = ""
            Self.json(value, into: &out)
            return out
        case .xml:
            var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            Self.xml(root, value, into: &out)
            return out
        }
    }

    func response(_ value: GeoValue, root: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        return Response(status: status, headers: headers, body: .init(string: render(value, root: root)))
    }

    private static func json(_ value: GeoValue, into out: inout String) {
        switch value {
        case .string(let s): jsonString(s, into: &out)
        case .number(let d): out += d.isFinite ? "\(d)" : "null"
        case .int(let i): out += "\(i)"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .object(let fields):
            out += "{"
            for (i, (key, v)) in fields.enumerated() {
                if i > 0 { out += "," }
                jsonString(key, into: &out)
                out += ":"
                json(v, into: &out)
            }
            out += "}"
        case .list(_, let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                json(v, into: &out)
            }
            out += "]"
        }
    }

    private static func jsonString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func xml(_ name: String, _ value: GeoValue, into out: inout String) {
        switch value {
        case .null:
            out += "<\(name)/>"
        case .object(let fields):
            out += "<\(name)>"
            for (key, v) in fields { xml(key, v, into: &out) }
            out += "</\(name)>"
        case .list(let item, let items):
            out += "<\(name)>"
            for v in items { xml(item, v, into: &out) }
            out += "</\(name)>"
        case .string(let s): out += "<\(name)>\(escape(s))</\(name)>"
        case .number(let d): out += "<\(name)>\(d.isFinite ? "\(d)" : "")</\(name)>"
        case .int(let i): out += "<\(name)>\(i)</\(name)>"
        case .bool(let b): out += "<\(name)>\(b ? "true" : "false")</\(name)>"
        }
    }

    /// Markup characters escaped; characters XML 1.0 cannot carry dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A GeoReport error answer: `[{"code", "description"}]` (`<errors><error>…`) with the
/// status as the HTTP status. These routes speak GeoReport's error format, not problem+json.
struct GeoError: Error {
    var status: HTTPResponseStatus
    var descriptions: [String]

    init(_ status: HTTPResponseStatus, _ descriptions: [String]) {
        self.status = status
        self.descriptions = descriptions
    }

    init(_ status: HTTPResponseStatus, _ description: String) { self.init(status, [description]) }

    static let notFound = GeoError(.notFound, "请求的资源不存在")

    func response(_ format: GeoFormat) -> Response {
        let items = descriptions.map { GeoValue.object([("code", .int(Int(status.code))), ("description", .string($0))]) }
        return format.response(.list(item: "error", items), root: "errors", status: status)
    }
}
