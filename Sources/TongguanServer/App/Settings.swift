import Foundation
import TongguanDomain

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
    /// Proxies whose `X-Forwarded-For` names the client; without one, the socket's peer is
    /// the client (a header anyone can send never decides whom a lockout hits).
    public var trustedProxies: [IPAddressRange] = []
    /// When set, `/metrics` answers only requests bearing it; else only loopback clients.
    public var metricsToken: String?

    public init(
        database: DatabaseTarget, adminPassword: String? = nil, tls: Bool = false,
        tokenLifetime: TimeInterval = 12 * 3600, sessionLifetime: TimeInterval = 12 * 3600,
        bcryptCost: Int = 12, jsonLogs: Bool = false, maxBodySize: String = "1mb"
    ) {
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

    /// Every variable is checked before anything starts; a bad one stops every command with
    /// a message naming it (all bad ones at once), never a silent default.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(SettingsError) -> Settings {
        var reader = EnvironmentReader(env)
        let database: DatabaseTarget
        if let url = reader.text("DATABASE_URL") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                database = .postgres(url: url, schema: nil)
            } else {
                reader.problem("DATABASE_URL", "应以 postgres:// 开头(例如 postgres://用户:密码@主机:5432/库名?sslmode=disable)")
                database = .sqlite(path: "./tongguan.sqlite")
            }
        } else {
            database = .sqlite(path: reader.text("TONGGUAN_DB") ?? "./tongguan.sqlite")
        }
        var settings = Settings(
            database: database,
            adminPassword: reader.text("TONGGUAN_ADMIN_PASSWORD", trim: false),
            tls: reader.flag("TONGGUAN_TLS"),
            tokenLifetime: reader.hours("TONGGUAN_TOKEN_HOURS", default: 12),
            sessionLifetime: reader.hours("TONGGUAN_SESSION_HOURS", default: 12),
            bcryptCost: reader.integer("TONGGUAN_BCRYPT_COST", in: 4...31, default: 12),
            jsonLogs: reader.choice("TONGGUAN_LOG_FORMAT", ["text", "json"], default: "text") == "json",
            maxBodySize: reader.byteCount("TONGGUAN_MAX_BODY", default: "1mb"))
        settings.poolSize = reader.integer("TONGGUAN_DB_POOL", in: 1...64, default: 4)
        settings.trustedProxies = reader.addressRanges("TONGGUAN_TRUSTED_PROXIES")
        settings.metricsToken = reader.text("TONGGUAN_METRICS_TOKEN")
        if let token = settings.metricsToken, token.count < 16 {
            reader.problem("TONGGUAN_METRICS_TOKEN", "至少16个字符")
        }
        _ = reader.choice("LOG_LEVEL", ["trace", "debug", "info", "notice", "warning", "error", "critical"], default: "info")
        try reader.finish()
        return settings
    }
}

/// The settings that are wrong, each naming its variable.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var problems: [(variable: String, message: String)]
    public var description: String {
        "配置有误,未启动:\n" + problems.map { "  \($0.variable):\($0.message)" }.joined(separator: "\n")
    }
}
