import Fluent
import Foundation
import TongguanDomain

/// A briefing template: Markdown with figure placeholders, checked against the catalogue on
/// every save (see `BriefingSyntax`).
final class BriefingTemplateRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "briefing_templates"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    /// The owner division; visible there, below it (and never to another county).
    @Field(key: "division_code")
    var divisionCode: String

    @Field(key: "name")
    var name: String

    @Field(key: "description")
    var description: String

    @Field(key: "body")
    var body: String

    /// The period and division a render uses when none is given.
    @Field(key: "default_period")
    var defaultPeriod: String

    @Field(key: "updated_by")
    var updatedBy: String

    init() {}
}

struct CreateBriefingTemplates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BriefingTemplateRecord.schema)
            .id()
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("body", .string, .required)
            .field("default_period", .string, .required)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("updated_by", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BriefingTemplateRecord.schema).delete()
    }
}
