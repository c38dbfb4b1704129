import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan import cases FILE --handed-down-by 中央联席办 [--dry-run] [--json]`.
struct ImportCases: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "积案清单:CSV(UTF-8 或 GB18030)或 XLSX 文件")
        var file: String
        @Option(name: "handed-down-by", help: "交办机关,如 中央联席办(必填)")
        var handedDownBy: String?
        @Flag(name: "dry-run", help: "只检查,不写入")
        var dryRun: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入信访积案清单:全部成功或全部不导入,并按行列出错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        guard let by = signature.handedDownBy?.trimmingCharacters(in: .whitespaces), !by.isEmpty else {
            throw CommandFailure(message: "请用 --handed-down-by 指明交办机关(如 中央联席办)", exitCode: 2)
        }
        let app = context.application
        let caller = try await SheetTransfer.rootCaller(app)
        let report = try await CaseImport.run(
            data: try SheetTransfer.readFile(signature.file), options: .init(dryRun: signature.dryRun, handedDownBy: by), scope: caller.scope,
            actor: .cli(), on: app.db)
        try SheetTransfer.finish(report, json: signature.json, progress: .forConsole(), context: context)
    }
}
