import Foundation
import TongguanDomain
import Vapor

struct RoundDTO: Content {
    var id: UUID
    var name: String
    var date: String
    var venue: String?
    var divisionCode: String
    var version: Int

    init(_ r: Round) {
        id = r.id ?? UUID(); name = r.name; date = r.date; venue = r.venue
        divisionCode = r.divisionCode; version = r.version
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("name", .string(description: "如 2021年第三次")), ("date", .date),
            ("venue", .nullable(.string(description: "地点或开发区"))), ("division_code", .divisionCode), ("version", .integer()),
        ], required: ["id", "name", "date", "division_code", "version"])

    static let inputSchema = JSONSchema.object(
        [
            ("name", .string()), ("date", .date), ("venue", .nullable(.string())), ("division_code", .divisionCode),
        ], required: [])
}

struct MilestoneDTO: Content {
    var stage: String
    var date: String
    var roundID: UUID?

    static let schema = JSONSchema.object(
        [
            ("stage", .string(values: Stage.allCases.map(\.rawValue))), ("date", .date), ("round_id", .nullable(.uuid)),
        ], required: ["stage", "date"])
}

struct ProjectDTO: Content {
    var id: UUID
    var name: String
    var investorName: String
    var creditCode: String
    var divisionCode: String
    var developmentZone: String
    var industry: String
    var totalInvestmentFen: Int64
    var expectedAnnualOutputFen: Int64
    var contactPerson: String
    var contactPhone: String
    var notes: String
    /// The furthest stage reached, or null before signing.
    var stage: String?
    var milestones: [MilestoneDTO]
    var version: Int

    init(_ r: ProjectRecord) {
        let p = r.values
        id = r.id; name = p.name; investorName = p.investorName; creditCode = p.creditCode
        divisionCode = p.divisionCode; developmentZone = p.developmentZone; industry = p.industry
        totalInvestmentFen = p.totalInvestmentFen; expectedAnnualOutputFen = p.expectedAnnualOutputFen
        contactPerson = p.contactPerson; contactPhone = p.contactPhone; notes = p.notes; version = r.version
        let sorted = r.milestones.sorted { $0.stage < $1.stage }
        milestones = sorted.map { MilestoneDTO(stage: $0.stage.rawValue, date: $0.date, roundID: $0.roundID) }
        stage = sorted.last?.stage.rawValue
    }

    static let fields: [(String, JSONSchema)] = [
        ("name", .string()), ("investor_name", .string()), ("credit_code", .string(description: "统一社会信用代码 GB 32100")),
        ("division_code", .divisionCode), ("development_zone", .string()), ("industry", .string()),
        ("total_investment_fen", .integer(description: "总投资,单位:分")),
        ("expected_annual_output_fen", .integer(description: "预计年产值,单位:分")),
        ("contact_person", .string()), ("contact_phone", .string(description: "手机或带区号固定电话")), ("notes", .string()),
    ]

    static let schema = JSONSchema.object(
        [("id", .uuid)] + fields + [
            ("stage", .nullable(.string(values: Stage.allCases.map(\.rawValue)))),
            ("milestones", .array(.ref("Milestone"))), ("version", .integer()),
        ],
        required: [
            "id", "name", "investor_name", "credit_code", "division_code", "industry", "total_investment_fen",
            "expected_annual_output_fen", "milestones", "version",
        ])

    static let createSchema = JSONSchema.object(
        fields + [("milestones", .array(.ref("Milestone")))],
        required: [
            "name", "investor_name", "credit_code", "division_code", "industry",
            "total_investment_fen", "expected_annual_output_fen",
        ])
    static let updateSchema = JSONSchema.object(fields, required: [])
}

struct SummaryRowDTO: Content {
    var stage: String
    var group: String?
    var count: Int
    var totalInvestmentFen: Int64
    var expectedAnnualOutputFen: Int64

    enum CodingKeys: String, CodingKey { case stage, group, count, totalInvestmentFen, expectedAnnualOutputFen }

    init(_ row: ProjectSummary.Row) {
        stage = row.stage.rawValue; group = row.group; count = row.count
        totalInvestmentFen = row.totalInvestmentFen; expectedAnnualOutputFen = row.expectedAnnualOutputFen
    }

    /// `group` is always present: null when grouping by stage.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage)
        if let group { try c.encode(group, forKey: .group) } else { try c.encodeNil(forKey: .group) }
        try c.encode(count, forKey: .count)
        try c.encode(totalInvestmentFen, forKey: .totalInvestmentFen)
        try c.encode(expectedAnnualOutputFen, forKey: .expectedAnnualOutputFen)
    }

    static let schema = JSONSchema.object(
        [
            ("stage", .string(values: Stage.allCases.map(\.rawValue))), ("group", .nullable(.string(description: "区划代码或产业类别"))),
            ("count", .integer()), ("total_investment_fen", .integer()), ("expected_annual_output_fen", .integer()),
        ], required: ["stage", "group", "count", "total_investment_fen", "expected_annual_output_fen"])
}

struct SummaryDTO: Content {
    var rows: [SummaryRowDTO]
}
