import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// A peer group (汾渭平原 of the 2018 plan): cities compared with each other. Members need not
/// be in the division tree; each has a name and a code.
final class PeerGroupRecord: Model, @unchecked Sendable {
    static let schema = "peer_groups"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    /// Who may see the group: the division, below it, and (as for rounds) nothing else.
    @Field(key: "division_code")
    var divisionCode: String

    @Field(key: "name")
    var name: String

    /// The year of the plan that defines the list.
    @Field(key: "year")
    var year: Int

    @Children(for: \.$group)
    var members: [PeerMemberRecord]

    init() {}

    init(name: String, year: Int, divisionCode: String) {
        self.name = name
        self.year = year
        self.divisionCode = divisionCode
    }

    /// The domain form, members in their listed order.
    func group(members: [PeerMemberRecord]) -> PeerGroup {
        PeerGroup(name: name, year: year, members: members.sorted { $0.position < $1.position }.map { PeerMember(name: $0.name, code: $0.code) })
    }
}

final class PeerMemberRecord: Model, @unchecked Sendable {
    static let schema = "peer_members"

    @ID(key: .id)
    var id: UUID?

    @Parent(key: "group_id")
    var group: PeerGroupRecord

    @Field(key: "position")
    var position: Int

    @Field(key: "name")
    var name: String

    @Field(key: "code")
    var code: String

    init() {}

    init(groupID: UUID, position: Int, member: PeerMember) {
        self.$group.id = groupID
        self.position = position
        self.name = member.name
        self.code = member.code
    }
}

/// A value of an indicator for a peer city outside the division tree, entered per period
/// like a manual value. Keyed by the member's code, so one entry serves every group the
/// city belongs to.
final class PeerValueRecord: Model, @unchecked Sendable {
    static let schema = "peer_values"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Parent(key: "indicator_id")
    var indicator: IndicatorRecord

    @Field(key: "member_code")
    var memberCode: String

    @Field(key: "period")
    var period: String

    @Field(key: "value")
    var value: String

    @Field(key: "note")
    var note: String

    @Field(key: "entered_by")
    var enteredBy: String

    init() {}
}

struct CreatePeerGroups: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PeerGroupRecord.schema)
            .id()
            .field("name", .string, .required)
            .field("year", .int, .required)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("created_at", .datetime)
            .unique(on: "name", "year")
            .create()
        try await database.schema(PeerMemberRecord.schema)
            .id()
            .field("group_id", .uuid, .required, .references(PeerGroupRecord.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("code", .string, .required)
            .unique(on: "group_id", "code")
            .create()
        try await database.schema(PeerValueRecord.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(IndicatorRecord.schema, "id", onDelete: .restrict))
            .field("member_code", .string, .required)
            .field("period", .string, .required)
            .field("value", .string, .required)
            .field("note", .string, .required)
            .field("entered_by", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "indicator_id", "member_code", "period")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PeerValueRecord.schema).delete()
        try await database.schema(PeerMemberRecord.schema).delete()
        try await database.schema(PeerGroupRecord.schema).delete()
    }
}
