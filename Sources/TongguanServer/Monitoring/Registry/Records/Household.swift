import Fluent
import Foundation
import TongguanDomain

/// 农户: one household of the registry under its 一户一码 code. Never deleted: closed with a
/// reason. Its members are `Member` rows (present and left).
final class Household: Model, Versioned, @unchecked Sendable {
    static let schema = "households"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    /// Bumped on every change to the household or any of its members; the ETag.
    @Field(key: "version")
    var version: Int

    // references

    /// The village the household lives in now (the code may name the one it was issued in).
    @Field(key: "division_code")
    var divisionCode: String

    // data

    /// 17 characters, assigned once (`HouseholdCode`), unique, never reused.
    @Field(key: "household_code")
    var code: String

    @OptionalField(key: "address")
    var address: String?

    @OptionalField(key: "phone")
    var phone: String?

    /// `HouseholdStatus` raw value.
    @Field(key: "status")
    var status: String

    /// `HouseholdCloseReason` raw value, with `closedOn`, when closed.
    @OptionalField(key: "close_reason")
    var closeReason: String?

    /// `YYYY-MM-DD`.
    @OptionalField(key: "closed_on")
    var closedOn: String?

    init() {}

    init(code: HouseholdCode, divisionCode: DivisionCode, address: String?, phone: String?) {
        self.code = code.rawValue
        self.divisionCode = divisionCode.rawValue
        self.address = address
        self.phone = phone
        self.status = HouseholdStatus.active.rawValue
        self.version = 1
    }

    var householdCode: HouseholdCode { HouseholdCode(code)! }
    var division: DivisionCode { DivisionCode(divisionCode)! }
    var isActive: Bool { status == HouseholdStatus.active.rawValue }

    var closure: HouseholdClosure? {
        guard let reason = closeReason.flatMap(HouseholdCloseReason.init(rawValue:)), let date = closedOn.flatMap(CivilDate.init(iso:))
        else { return nil }
        return HouseholdClosure(reason: reason, date: date)
    }
}
