import ConsoleKit
import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TongguanDomain
import Vapor

/// The `tongguan` executable: Vapor's `serve` plus the operator commands.
///
/// Settings are checked before anything else; `--help`, `--version` and argument errors
/// never open the database (each command migrates only once its arguments have parsed).
public enum TongguanMain {
    public static let version = "0.4.0"

    /// For `serve` (the default command), Swift concurrency's jobs run on NIO's event loops,
    /// so a request's awaits on the database do not hop between two sets of threads: at
    /// 1,000,000 members, on a settled PostgreSQL database, a lookup's p95 went from 9.3–9.8
    /// to 2.8–5.6 ms (BENCHMARKS.md, 监测 registry). Not for the other commands: a long import
    /// keeps Swift's own pool, on which the member import was a fifth faster. NIO requires the call on the main thread
    /// before any async work, so `main.swift` makes it first.
    public static func prepareConcurrency(arguments: [String] = CommandLine.arguments) {
        guard startsServer(arguments) else { return }
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Whether these arguments run `serve`: named, or no command at all (it is the default).
    /// Vapor's `--env`/`-e` takes a value, wherever it stands, and that value is no command.
    static func startsServer(_ arguments: [String]) -> Bool {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument == "--env" || argument == "-e" {
                _ = rest.popFirst()
            } else if !argument.hasPrefix("-") {
                return argument == "serve"
            }
        }
        return true
    }

    public static func run() async -> Int32 {
        do {
            var env = try Environment.detect()
            if env.arguments.dropFirst().contains("--version") {
                print("tongguan \(version)")
                return 0
            }
            // `serve --demo` is ours, not Vapor's: take it out before Vapor parses arguments.
            let demo = env.arguments.contains("--demo")
            env.arguments.removeAll { $0 == "--demo" }
            let settings = try Settings.fromEnvironment()
            bootstrapLogging(settings, env: &env)
            let app = try await Application.make(env)
            do {
                try await configure(app, settings: settings)
                app.asyncCommands.use(PreparedServe(inner: await app.servers.asyncCommand, demo: demo), as: "serve", isDefault: true)
                app.asyncCommands.use(MigrateCommand(), as: "migrate")
                app.asyncCommands.use(BackupCommand(), as: "backup")
                app.asyncCommands.use(KeyCommands(), as: "keys")
                app.asyncCommands.use(ImportCommands(kinds: Modules.sheets), as: "import")
                app.asyncCommands.use(ExportCommands(kinds: Modules.sheets), as: "export")
                for module in Modules.all {
                    for (name, command) in module.commands { app.asyncCommands.use(command, as: name) }
                }
                try await app.execute()
                // Vapor shuts the providers (Fluent's databases among them) down before the
                // HTTP server, so a request still running at SIGTERM would lose its database.
                // Quiesce the server first: in-flight requests finish (up to its shutdown
                // timeout), then everything else stops.
                await app.server.shutdown()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
            return 0
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            return failure.exitCode
        } catch let settings as SettingsError {
            FileHandle.standardError.write(Data((settings.description + "\n").utf8))
            return 2
        } catch {
            FileHandle.standardError.write(Data("错误:\(error)\n".utf8))
            return 1
        }
    }

    static func bootstrapLogging(_ settings: Settings, env: inout Environment) {
        if settings.jsonLogs {
            let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return QueryValueRedaction(handler)
            }
        } else {
            // Vapor's console logger, with the values bound to queries left out (see QueryValueRedaction).
            try? LoggingSystem.bootstrap(from: &env) { level in
                let console = Terminal()
                return { label in QueryValueRedaction(ConsoleLogger(label: label, console: console, level: level)) }
            }
        }
    }
}

/// Messages for the person at the console, printed once after start-up preparation.
final class ConsoleNotices: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    func add(_ notice: String) { lines.withLockedValue { $0.append(notice) } }
    func drain() -> [String] {
        lines.withLockedValue { l in
            defer { l = [] }; return l
        }
    }
}

private struct ConsoleNoticesKey: StorageKey { typealias Value = ConsoleNotices }

extension Application {
    var consoleNotices: ConsoleNotices {
        if let notices = storage[ConsoleNoticesKey.self] { return notices }
        let notices = ConsoleNotices()
        storage[ConsoleNoticesKey.self] = notices
        return notices
    }
}

/// A command's own failure: its message is for the operator, its exit code for scripts.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1
}

/// Every operator command works on a migrated database, seeded when empty. ConsoleKit calls
/// `run(using:signature:)` only after the arguments parsed, so a typo never creates a file.
protocol PreparedCommand: AsyncCommand {
    func execute(using context: CommandContext, signature: Signature) async throws
}

extension PreparedCommand {
    func run(using context: CommandContext, signature: Signature) async throws {
        try await Startup.prepare(context.application)
        try await execute(using: context, signature: signature)
    }
}

/// Vapor's `serve`, preceded by migration (and the demo data when asked for).
struct PreparedServe: AsyncCommand {
    typealias Signature = ServeCommand.Signature
    let inner: ServeCommand
    var demo: Bool
    var help: String { inner.help }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Startup.prepare(app)
        if demo { try await Startup.loadDemo(app) }
        try await inner.run(using: context, signature: signature)
    }
}

enum Startup {
    /// Migrates, seeds an empty database, and tells the person at the console what they
    /// need: where the data is and, once, the generated admin password.
    static func prepare(_ app: Application) async throws {
        let password = try await TongguanServer.prepare(app)
        if let password {
            app.logger.notice("created user admin with a generated password (shown once on the console)")
            print(
                """

                ================================================================
                 首次启动:已创建管理员账号 admin
                 初始密码(只显示这一次,请立即登录并修改):\(password)
                 数据库:\(app.tongguan.settings.database.displayName)
                ================================================================

                """)
        }
        // What a module needs the person at the console to know once (a key file it made).
        for notice in app.consoleNotices.drain() {
            print(
                "\n================================================================\n" + notice
                    + "\n================================================================\n")
        }
    }

    /// Every module's demo data, in module order (later modules may use earlier ones').
    static func loadDemo(_ app: Application) async throws {
        guard let root = try await Division.root(on: app.db) else { throw CommandFailure(message: "数据库中没有区划") }
        let demo = DemoContext(
            app: app, actor: AuditActor(name: "demo", requestID: "demo", clientAddress: "local"),
            scope: DivisionScope(root.code))
        do {
            for module in Modules.all {
                if let line = try await module.loadDemo(demo) {
                    app.logger.notice("loaded demo data", metadata: ["module": .string(module.name)])
                    print(line)
                }
            }
        } catch let refused as DemoRefused {
            throw CommandFailure(message: refused.message, exitCode: 2)
        }
    }
}

extension Settings.DatabaseTarget {
    /// Where the data lives, for the console; a PostgreSQL URL without its password.
    var displayName: String {
        switch self {
        case .sqlite(let path):
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            return "SQLite " + URL(fileURLWithPath: absolute).standardizedFileURL.path
        case .postgres(let url, _):
            guard var parts = URLComponents(string: url) else { return "PostgreSQL" }
            parts.password = parts.password == nil ? nil : "***"
            return "PostgreSQL " + (parts.string ?? "")
        }
    }
}

struct MigrateCommand: PreparedCommand {
    struct Signature: CommandSignature {}
    var help: String { "应用数据库迁移(启动时也会自动执行)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        context.console.print("数据库已迁移到最新结构")
    }
}
