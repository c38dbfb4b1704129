import Foundation
import TongguanDomain
import Vapor

/// A user as the API shows it; the password hash never leaves the server.
struct UserDTO: Content {
    var id: UUID
    var username: String
    var role: String
    var divisionCode: String
    var disabled: Bool
    var createdAt: Date?

    init(_ user: User) {
        id = user.id ?? UUID()
        username = user.username
        role = user.role.rawValue
        divisionCode = user.divisionCode
        disabled = user.disabled
        createdAt = user.createdAt
    }

    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("username", .string()),
            ("role", .string(values: Role.allCases.map(\.rawValue))),
            ("division_code", .divisionCode), ("disabled", .boolean), ("created_at", .dateTime),
        ], required: ["id", "username", "role", "division_code", "disabled"])

    static let createSchema = JSONSchema.object(
        [
            ("username", .string(description: "小写字母、数字、点、下划线、连字符,2到32位")),
            ("password", .string(description: "至少10位,含字母和数字")),
            ("role", .string(values: Role.allCases.map(\.rawValue))),
            ("division_code", .divisionCode),
        ], required: ["username", "password", "role", "division_code"])

    static let updateSchema = JSONSchema.object(
        [
            ("role", .string(values: Role.allCases.map(\.rawValue))),
            ("division_code", .divisionCode), ("disabled", .boolean),
        ], required: [])

    static let passwordSchema = JSONSchema.object([("password", .string())], required: ["password"])
}

/// The checked content of a new user, from the API or the form.
struct NewUser: Sendable {
    var username: String
    var password: String
    var role: Role
    var division: DivisionCode
}

/// A change to a user's role, scope or status; absent fields stay as they are.
struct UserChange: Sendable {
    var role: Role?
    var division: DivisionCode?
    var disabled: Bool?
}
