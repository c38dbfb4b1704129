import ConsoleKit
import Fluent
import Foundation
import SQLKit
import Vapor

/// `tongguan backup PATH`: a consistent copy while the server keeps running.
/// SQLite: `VACUUM INTO`, which reads one snapshot. PostgreSQL: pg_dump (see README).
struct BackupCommand: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "备份文件路径(不得已存在)")
        var path: String
    }

    var help: String { "在服务运行时生成一致的数据库备份" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let path = signature.path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(message: "备份文件已存在:\(path)", exitCode: 2)
        }
        switch app.tongguan.settings.database {
        case .sqlite:
            try await app.db.sql.raw("VACUUM INTO \(bind: path)").run()
        case .postgres(let url, _):
            try Self.pgDump(url: url, path: path)
        }
        context.console.print("已备份到 \(path)")
    }

    static func pgDump(url: String, path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pg_dump", "--format=custom", "--file", path, "--dbname", url]
        do { try process.run() } catch {
            throw CommandFailure(message: "找不到 pg_dump:请安装 PostgreSQL 客户端后重试")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(message: "pg_dump 失败(退出码 \(process.terminationStatus))")
        }
    }
}
