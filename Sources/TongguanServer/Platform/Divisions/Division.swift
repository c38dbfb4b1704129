import Fluent
import Foundation
import TongguanDomain

final class Division: Model, @unchecked Sendable {
    static let schema = "divisions"

    // managed fields

    @ID(custom: "code", generatedBy: .user)
    var id: String?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    // references

    /// Derived from the code and stored for tree queries; nil for the tree's root.
    @OptionalField(key: "parent_code")
    var parentCode: String?

    // data

    @Field(key: "name")
    var name: String

    @Enum(key: "level")
    var level: Level

    init() {}

    init(code: DivisionCode, name: String, parentCode: String?) {
        self.id = code.rawValue
        self.name = name
        self.parentCode = parentCode
        self.level = Level(code.level)
    }

    var code: DivisionCode { DivisionCode(id ?? "") ?? DivisionCode("141100")! }
}

extension Division {
    enum Level: String, Codable, CaseIterable, Sendable {
        case province, city, county, township, village

        init(_ level: DivisionCode.Level) { self = Level(rawValue: level.rawValue)! }

        var label: String {
            switch self {
            case .province: "省级"
            case .city: "地级"
            case .county: "县级"
            case .township: "乡级"
            case .village: "村级"
            }
        }
    }
}

struct CreateDivisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Division.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("parent_code", .string, .references(Division.schema, "code"))
            .field("level", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.sql.create(index: "divisions_parent").on(Division.schema).column("parent_code").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Division.schema).delete()
    }
}
