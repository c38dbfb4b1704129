import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// An Open311 service as stored: the definition's attributes as JSON.
final class Open311ServiceRecord: Model, @unchecked Sendable {
    static let schema = "open311_services"

    @ID(custom: "code", generatedBy: .user)
    var id: String?

    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "group_name") var group: String
    /// Comma-separated, as GeoReport lists them.
    @Field(key: "keywords") var keywords: String
    @Field(key: "kind") var kind: String
    @Field(key: "active") var active: Bool
    @Field(key: "attributes") var attributes: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var service: Open311Service {
        Open311Service(
            code: id ?? "", name: name, description: description, group: group,
            keywords: keywords.split(separator: ",").map(String.init), kind: CaseKind(rawValue: kind) ?? .helpRequest, active: active,
            attributes: (try? JSONDecoder().decode([Open311Service.Attribute].self, from: Data(attributes.utf8))) ?? [])
    }

    func apply(_ s: Open311Service) {
        id = s.code
        name = s.name
        description = s.description
        group = s.group
        keywords = s.keywords.joined(separator: ",")
        kind = s.kind.rawValue
        active = s.active
        attributes = String(decoding: (try? JSONEncoder().encode(s.attributes)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

/// An Open311 `api_key`: only its SHA-256 is stored; the key is printed once when issued.
final class Open311KeyRecord: Model, @unchecked Sendable {
    static let schema = "open311_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// The division the key files requests in (and bounds `jurisdiction_id` to).
    @Field(key: "division_code") var divisionCode: String
    @Field(key: "key_hash") var keyHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}
}

/// The Open311 tables: services and keys.
struct CreateOpen311: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Open311ServiceRecord.schema)
            .field("code", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("group_name", .string, .required)
            .field("keywords", .string, .required)
            .field("kind", .string, .required)
            .field("active", .bool, .required)
            .field("attributes", .string, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(Open311KeyRecord.schema)
            .id()
            .field("name", .string, .required)
            .field("division_code", .string, .required, .references("divisions", "code"))
            .field("key_hash", .string, .required)
            .field("created_at", .datetime)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "name")
            .unique(on: "key_hash")
            .create()
        // GET requests.json: online cases by received date.
        try await database.sql.create(index: "cases_source_received").on(CaseRecord.schema).column("source").column("received_on").run()
        try await database.sql.create(index: "cases_source_number").on(CaseRecord.schema).column("source").column("number").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Open311KeyRecord.schema).delete()
        try await database.schema(Open311ServiceRecord.schema).delete()
    }
}
