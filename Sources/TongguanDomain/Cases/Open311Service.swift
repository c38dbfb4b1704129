import Foundation

/// An Open311 GeoReport v2 service: a kind of request the city's web and phone apps may file
/// (道路破损, 路灯不亮, …), with the attributes a client answers for it (GeoReport's service
/// definition). Services are a table admins edit; this type holds the rules of a definition
/// and of the answers a client sends.
public struct Open311Service: Hashable, Sendable, Codable {
    /// GeoReport's attribute datatypes.
    public enum Datatype: String, Hashable, Sendable, Codable, CaseIterable {
        case string, number, datetime, text, singlevaluelist, multivaluelist

        public var isList: Bool { self == .singlevaluelist || self == .multivaluelist }
    }

    /// One choice of a list attribute.
    public struct Value: Hashable, Sendable, Codable {
        public var key: String
        public var name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    /// One question of the service definition.
    public struct Attribute: Hashable, Sendable, Codable {
        public var code: String
        public var datatype: Datatype
        public var required: Bool
        /// The question, as the client shows it.
        public var description: String
        /// How to answer it (shown beside the field).
        public var datatypeDescription: String
        public var order: Int
        public var values: [Value]

        public init(
            code: String, datatype: Datatype, required: Bool, description: String, datatypeDescription: String = "", order: Int,
            values: [Value] = []
        ) {
            self.code = code
            self.datatype = datatype
            self.required = required
            self.description = description
            self.datatypeDescription = datatypeDescription
            self.order = order
            self.values = values
        }
    }

    public var code: String
    public var name: String
    public var description: String
    public var group: String
    public var keywords: [String]
    /// The case kind a request of this service is registered as (a 12345 kind: 投诉, 求助, …).
    public var kind: CaseKind
    /// Inactive services are not listed and refuse new requests; old requests keep their name.
    public var active: Bool
    public var attributes: [Attribute]

    /// GeoReport's `metadata`: whether the service has a definition to fetch.
    public var metadata: Bool { !attributes.isEmpty }

    public init(
        code: String, name: String, description: String, group: String, keywords: [String], kind: CaseKind, active: Bool = true,
        attributes: [Attribute] = []
    ) {
        self.code = code
        self.name = name
        self.description = description
        self.group = group
        self.keywords = keywords
        self.kind = kind
        self.active = active
        self.attributes = attributes
    }

    public static let maxNameLength = 50
    public static let maxDescriptionLength = 500
    public static let maxKeywords = 20
    public static let maxAttributes = 30
    public static let maxValues = 100
    public static let maxAnswerLength = 200
    public static let maxTextAnswerLength = 2000

    /// Codes of services, attributes and values: what a URL and a form field name can carry.
    public static func isCode(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 32
            && s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-" }
    }

    /// Every problem of a definition at once (field paths as the admin API names them).
    public func problems() -> [FieldProblem] {
        var list = ProblemList()
        func text(_ value: String, _ field: String, _ name: String, max: Int, required: Bool) {
            if let p = TextPolicy.firstProblem(in: value) { list.add(field, "\(name):" + p.message); return }
            if required && value.isEmpty { list.add(field, "请填写\(name)") }
            if value.count > max { list.add(field, "\(name)不能超过\(max)个字符") }
        }
        if !Self.isCode(code) { list.add("code", "服务代码应为 1–32 位字母、数字、- 或 _") }
        text(name, "name", "名称", max: Self.maxNameLength, required: true)
        if let p = TextPolicy.firstProblem(in: description, multiLine: true) { list.add("description", "说明:" + p.message) }
        if description.count > Self.maxDescriptionLength { list.add("description", "说明不能超过\(Self.maxDescriptionLength)个字符") }
        text(group, "group", "分组", max: Self.maxNameLength, required: true)
        if keywords.count > Self.maxKeywords { list.add("keywords", "关键词不能超过\(Self.maxKeywords)个") }
        for (i, k) in keywords.enumerated() {
            text(k, "keywords[\(i)]", "关键词", max: 30, required: true)
            if k.contains(",") { list.add("keywords[\(i)]", "关键词不能含英文逗号") }
        }
        if !kind.fits(.online) { list.add("kind", "类别应为 " + CaseSource.online.kinds.map(\.label).joined(separator: "、")) }
        if attributes.count > Self.maxAttributes { list.add("attributes", "属性不能超过\(Self.maxAttributes)个") }
        var codes = Set<String>()
        for (i, a) in attributes.enumerated() {
            let at = "attributes[\(i)]"
            if !Self.isCode(a.code) {
                list.add("\(at).code", "属性代码应为 1–32 位字母、数字、- 或 _")
            } else if !codes.insert(a.code).inserted {
                list.add("\(at).code", "属性代码重复")
            }
            text(a.description, "\(at).description", "问题", max: 200, required: true)
            text(a.datatypeDescription, "\(at).datatype_description", "填写说明", max: 200, required: false)
            if !(1...1000).contains(a.order) { list.add("\(at).order", "顺序应为 1–1000") }
            if a.datatype.isList {
                if a.values.isEmpty { list.add("\(at).values", "选择题至少要有一个选项") }
                if a.values.count > Self.maxValues { list.add("\(at).values", "选项不能超过\(Self.maxValues)个") }
                var keys = Set<String>()
                for (j, v) in a.values.enumerated() {
                    if !Self.isCode(v.key) {
                        list.add("\(at).values[\(j)].key", "选项代码应为 1–32 位字母、数字、- 或 _")
                    } else if !keys.insert(v.key).inserted {
                        list.add("\(at).values[\(j)].key", "选项代码重复")
                    }
                    text(v.name, "\(at).values[\(j)].name", "选项名称", max: Self.maxNameLength, required: true)
                }
            } else if !a.values.isEmpty {
                list.add("\(at).values", "只有 singlevaluelist 和 multivaluelist 有选项")
            }
        }
        return list.problems
    }

