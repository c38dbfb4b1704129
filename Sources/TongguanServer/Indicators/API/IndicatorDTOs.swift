import Foundation
import TongguanDomain
import Vapor

struct QueryDTO: Content, Equatable {
    var kind: String
    var parameters: [String: String]

    init(_ q: IndicatorQuery) {
        kind = q.kind
        parameters = q.parameters
    }

    static let schema = JSONSchema.object(
        [("kind", .string(description: "已登记的查询类型,如 projects.summary")), ("parameters", .ref("QueryParameters"))],
        required: ["kind", "parameters"])
}

struct SourceDTO: Content {
    var type: String
    var query: QueryDTO?
    var denominator: QueryDTO?

    init(_ source: IndicatorSource) {
        switch source {
        case .manual:
            type = "manual"
        case .computed(let q, let d):
            type = "computed"
            query = QueryDTO(q)
            denominator = d.map(QueryDTO.init)
        }
    }

    enum CodingKeys: String, CodingKey { case type, query, denominator }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(query, forKey: .query)
        try c.encode(denominator, forKey: .denominator)
    }

    static let schema = JSONSchema.object(
        [
            ("type", .string(values: ["manual", "computed"])), ("query", .nullable(.ref("IndicatorQuery"))),
            ("denominator", .nullable(.ref("IndicatorQuery"))),
        ], required: ["type", "query", "denominator"])
}

struct IndicatorDTO: Content {
    var code: String
    var name: String
    var unit: String
    var displayScale: Int
    var decimals: Int
    var direction: String
    var rollUp: String
    /// The owner division.
    var divisionCode: String
    var source: SourceDTO
    var version: Int

    init(_ record: IndicatorRecord) {
        let i = record.indicator
        code = i.code.rawValue; name = i.name; unit = i.unit; displayScale = i.displayScale; decimals = i.decimals
        direction = i.direction.rawValue; rollUp = i.rollUp.rawValue; divisionCode = i.ownerDivision.rawValue
        source = SourceDTO(i.source); version = record.version
    }

    static let fields: [(String, JSONSchema)] = [
        ("code", .string(description: "稳定的英文编码,如 projects.signed.investment")), ("name", .string()),
        ("unit", .string(description: "个、件、人、亿元、万亩、%、μg/m³ 等;比值指标为空")),
        ("display_scale", .integer(description: "显示值 = 存储值 ÷ 10^display_scale(分→亿元为10,比值→%为-2)", minimum: -6, maximum: 12)),
        ("decimals", .integer(description: "显示的小数位数", minimum: 0, maximum: 6)),
        ("direction", .string(values: Direction.allCases.map(\.rawValue))),
        ("roll_up", .string(description: "手工指标由短期间汇总为长期间的方式", values: RollUp.allCases.map(\.rawValue))),
        ("division_code", .divisionCode),
    ]

    static let schema = JSONSchema.object(
        fields + [("source", .ref("IndicatorSource")), ("version", .integer())],
        required: ["code", "name", "unit", "display_scale", "decimals", "direction", "roll_up", "division_code", "source", "version"])
    static let createSchema = JSONSchema.object(fields + [("source", .ref("IndicatorSource"))], required: ["code", "name", "direction", "source"])
    static let updateSchema = JSONSchema.object(fields + [("source", .ref("IndicatorSource"))], required: [])
}

/// One value of an indicator: `value` is in the indicator's unit, exact (an integer, or a
/// string such as "183.61"), or null with the periods still `missing` and the `reason`.
struct ValueRowDTO: Content {
    var divisionCode: String
    var divisionName: String
    var period: String
    var value: ExactDecimal?
    var display: String?
    var unit: String
    var source: ValueSourceDTO
    var missing: [String]
    var reason: String?

    struct ValueSourceDTO: Content {
        var kind: String
        var link: String
    }

    init(indicator: Indicator, division: DivisionCode, divisionName: String, period: Period, evaluated: EvaluatedValue) {
        divisionCode = division.rawValue
        self.divisionName = divisionName
        self.period = period.description
        value = evaluated.exact.map { ValueService.shown($0, for: indicator) }
        display = evaluated.exact.map(indicator.displayText)
        unit = indicator.unit
        source = ValueSourceDTO(kind: evaluated.sourceKind, link: evaluated.link)
        if case .gap(let m)? = evaluated.value { missing = m.map(\.description) } else { missing = [] }
        reason = evaluated.reason
    }

    enum CodingKeys: String, CodingKey { case divisionCode, divisionName, period, value, display, unit, source, missing, reason }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(divisionName, forKey: .divisionName)
        try c.encode(period, forKey: .period)
        try c.encode(value, forKey: .value)
        try c.encode(display, forKey: .display)
        try c.encode(unit, forKey: .unit)
        try c.encode(source, forKey: .source)
        try c.encode(missing, forKey: .missing)
        try c.encode(reason, forKey: .reason)
    }

    static let schema = JSONSchema.object(
        [
            ("division_code", .divisionCode), ("division_name", .string()), ("period", .string(description: "期间,如 2021-H1")),
            ("value", .nullable(.exactDecimal)), ("display", .nullable(.string(description: "带单位的显示值,如 183.61亿元"))),
            ("unit", .string()),
            (
                "source",
                .object(
                    [("kind", .string(values: ["manual", "computed"])), ("link", .string(description: "数值背后记录的清单,或填报值的历史"))],
                    required: ["kind", "link"])
            ),
            ("missing", .array(.string(description: "尚未填报的期间"))), ("reason", .nullable(.string())),
        ], required: ["division_code", "division_name", "period", "value", "display", "unit", "source", "missing", "reason"])
}

