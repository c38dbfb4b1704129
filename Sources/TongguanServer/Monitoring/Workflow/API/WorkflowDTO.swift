import Foundation
import TongguanDomain
import Vapor

struct MonitoringLineDTO: Content {
    /// The division's significant prefix (`14` for the province of Shanxi).
    var divisionCode: String
    var year: Int
    var lineFen: Int64

    init(_ line: MonitoringLine) {
        divisionCode = line.division.significantPrefix; year = line.year; lineFen = line.lineFen
    }

    static let schema = JSONSchema.object(
        [
            ("division_code", .string(description: "区划代码前缀,如 14(山西省)、1411(吕梁市)、141124(临县)")), ("year", .integer(minimum: 2000, maximum: 2100)),
            ("line_fen", .integer(description: "监测收入线(人均纯收入),单位:分", minimum: 1)),
        ], required: ["division_code", "year", "line_fen"])
}

/// Settings as decimals in strings (`"1.5"`, `"0.3"`), exact; null inherits.
struct SettingsValuesDTO: Content {
    var nearLineFactor: String?
    var incomeDropFraction: String?
    var largeExpenseFraction: String?
    var noticePeriodDays: Int?
    var minimumMonitoringMonths: Int?

    init(_ s: MonitoringSettings) {
        nearLineFactor = s.nearLineFactor.description; incomeDropFraction = s.incomeDropFraction.description
        largeExpenseFraction = s.largeExpenseFraction.description; noticePeriodDays = s.noticePeriodDays
        minimumMonitoringMonths = s.minimumMonitoringMonths
    }

    static func fields(nullable: Bool) -> [(String, JSONSchema)] {
        func n(_ s: JSONSchema) -> JSONSchema { nullable ? .nullable(s) : s }
        return [
            ("near_line_factor", n(.string(description: "临界倍数,如 1.5"))), ("income_drop_fraction", n(.string(description: "收入骤减比例,如 0.3"))),
            ("large_expense_fraction", n(.string(description: "大额支出比例,如 0.5"))),
            ("notice_period_days", n(.integer(description: "公示天数", minimum: 1, maximum: 60))),
            ("minimum_monitoring_months", n(.integer(description: "最短监测月数", minimum: 1, maximum: 60))),
        ]
    }

    static let schema = JSONSchema.object(fields(nullable: false), required: MonitoringSettings.Field.allCases.map(\.rawValue))
}

struct SettingsOverrideDTO: Content {
    var divisionCode: String
    var nearLineFactor: String?
    var incomeDropFraction: String?
    var largeExpenseFraction: String?
    var noticePeriodDays: Int?
    var minimumMonitoringMonths: Int?

    init(_ o: MonitoringSettingsOverride) {
        divisionCode = o.division.significantPrefix
        nearLineFactor = o.nearLineFactor?.description; incomeDropFraction = o.incomeDropFraction?.description
        largeExpenseFraction = o.largeExpenseFraction?.description; noticePeriodDays = o.noticePeriodDays
        minimumMonitoringMonths = o.minimumMonitoringMonths
    }

    enum CodingKeys: String, CodingKey {
        case divisionCode, nearLineFactor, incomeDropFraction, largeExpenseFraction, noticePeriodDays, minimumMonitoringMonths
    }

    /// Every field present, null where the division inherits.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(nearLineFactor, forKey: .nearLineFactor)
        try c.encode(incomeDropFraction, forKey: .incomeDropFraction)
        try c.encode(largeExpenseFraction, forKey: .largeExpenseFraction)
        try c.encode(noticePeriodDays, forKey: .noticePeriodDays)
        try c.encode(minimumMonitoringMonths, forKey: .minimumMonitoringMonths)
    }

    static let schema = JSONSchema.object(
        [("division_code", .string(description: "区划代码前缀"))] + SettingsValuesDTO.fields(nullable: true),
        required: ["division_code"] + MonitoringSettings.Field.allCases.map(\.rawValue))
    static let inputSchema = JSONSchema.object(
        [("division_code", .string(description: "区划代码前缀"))] + SettingsValuesDTO.fields(nullable: true), required: ["division_code"])
}

struct SettingsDTO: Content {
    var defaults: SettingsValuesDTO
    /// In force for the caller's own division.
    var effective: SettingsValuesDTO
    var overrides: [SettingsOverrideDTO]

    static let schema = JSONSchema.object(
        [
            ("defaults", .ref("MonitoringSettingsValues")), ("effective", .ref("MonitoringSettingsValues")),
            ("overrides", .array(.ref("MonitoringSettingsOverride"))),
        ],
        required: ["defaults", "effective", "overrides"])
}

struct WarningFactsDTO: Content {
    struct Figure: Content {
        var code: String
        var value: Int64
    }
    struct Finding: Content {
        var code: String
        /// The member's masked resident ID, null for a finding about the household.
        var member: String?
        var message: String