    /// A finite decimal number as a person writes it (`-2`, `3.25`, `.5`, `1e3`), at most 40
    /// characters. Swift's `Double(_:)` alone would also take `nan`, `inf` and hexadecimal.
    public static func isDecimalNumber(_ s: String) -> Bool {
        guard s.count <= 40, s.wholeMatch(of: /[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/) != nil else { return false }
        return Double(s)?.isFinite ?? false
    }

    /// A checked answer: the attribute and the text to keep on the case.
    public struct Answer: Hashable, Sendable {
        public var attribute: Attribute
        public var values: [String]

        /// `问题:答案` (list answers by their names).
        public var line: String {
            let shown =
                attribute.datatype.isList
                ? values.map { key in attribute.values.first { $0.key == key }?.name ?? key } : values
            return "\(attribute.description):\(shown.joined(separator: "、"))"
        }
    }

    /// Checks the `attribute[code]` answers a client sent (every value as sent; a
    /// multivaluelist may carry several) against the definition: every problem at once,
    /// named `attribute[code]`, never repeating the value.
    public func check(answers: [String: [String]]) -> ([Answer], [FieldProblem]) {
        var list = ProblemList()
        var result: [Answer] = []
        for code in answers.keys.sorted() where !attributes.contains(where: { $0.code == code }) {
            list.add("attribute[\(code)]", "该服务没有此属性")
        }
        for a in attributes.sorted(by: { $0.order < $1.order }) {
            let field = "attribute[\(a.code)]"
            let given = (answers[a.code] ?? []).map(TextPolicy.trimmed).filter { !$0.isEmpty }
            if given.isEmpty {
                if a.required { list.add(field, "请回答「\(a.description)」") }
                continue
            }
            if a.datatype != .multivaluelist && given.count > 1 { list.add(field, "「\(a.description)」只能有一个值"); continue }
            var ok = true
            for value in given {
                let multiLine = a.datatype == .text
                if let p = TextPolicy.firstProblem(in: value, multiLine: multiLine) { list.add(field, p.message); ok = false; break }
                switch a.datatype {
                case .string:
                    if value.count > Self.maxAnswerLength { list.add(field, "不能超过\(Self.maxAnswerLength)个字符"); ok = false }
                case .text:
                    if value.count > Self.maxTextAnswerLength { list.add(field, "不能超过\(Self.maxTextAnswerLength)个字符"); ok = false }
                case .number:
                    if !Self.isDecimalNumber(value) { list.add(field, "应为数字"); ok = false }
                case .datetime:
                    if W3CDateTime.parse(value) == nil { list.add(field, "应为带时区的 W3C 日期时间,如 2026-11-29T10:00:00+08:00"); ok = false }
                case .singlevaluelist, .multivaluelist:
                    if !a.values.contains(where: { $0.key == value }) {
                        list.add(field, "应为 " + a.values.map(\.key).joined(separator: "、") + " 之一"); ok = false
                    }
                }
                if !ok { break }
            }
            if ok { result.append(Answer(attribute: a, values: given)) }
        }
        return (result, list.problems)
    }
}

/// W3C date-times (ISO 8601 with a time zone), as GeoReport writes and reads them. The city
/// is on Beijing time, so answers carry `+08:00`.
public enum W3CDateTime {
    public static let beijing = TimeZone(secondsFromGMT: 8 * 3600)!

    /// `2026-11-29T10:00:00+08:00`.
    public static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = beijing
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// A day's last second in Beijing time (a due date is the last day on time).
    public static func endOfDay(_ day: CivilDate) -> String { "\(day.description)T23:59:59+08:00" }

    /// The start of a day in Beijing time.
    public static func startOfDay(_ day: CivilDate) -> String { "\(day.description)T00:00:00+08:00" }

    /// Reads `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`; a date-time without a zone is refused, and
    /// so is a day or time that does not exist (Foundation's parser would roll `02-30` over to
    /// March and `24:30` to the next day).
    public static func parse(_ raw: String) -> Date? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        guard s.count <= 40, s.count >= 20,
            let m = s.wholeMatch(
                of: /([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})/),
            let year = Int(m.1), let month = Int(m.2), let day = Int(m.3), CivilDate(year: year, month: month, day: day) != nil,
            let hour = Int(m.4), let minute = Int(m.5), let second = Int(m.6), hour < 24, minute < 60, second < 60
        else { return nil }
        if m.8 != "Z" {
            let zone = m.8.dropFirst().split(separator: ":").compactMap { Int($0) }
            guard zone.count == 2, zone[0] <= 14, zone[1] < 60 else { return nil }
        }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: s) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: s)
    }

    /// The Beijing calendar day of an instant.
    public static func day(of date: Date) -> CivilDate {
        CivilDate(dayNumber: Int(((date.timeIntervalSince1970 + 8 * 3600) / 86400).rounded(.down)))
    }
}
