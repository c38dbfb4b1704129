import Fluent
import Foundation
import TongguanDomain

/// A value an indicator must reach in a division by a due date, with an optional baseline.
final class TargetRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "indicator_targets"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    @Parent(key: "indicator_id")
    var indicator: IndicatorRecord

    @Field(key: "division_code")
    var divisionCode: String

    /// In the indicator's stored unit, exact decimal text.
    @Field(key: "value")
    var value: String

    @Field(key: "due")
    var due: String

    /// The period the baseline value belongs to (its end dates it), when there is one.
    @OptionalField(key: "baseline_period")
    var baselinePeriod: String?

    @OptionalField(key: "baseline_value")
    var baselineValue: String?

    @Field(key: "note")
    var note: String

    init() {}

    func target(code: IndicatorCode) -> Target? {
        guard let value = try? ExactDecimal(value), let due = CivilDate(iso: due), let division = DivisionCode(divisionCode) else { return nil }
        var baseline: Observation?
        if let p = baselinePeriod.flatMap(Period.init(text:)), let v = baselineValue.flatMap({ try? ExactDecimal($0) }) {
            baseline = Observation(period: p, value: v)
        }
        return Target(indicator: code, division: division, value: value, due: due, baseline: baseline)
    }
}

struct CreateTargets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TargetRecord.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(IndicatorRecord.schema, "id", onDelete: .restrict))
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("value", .string, .required)
            .field("due", .string, .required)
            .field("baseline_period", .string)
            .field("baseline_value", .string)
            .field("note", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "indicator_id", "division_code", "due")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TargetRecord.schema).delete()
    }
}
