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
    /// Where the key that protects personal data comes from (`TONGGUAN_DATA_KEY`).
    public var dataKey: DataKeySource = .temporary
    /// `TONGGUAN_DATA_KEY_NEW`: during a key rotation, the key values are re-sealed under.
    public var newDataKey: SecretText?
    /// `TONGGUAN_BASE_URL`: the address printed in QR codes (`https://host[:port][/path]`,
    /// no trailing slash); nil derives it from each request's Host.
    public var baseURL: String?

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
        if let raw = reader.text("TONGGUAN_DATA_KEY") {
            do {
                _ = try DataKey(base64: raw)
                settings.dataKey = .environment(SecretText(raw))
            } catch { reader.problem("TONGGUAN_DATA_KEY", error.message) }
        } else {
            switch database {
            case .sqlite(let path): settings.dataKey = .file(path: path + ".key")
            case .postgres:
                reader.problem(
                    "TONGGUAN_DATA_KEY", "使用 PostgreSQL 时必须设置:32字节随机数的 base64(可用 openssl rand -base64 32 生成),并与数据库分开保存")
            }
        }
        if let raw = reader.text("TONGGUAN_DATA_KEY_NEW") {
            do {
                _ = try DataKey(base64: raw)
                settings.newDataKey = SecretText(raw)
            } catch { reader.problem("TONGGUAN_DATA_KEY_NEW", error.message) }
        }
        settings.baseURL = reader.baseURL("TONGGUAN_BASE_URL")
        _ = reader.choice("LOG_LEVEL", ["trace", "debug", "info", "notice", "warning", "error", "critical"], default: "info")
        try reader.finish()
        return settings
    }
}

/// Where the data key comes from. Its value is never printed or logged.
public enum DataKeySource: Sendable, Equatable {
    /// `TONGGUAN_DATA_KEY`.
    case environment(SecretText)
    /// SQLite without the variable: a key file beside the database, made on first start.
    case file(path: String)
    /// Settings built in code without a key (tests): a random key for this process only.
    case temporary
}

/// A secret read from the environment: its description is masked, so printing the settings
/// (or an error that holds them) never shows it.
public struct SecretText: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "******" }
    public var debugDescription: String { "******" }
}

/// The settings that are wrong, each naming its variable.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var problems: [(variable: String, message: String)]
    public var description: String {
        "配置有误,未启动:\n" + problems.map { "  \($0.variable):\($0.message)" }.joined(separator: "\n")
    }
}
