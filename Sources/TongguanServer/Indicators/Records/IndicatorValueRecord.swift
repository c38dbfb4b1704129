import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// A value people entered for a manual indicator, one per indicator, division and period.
/// The value is kept in the indicator's stored unit as exact decimal text.
final class IndicatorValueRecord: Model, @unchecked Sendable {
    static let schema = "indicator_values"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    // references

    @Parent(key: "indicator_id")
    var indicator: IndicatorRecord

    @Field(key: "division_code")
    var divisionCode: String

    // data

    /// The canonical period text (`2021-H1`), the key with the indicator and division.
    @Field(key: "period")
    var period: String

    /// First and last day of the period (`YYYY-MM-DD`), for finding the parts of a period.
    @Field(key: "period_start")
    var periodStart: String

    @Field(key: "period_end")
    var periodEnd: String

    @Field(key: "value")
    var value: String

    @Field(key: "note")
    var note: String

    /// The document the value comes from (a statistics bulletin, a department's report).
    @Field(key: "source_document")
    var sourceDocument: String

    @Field(key: "entered_by")
    var enteredBy: String

    init() {}

    var exact: ExactDecimal? { try? ExactDecimal(value) }
    var periodValue: Period? { Period(text: period) }
}

/// Every entry ever made for a manual value: who, when, what, and what it replaced.
final class IndicatorValueChange: Model, @unchecked Sendable {
    static let schema = "indicator_value_changes"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "changed_at", on: .create)
    var changedAt: Date?

    @Parent(key: "indicator_id")
    var indicator: IndicatorRecord

    @Field(key: "division_code")
    var divisionCode: String

    @Field(key: "period")
    var period: String

    @OptionalField(key: "before")
    var before: String?

    @Field(key: "value")
    var value: String

    @Field(key: "note")
    var note: String

    @Field(key: "source_document")
    var sourceDocument: String

    @Field(key: "entered_by")
    var enteredBy: String

    /// `api`, `page`, `import` or `demo`.
    @Field(key: "channel")
    var channel: String

    init() {}
}

struct CreateIndicatorValues: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IndicatorValueRecord.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(IndicatorRecord.schema, "id", onDelete: .restrict))
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("period", .string, .required)
            .field("period_start", .string, .required)
            .field("period_end", .string, .required)
            .field("value", .string, .required)
            .field("note", .string, .required)
            .field("source_document", .string, .required)
            .field("entered_by", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "indicator_id", "division_code", "period")
            .create()
        try await database.sql.create(index: "indicator_values_lookup").on(IndicatorValueRecord.schema)
            .column("indicator_id").column("division_code").column("period_start").run()
        try await database.schema(IndicatorValueChange.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(IndicatorRecord.schema, "id", onDelete: .restrict))
            .field("division_code", .string, .required)
            .field("period", .string, .required)
            .field("before", .string)
            .field("value", .string, .required)
            .field("note", .string, .required)
            .field("source_document", .string, .required)
            .field("entered_by", .string, .required)
            .field("channel", .string, .required)
            .field("changed_at", .datetime)
            .create()
        try await database.sql.create(index: "indicator_value_changes_lookup").on(IndicatorValueChange.schema)
            .column("indicator_id").column("division_code").column("period").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IndicatorValueChange.schema).delete()
        try await database.schema(IndicatorValueRecord.schema).delete()
    }
}
