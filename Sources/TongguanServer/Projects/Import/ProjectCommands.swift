import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan import projects FILE [--dry-run] [--create-rounds] [--json]`.
struct ImportProjects: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV(UTF-8 或 GB18030)或 XLSX 文件")
        var file: String
        @Flag(name: "dry-run", help: "只检查,不写入")
        var dryRun: Bool
        @Flag(name: "create-rounds", help: "自动新建表中出现的未知活动批次")
        var createRounds: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入项目表:全部成功或全部不导入,并列出错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caller = try await SheetTransfer.rootCaller(app)
        let progress = Progress.forConsole()
        let report = try await ProjectImport.run(
            data: try SheetTransfer.readFile(signature.file),
            options: .init(dryRun: signature.dryRun, createRounds: signature.createRounds),
            scope: caller.scope, actor: .cli(), on: app.db, progress: progress)
        try SheetTransfer.finish(report, json: signature.json, progress: progress, context: context)
    }
}

/// `tongguan export projects --format csv|xlsx [--output FILE] [--encoding gb18030] [filters]`.
struct ExportProjects: PreparedCommand {
    struct Signature: CommandSignature {
        @Option(name: "format", help: "csv(默认)或 xlsx")
        var format: String?
        @Option(name: "output", help: "输出文件(默认标准输出)")
        var output: String?
        @Option(name: "encoding", help: "CSV 编码:utf8(默认)或 gb18030")
        var encoding: String?
        @Option(name: "division", help: "区划代码")
        var division: String?
        @Option(name: "industry", help: "产业类别")
        var industry: String?
        @Option(name: "stage", help: "最远阶段:signed、started、producing")
        var stage: String?
        @Option(name: "round", help: "活动批次名称")
        var round: String?
    }

    var help: String { "导出项目表(可再导入)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var filter = ProjectFilter(division: signature.division, industry: signature.industry)
        if let s = signature.stage {
            guard let stage = Stage(rawValue: s) else { throw CommandFailure(message: "--stage 应为 signed、started 或 producing", exitCode: 2) }
            filter.stage = stage
        }
        if let name = signature.round {
            guard let round = try await Round.query(on: app.db).filter(\.$name == name).first() else {
                throw CommandFailure(message: "没有名为「\(name)」的活动批次", exitCode: 2)
            }
            filter.roundID = round.id
        }
        let caller = try await SheetTransfer.rootCaller(app)
        let rows = try await ProjectExport.rows(filter: filter, scope: caller.scope, on: app.db)
        try SheetTransfer.write(
            rows, format: signature.format, encoding: signature.encoding, output: signature.output,
            sheetName: "项目", progress: .forConsole())
    }
}
