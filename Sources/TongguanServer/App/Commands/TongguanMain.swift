import ConsoleKit
import Fluent
import Foundation
import Logging
import Vapor

/// The `tongguan` executable: Vapor's `serve` plus the operator commands.
public enum TongguanMain {
    public static func run() async -> Int32 {
        do {
            var env = try Environment.detect()
            // `serve --demo` is ours, not Vapor's: take it out before Vapor parses arguments.
            let demo = env.arguments.contains("--demo")
            env.arguments.removeAll { $0 == "--demo" }
            let settings = Settings.fromEnvironment()
            if settings.jsonLogs {
                let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
                LoggingSystem.bootstrap { label in
                    var handler = JSONLogHandler(label: label)
                    handler.logLevel = level
                    return handler
                }
            } else {
                try LoggingSystem.bootstrap(from: &env)
            }
            let app = try await Application.make(env)
            do {
                try await configure(app, settings: settings)
                app.lifecycle.use(PrepareOnBoot(demo: demo))
                app.asyncCommands.use(MigrateCommand(), as: "migrate")
                app.asyncCommands.use(UserCommands(), as: "user")
                app.asyncCommands.use(AuditCommands(), as: "audit")
                app.asyncCommands.use(BackupCommand(), as: "backup")
                app.asyncCommands.use(DivisionCommands(), as: "divisions")
                app.asyncCommands.use(ImportCommands(), as: "import")
                app.asyncCommands.use(ExportCommands(), as: "export")
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
        } catch {
            FileHandle.standardError.write(Data("错误:\(error)\n".utf8))
            return 1
        }
    }
}

/// A command's own failure: its message is for the operator, its exit code for scripts.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1
}

/// Every command works on a migrated database, seeded when empty.
struct PrepareOnBoot: LifecycleHandler {
    var demo = false

    func willBootAsync(_ app: Application) async throws {
        try await prepareAndGreet(app)
        if demo {
            do {
                let count = try await DemoData.load(on: app.db)
                app.logger.notice("loaded the demo dataset", metadata: ["projects": .stringConvertible(count)])
                print("已载入演示数据:\(count)个项目,打开 /projects 查看;2021年第三次活动的汇总在「批次报告」中。")
            } catch let refused as DemoData.Refused {
                throw CommandFailure(message: refused.message, exitCode: 2)
            }
        }
    }

    private func prepareAndGreet(_ app: Application) async throws {
        if let password = try await prepare(app) {
            app.logger.notice("created user admin with a generated password (shown once on the console)")
            print("""

            ================================================================
             首次启动:已创建管理员账号 admin
             初始密码(只显示这一次,请立即登录并修改):\(password)
            ================================================================

            """)
        }
    }
}

extension CommandContext {
    var app: Application {
        get throws {
            guard let app = application as Application? else { throw CommandFailure(message: "no application") }
            return app
        }
    }
}

struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "应用数据库迁移(启动时也会自动执行)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        // PrepareOnBoot has already migrated by the time a command runs.
        context.console.print("数据库已迁移到最新结构")
    }
}
