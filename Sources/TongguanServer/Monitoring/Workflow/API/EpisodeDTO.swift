import Foundation
import TongguanDomain
import Vapor

struct StepDTO: Content {
    var seq: Int
    var step: String
    var date: String
    var note: String
    var fromState: String?
    var toState: String
    var consent: Bool?
    var category: String?
    var riskTypes: [String]?
    var reason: String?
    var by: String

    init(_ s: StepRecord) {
        let d = EpisodeService.Details.decode(s.details)
        seq = s.seq; step = s.step; date = s.date; note = s.note; fromState = s.fromState; toState = s.toState
        consent = d.consent; category = d.category; riskTypes = d.riskTypes; reason = d.reason; by = s.actor
    }

    static let schema = JSONSchema.object(
        [
            ("seq", .integer()), ("step", .string(values: EpisodeStepKind.allCases.map(\.rawValue))), ("date", .date), ("note", .string()),
            ("from_state", .nullable(.string(values: EpisodeState.allCases.map(\.rawValue)))),
            ("to_state", .string(values: EpisodeState.allCases.map(\.rawValue))), ("consent", .boolean), ("category", .string()),
            ("risk_types", .array(.string())), ("reason", .string()), ("by", .string(description: "办理人")),
        ], required: ["seq", "step", "date", "note", "to_state", "by"])
}

struct MeasureDTO: Content {
    var id: UUID
    var type: String
    var description: String
    var unit: String
    var person: String
    var start: String
    var end: String?
    var amountFen: Int64

    init(_ m: MeasureRecord) {
        id = m.id!; type = m.type; description = m.description; unit = m.unit; person = m.person; start = m.startOn; end = m.endOn
        amountFen = m.amountFen
    }

    enum CodingKeys: String, CodingKey { case id, type, description, unit, person, start, end, amountFen }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(description, forKey: .description)
        try c.encode(unit, forKey: .unit)
        try c.encode(person, forKey: .person)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(amountFen, forKey: .amountFen)
    }

    static let fields: [(String, JSONSchema)] = [
        ("type", .string(values: AssistanceMeasureType.allCases.map(\.rawValue))), ("description", .string()),
        ("unit", .string(description: "责任单位")), ("person", .string(description: "帮扶责任人")), ("start", .date), ("end", .nullable(.date)),
        ("amount_fen", .integer(description: "金额,单位:分", minimum: 0)),
    ]
    static let schema = JSONSchema.object(
        [("id", .uuid)] + fields, required: ["id", "type", "description", "unit", "person", "start", "end", "amount_fen"])
    static let inputSchema = JSONSchema.object(fields, required: ["type", "description", "unit", "person", "start"])
}

struct EpisodeDTO: Content {
    var id: UUID
    var householdCode: String
    var divisionCode: String
    var state: String
    var channel: String
    var category: String?
    var riskTypes: [String]
    var openedOn: String
    var identifiedOn: String?
    var eliminatedOn: String?
    var closedOn: String?
    var notIncludedReason: String?
    var warningIds: [UUID]
    var allowedSteps: [String]
    var steps: [StepDTO]?
    var measures: [MeasureDTO]?
    var measureCount: Int?
    var version: Int

    /// `state` may be the state on an as-of date (lists); details always show the current one.
    init(
        _ e: EpisodeRecord, householdCode: String, divisionCode: String, state: EpisodeState? = nil, steps: [StepRecord]? = nil,
        measures: [MeasureRecord]? = nil
    ) {
        let episode = e.episode
        id = e.id!; self.householdCode = householdCode; self.divisionCode = divisionCode
        self.state = (state ?? episode.state).rawValue; channel = e.channel; category = e.category; riskTypes = episode.riskTypes.map(\.rawValue)
        openedOn = e.openedOn; identifiedOn = e.identifiedOn
        eliminatedOn = episode.state == .riskEliminated ? e.closedOn : nil
        closedOn = e.closedOn; notIncludedReason = e.notIncludedReason; warningIds = e.warningIDList
        allowedSteps = episode.allowedSteps.map(\.rawValue)
        self.steps = steps.map { $0.map(StepDTO.init) }
        self.measures = measures.map { $0.map(MeasureDTO.init) }
        version = e.version
    }

    enum CodingKeys: String, CodingKey {
        case id, householdCode, divisionCode, state, channel, category, riskTypes, openedOn, identifiedOn, eliminatedOn, closedOn
        case notIncludedReason, warningIds, allowedSteps, steps, measures, measureCount, version
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(householdCode, forKey: .householdCode)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(state, forKey: .state)
        try c.encode(channel, forKey: .channel)
        try c.encode(category, forKey: .category)
        try c.encode(riskTypes, forKey: .riskTypes)
        try c.encode(openedOn, forKey: .openedOn)
        try c.encode(identifiedOn, forKey: .identifiedOn)
        try c.encode(eliminatedOn, forKey: .eliminatedOn)
        try c.encode(closedOn, forKey: .closedOn)
        try c.encode(notIncludedReason, forKey: .notIncludedReason)
        try c.encode(warningIds, forKey: .warningIds)
        try c.encode(allowedSteps, forKey: .allowedSteps)
        try c.encodeIfPresent(steps, forKey: .steps)
        try c.encodeIfPresent(measures, forKey: .measures)
        try c.encodeIfPresent(measureCount, forKey: .measureCount)
        try c.encode(version, forKey: .version)
    }

    static let summaryFields: [(String, JSONSchema)] = [
        ("id", .uuid), ("household_code", .string(description: "户码")), ("division_code", .divisionCode),
        ("state", .string(values: EpisodeState.allCases.map(\.rawValue))), ("channel", .string(values: MonitoringChannel.allCases.map(\.rawValue))),
        ("category", .nullable(.string(values: MonitoringCategory.allCases.map(\.rawValue)))),
        ("risk_types", .array(.string(values: MonitoringRiskType.allCases.map(\.rawValue)))), ("opened_on", .date),
        ("identified_on", .nullable(.date)), ("eliminated_on", .nullable(.date)), ("closed_on", .nullable(.date)),
        ("not_included_reason", .nullable(.string())), ("warning_ids", .array(.uuid)),
        ("allowed_steps", .array(.string(values: EpisodeStepKind.allCases.map(\.rawValue)))), ("version", .integer()),
    ]
    static let summaryRequired = [
        "id", "household_code", "division_code", "state", "channel", "category", "risk_types", "opened_on", "identified_on", "eliminated_on",
        "closed_on", "not_included_reason", "warning_ids", "allowed_steps", "version",
    ]
    static let summarySchema = JSONSchema.object(
        summaryFields + [("measure_count", .integer(description: "已登记的帮扶措施数"))], required: summaryRequired + ["measure_count"])
    static let schema = JSONSchema.object(
        summaryFields + [("steps", .array(.ref("EpisodeStep"))), ("measures", .array(.ref("Measure")))],
        required: summaryRequired + ["steps", "measures"])
}