struct ValuesDTO: Content {
    var indicator: String
    var unit: String
    var rows: [ValueRowDTO]

    static let schema = JSONSchema.object(
        [("indicator", .string()), ("unit", .string()), ("rows", .array(.ref("IndicatorValue")))], required: ["indicator", "unit", "rows"])
}

struct ValueChangeDTO: Content {
    var divisionCode: String
    var period: String
    var before: ExactDecimal?
    var value: ExactDecimal
    var note: String
    var sourceDocument: String
    var enteredBy: String
    var channel: String
    var changedAt: String

    init(_ c: IndicatorValueChange, indicator: Indicator) {
        divisionCode = c.divisionCode; period = c.period
        before = c.before.flatMap { try? ExactDecimal($0) }.map { ValueService.shown($0, for: indicator) }
        value = ValueService.shown((try? ExactDecimal(c.value)) ?? .zero, for: indicator)
        note = c.note; sourceDocument = c.sourceDocument; enteredBy = c.enteredBy; channel = c.channel
        changedAt = c.changedAt.map { StoredInstant.string($0) } ?? ""
    }

    enum CodingKeys: String, CodingKey { case divisionCode, period, before, value, note, sourceDocument, enteredBy, channel, changedAt }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(period, forKey: .period)
        try c.encode(before, forKey: .before)
        try c.encode(value, forKey: .value)
        try c.encode(note, forKey: .note)
        try c.encode(sourceDocument, forKey: .sourceDocument)
        try c.encode(enteredBy, forKey: .enteredBy)
        try c.encode(channel, forKey: .channel)
        try c.encode(changedAt, forKey: .changedAt)
    }

    static let schema = JSONSchema.object(
        [
            ("division_code", .divisionCode), ("period", .string()), ("before", .nullable(.exactDecimal)), ("value", .exactDecimal),
            ("note", .string()), ("source_document", .string()), ("entered_by", .string()),
            ("channel", .string(values: ["api", "page", "import", "demo"])), ("changed_at", .dateTime),
        ], required: ["division_code", "period", "before", "value", "note", "source_document", "entered_by", "channel", "changed_at"])
}

struct HistoryDTO: Content {
    var items: [ValueChangeDTO]
}

struct QueryKindDTO: Content {
    var kind: String
    var label: String
    var parameters: [Parameter]

    struct Parameter: Content {
        var name: String
        var label: String
        var required: Bool
        var allowedValues: [String]
    }

    init(_ spec: QueryKindSpec) {
        kind = spec.kind
        label = spec.label
        parameters = spec.parameters.map { Parameter(name: $0.name, label: $0.label, required: $0.required, allowedValues: $0.allowedValues) }
    }

    static let schema = JSONSchema.object(
        [
            ("kind", .string()), ("label", .string()),
            (
                "parameters",
                .array(
                    .object(
                        [("name", .string()), ("label", .string()), ("required", .boolean), ("allowed_values", .array(.string()))],
                        required: ["name", "label", "required", "allowed_values"]))
            ),
        ], required: ["kind", "label", "parameters"])
}

struct QueryKindsDTO: Content {
    var items: [QueryKindDTO]
}

/// Reading an exact decimal from a JSON body: integers as numbers, anything else as a
/// string (a binary double never carries a fraction into the database).
extension InputReader {
    mutating func exactDecimal(_ field: String, required: Bool = false) -> ExactDecimal? {
        markSeen(field)
        switch rawValue(field) {
        case .none:
            if required { add(field, "此项为必填") }
            return nil
        case .some(.null):
            add(field, required ? "此项为必填" : InputReader.nullMessage)
            return nil
        case .number(let n):
            guard n.rounded() == n, abs(n) < 9.0e15 else {
                add(field, "非整数数值须写成字符串,如 \"183.61\"")
                return nil
            }
            return ExactDecimal(Int64(n))
        case .string(let s):
            do { return try ExactDecimal(s) } catch {
                add(field, error.message)
                return nil
            }
        default:
            add(field, "应为数值(整数)或数值字符串")
            return nil
        }
    }

    /// A period written the one way (`2021`, `2021-H1`, `2021-Q2`, `2021-05`, `2021-05-20`, `2021-01..2021-05`).
    mutating func period(_ field: String, required: Bool = false) -> Period? {
        guard let raw = string(field, required: required, maxLength: 40) else { return nil }
        do { return try Period(raw) } catch {
            add(field, error.message)
            return nil
        }
    }
}

extension QueryReader {
    mutating func period(_ key: String, required: Bool = false) -> Period? {
        guard let raw = text(key, maxLength: 40) else {
            if required { add(key, "请填写期间,如 2021、2021-H1、2021-Q2、2021-05、2021-05-20 或 2021-01..2021-05") }
            return nil
        }
        do { return try Period(raw) } catch {
            add(key, error.message)
            return nil
        }
    }
}
