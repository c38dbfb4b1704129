import Fluent
import Foundation
import Leaf
import LeafKit
import Vapor

/// Sets up an application: database, migrations, middleware, views and routes.
/// The executable and every test go through here, so tests exercise the real wiring.
public func configure(_ app: Application, settings: Settings) async throws {
    TongguanMetrics.bootstrap()
    app.tongguan = TongguanState(
        settings: settings,
        passwords: try PasswordHasher(cost: settings.bcryptCost, threadPool: app.threadPool))
    try app.useDatabase(settings.database, poolSize: settings.poolSize)
    app.migrations.add(Migrations.all)
    // Each migration's line is for whoever debugs; the console keeps to what a person needs.
    app.fluent.migrationLogLevel = .debug
    app.sessions.use(.fluent)
    app.sessions.configuration = SessionCookie.configuration(secure: settings.tls)
    app.routes.defaultMaxBodySize = ByteCount(stringLiteral: settings.maxBodySize)
    // On SIGTERM in-flight requests get this long to finish (a large import takes seconds).
    app.http.server.configuration.shutdownTimeout = .seconds(60)

    let resources = Resources.directory
    app.directory.viewsDirectory = resources + "Views/"
    app.directory.publicDirectory = resources + "Public/"
    app.leaf.cache.isEnabled = app.environment.isRelease
    // The resource bundle sits under `.build` during development; Leaf's default refuses
    // paths with hidden folders, so allow them while keeping the sandbox.
    app.leaf.sources = .singleSource(
        NIOLeafFiles(
            fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
            sandboxDirectory: resources + "Views/", viewDirectory: resources + "Views/"))
    app.views.use(.leaf)

    ContentConfiguration.global.use(encoder: JSONEncoder.api, for: .json)
    ContentConfiguration.global.use(decoder: JSONDecoder.api, for: .json)

    app.middleware = Middlewares()
    app.middleware.use(RequestContextMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(StaticAssetsMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(SecureCookieMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(SessionAuthMiddleware())

    try routes(app)
}

/// Migrates and, on an empty database, seeds the city and the first admin.
/// Returns the generated admin password when one was made (to print once).
public func prepare(_ app: Application) async throws -> String? {
    try await app.prepareDatabase()
    try await app.autoMigrate()
    return try await Seeding.seedIfEmpty(app)
}

enum Resources {
    /// Views and assets ship inside the package's resource bundle, so the binary runs from
    /// any working directory.
    static var directory: String {
        let url = Bundle.module.url(forResource: "Resources", withExtension: nil) ?? Bundle.module.bundleURL.appendingPathComponent("Resources")
        return url.path.hasSuffix("/") ? url.path : url.path + "/"
    }
}
