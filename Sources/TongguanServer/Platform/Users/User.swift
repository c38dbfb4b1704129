import Fluent
import Foundation
import TongguanDomain

final class User: Model, @unchecked Sendable {
    static let schema = "users"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    // references

    /// The user's scope: they see and change only records below this division.
    @Field(key: "division_code")
    var divisionCode: String

    // data

    @Field(key: "username")
    var username: String

    @Field(key: "password_hash")
    var passwordHash: String

    @Enum(key: "role")
    var role: Role

    @Field(key: "disabled")
    var disabled: Bool

    /// Web sessions started before this instant are void (set by a password reset).
    @OptionalField(key: "sessions_valid_after")
    var sessionsValidAfter: Date?

    init() {}

    init(id: UUID? = nil, username: String, passwordHash: String, role: Role, divisionCode: String) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.divisionCode = divisionCode
        self.disabled = false
    }

    var scope: DivisionScope { Self.scope(of: divisionCode) }

    static func scope(of divisionCode: String) -> DivisionScope { DivisionScope(DivisionCode(divisionCode) ?? DivisionCode("141100")!) }
}

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("username", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("disabled", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "username")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}

struct AddUserSessionCutoff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("sessions_valid_after", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("sessions_valid_after").update()
    }
}
