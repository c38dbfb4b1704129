import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

extension Application {
    func useDatabase(_ target: Settings.DatabaseTarget, poolSize: Int) throws {
        switch target {
        case .sqlite(let path):
            // SQLite gets one connection per event loop, so a request waits for the one a
            // long import holds; as long as writers wait for the write turn (60 s), not 10.
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(60)), as: .sqlite)
        case .postgres(let url, let schema):
            var config = try SQLPostgresConfiguration(url: url)
            if let schema { config.searchPath = [schema] }
            databases.use(
                .postgres(
                    configuration: config, maxConnectionsPerEventLoop: poolSize,
                    connectionPoolTimeout: .seconds(60)), as: .psql)
        }
    }

    /// WAL lets readers run while one writer commits, and lets the CLI work beside a running
    /// server. The mode is stored in the file, so setting it once at start is enough.
    func prepareDatabase() async throws {
        guard let sql = db as? any SQLDatabase, sql.isSQLite else { return }
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
    }
}

extension SQLDatabase {
    var isSQLite: Bool { dialect.name == "sqlite" }

    /// SQLite's default page cache is 2 MiB per connection; reports over 100,000 projects
    /// and large imports spill it constantly. The setting is per connection and costs
    /// nothing to repeat, so the code paths that need it set it before they run.
    /// Writes get 16 MiB (enough that a 100,000-row import rarely spills, small enough to
    /// keep its memory bounded); reports that scan every milestone get 64 MiB.
    func tuneSQLiteCache(kibibytes: Int = 16384) async throws {
        guard isSQLite else { return }
        try await raw("PRAGMA cache_size = \(literal: -kibibytes)").run()
        // Statement journals of multi-row INSERTs stay in memory instead of a temp file.
        try await raw("PRAGMA temp_store = MEMORY").run()
    }
}

extension Database {
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            fatalError("Tongguan runs on SQL databases only (SQLite or PostgreSQL)")
        }
        return sql
    }
}
