import Fluent
import Foundation
import TongguanDomain

/// 预警: one early warning of one household, keyed by rule and assessment date (the same rule
/// on the same assessment is never raised twice). The facts are stored as JSON with masked
/// member references, so they read true after the data change.
final class WarningRecord: Model, @unchecked Sendable {
    static let schema = "early_warnings"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Field(key: "household_id")
    var householdID: UUID

    /// The household's village, kept equal to `households.division_code` by every write that
    /// moves a household (`MonitoringSpans.refresh`), so the reports filter and group the
    /// warnings by village without a look-up per warning (`AddWarningVillages`).
    @Field(key: "division_code")
    var divisionCode: String

    /// `EarlyWarningRule` raw value.
    @Field(key: "rule")
    var rule: String

    @Field(key: "assessed_on")
    var assessedOn: String

    /// `WarningStatus` raw value.
    @Field(key: "status")
    var status: String

    /// `WarningFacts` as JSON.
    @Field(key: "facts")
    var facts: String

    @Field(key: "raised_on")
    var raisedOn: String

    @OptionalField(key: "closed_on")
    var closedOn: String?

    @OptionalField(key: "note")
    var note: String?

    init() {}

    init(householdID: UUID, divisionCode: String, _ w: EarlyWarning) {
        self.householdID = householdID
        self.divisionCode = divisionCode
        rule = w.rule.rawValue
        assessedOn = w.assessedOn.description
        facts = Self.encode(w.facts)
        raisedOn = w.raisedOn.description
        apply(w)
    }

    func apply(_ w: EarlyWarning) {
        status = w.status.rawValue
        closedOn = w.closedOn?.description
        note = w.note
    }

    var warning: EarlyWarning? {
        guard let rule = EarlyWarningRule(rawValue: rule), let assessed = CivilDate(iso: assessedOn), let raised = CivilDate(iso: raisedOn)
        else { return nil }
        return EarlyWarning(
            rule: rule, assessedOn: assessed, facts: decodedFacts, status: WarningStatus(rawValue: status) ?? .open, raisedOn: raised,
            closedOn: closedOn.flatMap(CivilDate.init(iso:)), note: note)
    }

    var decodedFacts: WarningFacts {
        (try? JSONDecoder().decode(WarningFacts.self, from: Data(facts.utf8))) ?? WarningFacts(summary: "")
    }

    static func encode(_ facts: WarningFacts) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(facts)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
