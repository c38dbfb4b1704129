import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

extension Application {
    func useDatabase(_ target: Settings.DatabaseTarget, poolSize: Int) throws {
        switch target {
        case .sqlite(let path):
            databases.use(.sqlite(.file(path)), as: .sqlite)
        case .postgres(let url, let schema):
            var config = try SQLPostgresConfiguration(url: url)
            if let schema { config.searchPath = [schema] }
            databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: poolSize), as: .psql)
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
}

extension Database {
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            fatalError("Tongguan runs on SQL databases only (SQLite or PostgreSQL)")
        }
        return sql
    }
}
