import Fluent
import Foundation

/// 活动批次: one 三个一批 event at which projects are announced as signed, started or producing.
final class Round: Model, Versioned, @unchecked Sendable {
    static let schema = "rounds"

    /// Column names, declared once (see `Project.FieldKeys`).
    enum FieldKeys {
        static let id: FieldKey = .id
        static let createdAt: FieldKey = "created_at"
        static let updatedAt: FieldKey = "updated_at"
        static let version: FieldKey = "version"
        static let divisionCode: FieldKey = "division_code"
        static let name: FieldKey = "name"
        static let date: FieldKey = "date"
        static let venue: FieldKey = "venue"
    }

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: FieldKeys.createdAt, on: .create)
    var createdAt: Date?

    @Timestamp(key: FieldKeys.updatedAt, on: .update)
    var updatedAt: Date?

    /// Bumped on every change; the ETag clients send back in `If-Match`.
    @Field(key: FieldKeys.version)
    var version: Int

    // references

    /// The city or a county that held the round.
    @Field(key: FieldKeys.divisionCode)
    var divisionCode: String

    // data

    @Field(key: FieldKeys.name)
    var name: String

    /// `YYYY-MM-DD`.
    @Field(key: FieldKeys.date)
    var date: String

    @OptionalField(key: FieldKeys.venue)
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
        typealias K = Round.FieldKeys
        try await database.schema(Round.schema)
            .id()
            .field(K.name, .string, .required)
            .field(K.date, .string, .required)
            .field(K.venue, .string)
            .field(K.divisionCode, .string, .required, .references(Division.schema, "code"))
            .field(K.version, .int, .required)
            .field(K.createdAt, .datetime)
            .field(K.updatedAt, .datetime)
            .unique(on: K.name)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Round.schema).delete()
    }
}
