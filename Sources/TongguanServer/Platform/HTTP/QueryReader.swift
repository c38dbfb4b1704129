import Foundation
import TongguanDomain
import Vapor

/// Reads filters from the query string, collecting every bad value as a field problem
/// (thrown together by `finish()` as one 422), the query-string twin of `InputReader`.
struct QueryReader {
    private let request: Request
    private(set) var problems = ProblemList()

    init(_ request: Request) { self.request = request }

    /// Text under the platform's text policy; nil when absent or blank (an empty parameter
    /// means "not given" everywhere, as HTML filter forms send it).
    mutating func text(_ key: String, maxLength: Int = 100) -> String? {
        guard let raw = request.query[String.self, at: key] else { return nil }
        do {
            let text = try TextPolicy.singleLine(raw)
            return text.isEmpty ? nil : String(text.prefix(maxLength))
        } catch {
            problems.add(key, error.message)
            return nil
        }
    }

    mutating func date(_ key: String) -> CivilDate? {
        guard let raw = text(key) else { return nil }
        do { return try CivilDate.validatingISO(raw) } catch {
            problems.add(key, error.message)
            return nil
        }
    }

    /// `true` / `false` (also `1` / `0`, `on` from a checkbox).
    mutating func bool(_ key: String) -> Bool? {
        guard let raw = text(key) else { return nil }
        switch raw.lowercased() {
        case "true", "1", "on": return true
        case "false", "0": return false
        default: problems.add(key, "取值应为 true 或 false"); return nil
        }
    }

    mutating func uuid(_ key: String, label: String = "编号") -> UUID? {
        guard let raw = text(key) else { return nil }
        guard let id = UUID(uuidString: raw) else { problems.add(key, "\(label)格式不正确"); return nil }
        return id
    }

    mutating func divisionCode(_ key: String) -> DivisionCode? {
        guard let raw = text(key) else { return nil }
        guard let code = DivisionCode(raw) else { problems.add(key, "区划代码格式不正确"); return nil }
        return code
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let raw = text(key) else { return nil }
        guard let value = E(rawValue: raw) else {
            problems.add(key, "取值应为 " + E.allCases.map(\.rawValue).joined(separator: "、"))
            return nil
        }
        return value
    }

    /// A date range whose end is not before its start.
    mutating func dateRange(from: String = "from", to: String = "to") -> (CivilDate?, CivilDate?) {
        let start = date(from), end = date(to)
        if let start, let end, end < start { problems.add(to, "截止日期不能早于起始日期") }
        return (start, end)
    }

    mutating func add(_ key: String, _ message: String) { problems.add(key, message) }

    func finish() throws { try problems.throwIfAny() }
}
