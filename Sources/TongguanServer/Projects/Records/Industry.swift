import Fluent
import Foundation

/// The configurable list of industries (产业类别), seeded with the article's.
final class Industry: Model, @unchecked Sendable {
    static let schema = "industries"

    @ID(custom: "name", generatedBy: .user)
    var id: String?

    @Field(key: "position")
    var position: Int

    init() {}

    init(name: String, position: Int) {
        self.id = name
        self.position = position
    }

    static let seed = ["铝镁新材料", "大数据", "文化旅游", "白酒", "节能环保", "新能源", "煤化工", "现代农业", "其他"]

    static func names(on db: any Database) async throws -> [String] {
        try await Industry.query(on: db).sort(\.$position).all().compactMap(\.id)
    }
}

struct CreateIndustries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Industry.schema)
            .field("name", .string, .identifier(auto: false))
            .field("position", .int, .required)
            .create()
        for (i, name) in Industry.seed.enumerated() {
            try await Industry(name: name, position: i).create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Industry.schema).delete()
    }
}
