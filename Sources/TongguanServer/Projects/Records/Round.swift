import Fluent
import Foundation

/// 活动批次: one 三个一批 event at which projects are announced as signed, started or producing.
final class Round: Model, Versioned, @unchecked Sendable {
    static let schema = "rounds"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    /// Bumped on every change; the ETag clients send back in `If-Match`.
    @Field(key: "version")
    var version: Int

    // references

    /// The city or a county that held the round.
    @Field(key: "division_code")
    var divisionCode: String

    // data

    @Field(key: "name")
    var name: String

    /// `YYYY-MM-DD`.
    @Field(key: "date")
    var date: String

    @OptionalField(key: "venue")
    var venue: String?

    init() {}

    init(name: String, date: String, venue: String?, divisionCode: String) {
        self.name = name
        self.date = date
        self.venue = venue
        self.divisionCode = divisionCode
        self.version = 1
    }
}

struct CreateRounds: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Round.schema)
            .id()
            .field("name", .string, .required)
            .field("date", .string, .required)
            .field("venue", .string)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "name")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Round.schema).delete()
    }
}