        enum CodingKeys: String, CodingKey { case code, member, message }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(member, forKey: .member)
            try c.encode(message, forKey: .message)
        }
    }

    var figures: [Figure]
    var findings: [Finding]
    var previousAssessedOn: String?
    var summary: String

    init(_ f: WarningFacts) {
        figures = f.figures.map { Figure(code: $0.code, value: $0.value) }
        findings = f.findings.map { Finding(code: $0.code, member: $0.member, message: $0.message) }
        previousAssessedOn = f.previousAssessedOn?.description
        summary = f.summary
    }

    enum CodingKeys: String, CodingKey { case figures, findings, previousAssessedOn, summary }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(figures, forKey: .figures)
        try c.encode(findings, forKey: .findings)
        try c.encode(previousAssessedOn, forKey: .previousAssessedOn)
        try c.encode(summary, forKey: .summary)
    }

    static let schema = JSONSchema.object(
        [
            (
                "figures",
                .array(.object([("code", .string(description: "如 per_capita_fen、line_fen")), ("value", .integer())], required: ["code", "value"]))
            ),
            (
                "findings",
                .array(
                    .object(
                        [("code", .string()), ("member", .nullable(.string(description: "成员身份证号(脱敏)"))), ("message", .string())],
                        required: ["code", "member", "message"]))
            ),
            ("previous_assessed_on", .nullable(.date)), ("summary", .string()),
        ], required: ["figures", "findings", "previous_assessed_on", "summary"])
}

struct WarningDTO: Content {
    var id: UUID
    var householdCode: String
    var divisionCode: String
    var rule: String
    var ruleName: String
    var assessedOn: String
    var status: String
    var facts: WarningFactsDTO
    var raisedOn: String
    var closedOn: String?
    var note: String?

    init(_ w: WarningRecord, householdCode: String, divisionCode: String) {
        id = w.id!; self.householdCode = householdCode; self.divisionCode = divisionCode; rule = w.rule
        ruleName = EarlyWarningRule(rawValue: w.rule)?.definition.name ?? w.rule
        assessedOn = w.assessedOn; status = w.status; facts = WarningFactsDTO(w.decodedFacts); raisedOn = w.raisedOn
        closedOn = w.closedOn; note = w.note
    }

    enum CodingKeys: String, CodingKey {
        case id, householdCode, divisionCode, rule, ruleName, assessedOn, status, facts, raisedOn, closedOn, note
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(householdCode, forKey: .householdCode)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(rule, forKey: .rule)
        try c.encode(ruleName, forKey: .ruleName)
        try c.encode(assessedOn, forKey: .assessedOn)
        try c.encode(status, forKey: .status)
        try c.encode(facts, forKey: .facts)
        try c.encode(raisedOn, forKey: .raisedOn)
        try c.encode(closedOn, forKey: .closedOn)
        try c.encode(note, forKey: .note)
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("household_code", .string(description: "户码")), ("division_code", .divisionCode),
            ("rule", .string(values: EarlyWarningRule.allCases.map(\.rawValue))), ("rule_name", .string()), ("assessed_on", .date),
            ("status", .string(values: WarningStatus.allCases.map(\.rawValue))), ("facts", .ref("WarningFacts")), ("raised_on", .date),
            ("closed_on", .nullable(.date)), ("note", .nullable(.string())),
        ],
        required: [
            "id", "household_code", "division_code", "rule", "rule_name", "assessed_on", "status", "facts", "raised_on", "closed_on", "note",
        ])
}

struct AssessmentDTO: Content {
    var id: UUID
    var householdCode: String
    var assessedOn: String
    var wagesFen: Int64
    var businessFen: Int64
    var propertyFen: Int64
    var transferFen: Int64
    var productionCostsFen: Int64
    var medicalFen: Int64
    var educationFen: Int64
    var housingSafe: Bool
    var waterSafe: Bool
    var netIncomeFen: Int64
    var perCapitaFen: Int64
    var memberCount: Int
    var assessedBy: String
    /// The warnings this assessment raised when it was recorded (on `POST` only).
    var warnings: [WarningDTO]?

    init(_ a: AssessmentRecord, householdCode: String, warnings: [WarningDTO]? = nil) {
        id = a.id!; self.householdCode = householdCode; assessedOn = a.assessedOn
        wagesFen = a.wagesFen; businessFen = a.businessFen; propertyFen = a.propertyFen; transferFen = a.transferFen
        productionCostsFen = a.productionCostsFen; medicalFen = a.medicalFen; educationFen = a.educationFen
        housingSafe = a.housingSafe; waterSafe = a.waterSafe; netIncomeFen = a.netIncomeFen; perCapitaFen = a.perCapitaFen
        memberCount = a.memberCount; assessedBy = a.assessedBy; self.warnings = warnings
    }

    static let moneyFields = ["wages_fen", "business_fen", "property_fen", "transfer_fen", "production_costs_fen", "medical_fen", "education_fen"]

    static let inputFields: [(String, JSONSchema)] =
        [("assessed_on", .date)]
        + moneyFields.map { ($0, JSONSchema.integer(description: "单位:分", minimum: 0, maximum: IncomeFigures.maximumFen)) }
        + [("housing_safe", .boolean), ("water_safe", .boolean), ("assessed_by", .string(description: "评估人(默认为登记用户)"))]

    static let schema = JSONSchema.object(
        [("id", .uuid), ("household_code", .string())] + inputFields + [
            ("net_income_fen", .integer(description: "家庭纯收入,单位:分")), ("per_capita_fen", .integer(description: "人均纯收入,单位:分,向零取整")),
            ("member_count", .integer(description: "评估日在册人数")), ("warnings", .array(.ref("Warning"))),
        ],
        required: ["id", "household_code", "assessed_on"] + moneyFields + [
            "housing_safe", "water_safe", "assessed_by", "net_income_fen", "per_capita_fen", "member_count",
        ])
    static let inputSchema = JSONSchema.object(inputFields, required: ["assessed_on"] + moneyFields + ["housing_safe", "water_safe"])
}
