import ConsoleKit
import Foundation
import Vapor

struct DivisionCommands: AsyncCommandGroup {
    var help: String { "区划" }
    var commands: [String: any AnyAsyncCommand] { ["import": ImportDivisions()] }
}

/// `tongguan divisions import FILE [--dry-run] [--json]`: the statistics bureau's list (or
/// `code,name`) as CSV or XLSX; all rows or none, with renames and possible merges reported.
struct ImportDivisions: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV(UTF-8 或 GB18030)或 XLSX 文件,列为 code,name 或 区划代码,名称")
        var file: String
        @Flag(name: "dry-run", help: "只检查并报告将有的变化,不写入")
        var dryRun: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入区划名单(可到村级):全部成功或全部不导入,报告新增、改名和疑似合并" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caller = try await SheetTransfer.rootCaller(app)
        let progress = Progress.forConsole()
        let report = try await DivisionImport.run(
            data: try SheetTransfer.readFile(signature.file), options: .init(dryRun: signature.dryRun),
            scope: caller.scope, actor: .cli(), on: app.db, progress: progress)
        try SheetTransfer.finish(report, json: signature.json, progress: progress, context: context)
    }
}
