import Foundation

/// Everything the operator can set, read once from the environment (README lists each).
public struct Settings: Sendable {
    public enum DatabaseTarget: Sendable, Equatable {
        case sqlite(path: String)
        /// `schema` isolates parallel test runs in one PostgreSQL database.
        case postgres(url: String, schema: String?)
    }

    public var database: DatabaseTarget
    public var adminPassword: String?
    /// Marks the session cookie `Secure`; also set per request by `X-Forwarded-Proto: https`.
    public var tls: Bool
    public var tokenLifetime: TimeInterval
    public var sessionLifetime: TimeInterval
    public var bcryptCost: Int
    public var jsonLogs: Bool
    /// Upper bound on a JSON body; larger ones answer 413.
    public var maxBodySize: String
    /// PostgreSQL connections per event loop (SQLite always uses one).
    public var poolSize: Int = 4

    public init(database: DatabaseTarget, adminPassword: String? = nil, tls: Bool = false,
                tokenLifetime: TimeInterval = 12 * 3600, sessionLifetime: TimeInterval = 12 * 3600,
                bcryptCost: Int = 12, jsonLogs: Bool = false, maxBodySize: String = "1mb") {
        self.database = database
        self.adminPassword = adminPassword
        self.tls = tls
        self.tokenLifetime = tokenLifetime
        self.sessionLifetime = sessionLifetime
        self.bcryptCost = bcryptCost
        self.jsonLogs = jsonLogs
        self.maxBodySize = maxBodySize
    }

    func with(_ change: (inout Settings) -> Void) -> Settings {
        var copy = self
        change(&copy)
        return copy
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Settings {
        let database: DatabaseTarget
        if let url = env["DATABASE_URL"], url.hasPrefix("postgres") {
            database = .postgres(url: url, schema: nil)
        } else {
            database = .sqlite(path: env["TONGGUAN_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./tongguan.sqlite")
        }
        let hours = { (key: String) in Double(env[key] ?? "").map { $0 * 3600 } }
        return Settings(
            database: database,
            adminPassword: env["TONGGUAN_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            tls: env["TONGGUAN_TLS"] == "1",
            tokenLifetime: hours("TONGGUAN_TOKEN_HOURS") ?? 12 * 3600,
            sessionLifetime: hours("TONGGUAN_SESSION_HOURS") ?? 12 * 3600,
            bcryptCost: Int(env["TONGGUAN_BCRYPT_COST"] ?? "").map { min(max($0, 4), 31) } ?? 12,
            jsonLogs: env["TONGGUAN_LOG_FORMAT"] == "json",
            maxBodySize: env["TONGGUAN_MAX_BODY"].flatMap { $0.isEmpty ? nil : $0 } ?? "1mb"
        ).with { $0.poolSize = Int(env["TONGGUAN_DB_POOL"] ?? "").map { min(max($0, 1), 64) } ?? 4 }
    }
}
