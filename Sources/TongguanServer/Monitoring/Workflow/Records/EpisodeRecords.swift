import Fluent
import Foundation
import TongguanDomain

/// 监测记录: one monitoring episode of one household, from candidate to risk eliminated (or
/// not included). Its steps are `StepRecord`s, its measures `MeasureRecord`s. Never deleted.
final class EpisodeRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "monitoring_episodes"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    @Field(key: "household_id")
    var householdID: UUID

    /// `EpisodeState` raw value.
    @Field(key: "state") var state: String
    @Field(key: "channel") var channel: String
    @Field(key: "opened_on") var openedOn: String
    @Field(key: "last_step_on") var lastStepOn: String
    @OptionalField(key: "category") var category: String?
    /// Risk type raw values joined by commas ("" for none).
    @Field(key: "risk_types") var riskTypes: String
    @OptionalField(key: "identified_on") var identifiedOn: String?
    /// The day of `reject` or `eliminate`.
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "not_included_reason") var notIncludedReason: String?
    /// Warning ids joined by commas.
    @Field(key: "warning_ids") var warningIDs: String

    init() {}

    init(householdID: UUID, _ e: MonitoringEpisode) {
        self.householdID = householdID
        version = 1
        apply(e)
    }

    func apply(_ e: MonitoringEpisode) {
        state = e.state.rawValue
        channel = e.channel.rawValue
        openedOn = e.openedOn.description
        lastStepOn = e.lastStepOn.description
        category = e.category?.rawValue
        riskTypes = e.riskTypes.map(\.rawValue).joined(separator: ",")
        identifiedOn = e.identifiedOn?.description
        closedOn = e.closedOn?.description
        notIncludedReason = e.notIncludedReason
        warningIDs = e.warningIDs.map { $0.uuidString.lowercased() }.joined(separator: ",")
    }

    var episode: MonitoringEpisode {
        MonitoringEpisode(
            state: EpisodeState(rawValue: state) ?? .candidate, channel: MonitoringChannel(rawValue: channel) ?? .selfApplication,
            openedOn: CivilDate(iso: openedOn)!, warningIDs: warningIDList, lastStepOn: CivilDate(iso: lastStepOn)!,
            category: category.flatMap(MonitoringCategory.init(rawValue:)), riskTypes: riskTypeList,
            identifiedOn: identifiedOn.flatMap(CivilDate.init(iso:)), closedOn: closedOn.flatMap(CivilDate.init(iso:)),
            notIncludedReason: notIncludedReason)
    }

    var warningIDList: [UUID] { warningIDs.split(separator: ",").compactMap { UUID(uuidString: String($0)) } }
    var riskTypeList: [MonitoringRiskType] { riskTypes.split(separator: ",").compactMap { MonitoringRiskType(rawValue: String($0)) } }
}

/// One step of an episode, in order (`seq`), with who took it. `date`..`next_date` is the
/// span in which its `to_state` was the household's state (`next_date` is 9999-12-31 for the
/// step in force now), so a report as of any day reads one row per household.
final class StepRecord: Model, @unchecked Sendable {
    static let schema = "episode_steps"
    static let openEnd = "9999-12-31"

    @ID(key: .id)
    var id: UUID?

    @Field(key: "episode_id") var episodeID: UUID
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "seq") var seq: Int
    /// `EpisodeStepKind` raw value.
    @Field(key: "step") var step: String
    @Field(key: "date") var date: String
    @Field(key: "next_date") var nextDate: String
    @Field(key: "note") var note: String
    @OptionalField(key: "from_state") var fromState: String?
    @Field(key: "to_state") var toState: String
    /// The step's own fields as JSON: consent, category and risk types, reason, warning ids.
    @Field(key: "details") var details: String
    @Field(key: "actor") var actor: String
    @Timestamp(key: "recorded_at", on: .create) var recordedAt: Date?

    init() {}
}

/// 帮扶措施: one assistance measure of an episode; it may be given its end later.
final class MeasureRecord: Model, @unchecked Sendable {
    static let schema = "assistance_measures"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Field(key: "episode_id") var episodeID: UUID
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "type") var type: String
    @Field(key: "description") var description: String
    @Field(key: "unit") var unit: String
    @Field(key: "person") var person: String
    @Field(key: "start_on") var startOn: String
    @OptionalField(key: "end_on") var endOn: String?
    @Field(key: "amount_fen") var amountFen: Int64

    init() {}

    func apply(_ m: AssistanceMeasure) {
        type = m.type.rawValue
        description = m.description
        unit = m.unit
        person = m.person
        startOn = m.startOn.description
        endOn = m.endOn?.description
        amountFen = m.amountFen
    }

    var measure: AssistanceMeasure {
        AssistanceMeasure(
            stored: AssistanceMeasureType(rawValue: type) ?? .other, description: description, unit: unit, person: person,
            startOn: CivilDate(iso: startOn)!, endOn: endOn.flatMap(CivilDate.init(iso:)), amountFen: amountFen)
    }
}
