import Fluent
import Foundation
import TongguanDomain

/// One indicator on a division's dashboard, in the order an administrator chose, with the
/// kind of period its tile shows (months, quarters, half-years or years).
final class DashboardItemRecord: Model, @unchecked Sendable {
    static let schema = "dashboard_items"

    @ID(key: .id)
    var id: UUID?

    @Field(key: "division_code")
    var divisionCode: String

    @Parent(key: "indicator_id")
    var indicator: IndicatorRecord

    @Field(key: "position")
    var position: Int

    @Field(key: "period_kind")
    var periodKind: String

    init() {}

    init(divisionCode: String, indicatorID: UUID, position: Int, periodKind: Period.Kind) {
        self.divisionCode = divisionCode
        self.$indicator.id = indicatorID
        self.position = position
        self.periodKind = periodKind.rawValue
    }
}

struct CreateDashboardItems: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DashboardItemRecord.schema)
            .id()
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("indicator_id", .uuid, .required, .references(IndicatorRecord.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("period_kind", .string, .required)
            .unique(on: "division_code", "indicator_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DashboardItemRecord.schema).delete()
    }
}
