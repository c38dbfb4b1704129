import Fluent
import Foundation

/// 承办单位: a body cases are routed to (a county bureau, a township government…).
final class CaseUnit: Model, Versioned, @unchecked Sendable {
    static let schema = "case_units"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    @Field(key: "division_code")
    var divisionCode: String

    @Field(key: "name")
    var name: String

    /// An inactive unit keeps its cases but is offered no new ones.
    @Field(key: "active")
    var active: Bool

    init() {}

    init(name: String, divisionCode: String, active: Bool = true) {
        self.name = name
        self.divisionCode = divisionCode
        self.active = active
        self.version = 1
    }
}

/// A user's unit: the link that makes them a handler of the unit's cases. A user belongs to
/// at most one unit; the platform's user record is not touched.
final class CaseUnitMember: Model, @unchecked Sendable {
    static let schema = "case_unit_members"

    @ID(custom: "user_id", generatedBy: .user)
    var id: UUID?

    @Field(key: "unit_id")
    var unitID: UUID

    init() {}

    init(userID: UUID, unitID: UUID) {
        self.id = userID
        self.unitID = unitID
    }
}

/// 领导: a leader who may personally own cases (包案), optionally with a user account.
final class CaseLeader: Model, Versioned, @unchecked Sendable {
    static let schema = "case_leaders"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Field(key: "version")
    var version: Int

    @Field(key: "division_code")
    var divisionCode: String

    @Field(key: "name")
    var name: String

    /// 职务, e.g. 市委常委、副市长.
    @Field(key: "title")
    var title: String

    @OptionalField(key: "user_id")
    var userID: UUID?

    init() {}

    init(name: String, title: String, divisionCode: String, userID: UUID?) {
        self.name = name
        self.title = title
        self.divisionCode = divisionCode
        self.userID = userID
        self.version = 1
    }
}
