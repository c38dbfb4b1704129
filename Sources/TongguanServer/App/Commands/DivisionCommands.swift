import ConsoleKit
import Foundation
import Vapor

struct DivisionCommands: AsyncCommandGroup {
    var help: String { "区划" }
    var commands: [String: any AnyAsyncCommand] { ["import": ImportDivisions()] }
}

/// `tongguan divisions import FILE.csv` with columns `code,name`: all rows or none.
struct ImportDivisions: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV 文件,列为 code,name")
        var file: String
    }

    var help: String { "从 CSV 导入区划(全部成功或全部不导入)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            throw CommandFailure(message: "无法读取文件:\(signature.file)", exitCode: 2)
        }
        let app = context.application
        let result = try await DivisionImport.run(data: data, actor: .cli(), on: app.db)
        switch result {
        case .applied(let created, let renamed, let unchanged):
            context.console.print("导入完成:新增 \(created) 个,改名 \(renamed) 个,未变 \(unchanged) 个")
        case .rejected(let problems):
            let lines = problems.map(\.text).joined(separator: "\n")
            throw CommandFailure(message: "未导入任何数据,共 \(problems.count) 处错误:\n\(lines)", exitCode: 2)
        }
    }
}
