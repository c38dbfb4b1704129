import Fluent
import Foundation
import TongguanDomain

/// Recent failed logins per throttle key: an account name from one client address, or one
/// client address across names (`LoginThrottle.accountFromAddress` / `.address`).
final class LoginThrottleRecord: Model, @unchecked Sendable {
    static let schema = "login_limits"

    // managed fields

    /// `account:<name>@<address>` or `address:<address>`.
    @ID(custom: "key", generatedBy: .user)
    var id: String?

    // references

    /// The account name for per-account keys, so an admin can unlock a name everywhere.
    @OptionalField(key: "username")
    var username: String?

    // data

    /// Unix times of recent failures in milliseconds, comma-separated.
    @Field(key: "failures")
    var failures: String

    @OptionalField(key: "locked_until")
    var lockedUntil: Date?

    init() {}

    init(key: String, username: String?) {
        self.id = key
        self.username = username
        self.failures = ""
    }

    var state: LoginThrottle.State {
        get {
            let times = failures.split(separator: ",").compactMap { Int64($0) }.map { Date(timeIntervalSince1970: Double($0) / 1000) }
            return .init(failures: times, lockedUntil: lockedUntil)
        }
        set {
            failures = newValue.failures.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) }.joined(separator: ",")
            lockedUntil = newValue.lockedUntil
        }
    }
}

extension LoginThrottleRecord {
    static func accountKey(_ username: String, address: String) -> String { "account:\(username)@\(address)" }
    static func addressKey(_ address: String) -> String { "address:\(address)" }
}

struct CreateLoginThrottles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_throttles")
            .field("username", .string, .identifier(auto: false))
            .field("failures", .string, .required)
            .field("locked_until", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_throttles").delete()
    }
}

/// Throttling moved from per-name to per (name, address) and per address: the old rows are
/// transient lock state, so the table is replaced rather than converted.
struct ReplaceLoginThrottles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_throttles").delete()
        try await database.schema(LoginThrottleRecord.schema)
            .field("key", .string, .identifier(auto: false))
            .field("username", .string)
            .field("failures", .string, .required)
            .field("locked_until", .datetime)
            .create()
        try await database.sql.create(index: "login_limits_username").on(LoginThrottleRecord.schema).column("username").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginThrottleRecord.schema).delete()
        try await CreateLoginThrottles().prepare(on: database)
    }
}
