import Fluent
import Foundation
import NIOHTTP1
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// Which database the suite runs on: a temporary SQLite file per test by default, or, when
/// `TONGGUAN_TEST_DATABASE_URL` is set, a fresh PostgreSQL schema per test (so tests run in
/// parallel without seeing each other).
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TONGGUAN_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isPostgres: Bool { postgresURL != nil }
}

/// Bounds how many applications exist at once, so parallel tests stay within PostgreSQL's
/// connection limit and the machine's two cores.
actor AppSlots {
    static let shared = AppSlots(limit: 4)
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// A migrated, seeded application with helpers for calling its API as different users.
struct TestApp {
    static let adminPassword = "Admin-Pass-123"
    static let password = "Test-Pass-123"

    let app: Application
    let target: Settings.DatabaseTarget

    /// Runs `body` with a fresh application on a fresh database, torn down afterwards.
    static func with<T>(
        configure: (inout Settings) -> Void = { _ in },
        database: Settings.DatabaseTarget? = nil,
        _ body: (TestApp) async throws -> T
    ) async throws -> T {
        await AppSlots.shared.acquire()
        let target = database ?? makeTarget()
        do {
            let result = try await run(target: target, configure: configure, body)
            await cleanUp(target)
            await AppSlots.shared.release()
            return result
        } catch {
            await cleanUp(target)
            await AppSlots.shared.release()
            throw error
        }
    }

    /// Two apps over one database, one after the other (a server restart).
    static func run<T>(
        target: Settings.DatabaseTarget, configure: (inout Settings) -> Void = { _ in },
        _ body: (TestApp) async throws -> T
    ) async throws -> T {
        let app = try await Application.make(.testing)
        app.logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        var settings = Settings(database: target, adminPassword: adminPassword, bcryptCost: 4)
        settings.poolSize = 2
        configure(&settings)
        do {
            try await TongguanServer.configure(app, settings: settings)
            if case .postgres(_, let schema?) = target {
                try await app.db.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
            }
            _ = try await prepare(app)
            let result = try await body(TestApp(app: app, target: target))
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func makeTarget() -> Settings.DatabaseTarget {
        if let url = TestDatabase.postgresURL {
            return .postgres(url: url, schema: "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))
        }
        return .sqlite(path: NSTemporaryDirectory() + "tongguan-test-\(UUID().uuidString).sqlite")
    }

    static func cleanUp(_ target: Settings.DatabaseTarget) async {
        switch target {
        case .sqlite(let path):
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        case .postgres(let url, let schema?):
            do {
                let app = try await Application.make(.testing)
                app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 1), as: .psql)
                try? await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
                try await app.asyncShutdown()
            } catch {}
        case .postgres(_, nil):
            break
        }
    }

    var db: any Database { app.db }
    var sql: any SQLDatabase { app.db.sql }

    // MARK: users and tokens

    @discardableResult
    func createUser(_ username: String, role: Role, division: String, password: String = TestApp.password) async throws -> User {
        try await UserService.create(
            NewUser(username: username, password: password, role: role, division: DivisionCode(division)!),
            actor: AuditActor(name: "test", requestID: "test", clientAddress: "local"),
            on: db, passwords: app.tongguan.passwords)
    }

    func token(_ username: String, password: String = TestApp.password) async throws -> String {
        let res = try await request(.POST, "/api/v1/auth/token", json: ["username": username, "password": password])
        try #require(res.status == .ok, "login of \(username) failed: \(res.status) \(res.body.string)")
        return try res.json()["token"] as? String ?? ""
    }

    func adminToken() async throws -> String { try await token("admin", password: TestApp.adminPassword) }

    // MARK: requests

    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil,
        raw: String? = nil, headers extra: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        var headers = extra
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var body: ByteBuffer? = nil
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
            if headers.contentType == nil { headers.contentType = .json }
        } else if let raw {
            body = ByteBuffer(string: raw)
            if headers.contentType == nil { headers.contentType = .json }
        }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }
}

extension TestingHTTPResponse {
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return try #require(object as? [String: Any], "not a JSON object: \(body.string)")
    }

    var isProblem: Bool { headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true }

    /// The fields named by a problem's `errors`.
    func problemFields() throws -> [String] {
        let errors = try json()["errors"] as? [[String: Any]] ?? []
        return errors.compactMap { $0["field"] as? String }
    }
}
