import Fluent
import Foundation
import TongguanDomain

/// Recent failed logins per (lower-cased) account name, existing or not.
final class LoginThrottleRecord: Model, @unchecked Sendable {
    static let schema = "login_throttles"

    @ID(custom: "username", generatedBy: .user)
    var id: String?

    /// Unix times of recent failures, comma-separated.
    @Field(key: "failures")
    var failures: String

    @OptionalField(key: "locked_until")
    var lockedUntil: Date?

    init() {}

    init(username: String) {
        self.id = username
        self.failures = ""
    }

    var state: LoginThrottle.State {
        get {
            let times = failures.split(separator: ",").compactMap { Double($0) }.map { Date(timeIntervalSince1970: $0) }
            return .init(failures: times, lockedUntil: lockedUntil)
        }
        set {
            failures = newValue.failures.map { String(format: "%.3f", $0.timeIntervalSince1970) }.joined(separator: ",")
            lockedUntil = newValue.lockedUntil
        }
    }
}

struct CreateLoginThrottles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginThrottleRecord.schema)
            .field("username", .string, .identifier(auto: false))
            .field("failures", .string, .required)
            .field("locked_until", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginThrottleRecord.schema).delete()
    }
}
