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

    var help: String { "导入项目表:全部成功或全部不导入,并列出每一处错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        guard FileManager.default.isReadableFile(atPath: signature.file) else {
            throw CommandFailure(message: "无法读取文件:\(signature.file)", exitCode: 2)
        }
        let app = context.application
        guard let user = try await rootCaller(app) else { throw CommandFailure(message: "数据库中没有区划") }
        // The file's bytes go straight in, so nothing here keeps them once parsed.
        let report = try await ProjectTransfer.run(FileManager.default.contents(atPath: signature.file) ?? Data(), options: .init(dryRun: signature.dryRun, createRounds: signature.createRounds),
                                                   caller: user, actor: .cli(), on: app.db)
        let text = signature.json ? String(decoding: try JSONEncoder.api.encode(report), as: UTF8.self) : report.text
        guard report.problemCount == 0 else { throw CommandFailure(message: text, exitCode: 2) }
        context.console.print(text)
    }

    /// The CLI acts with the root division's scope.
    func rootCaller(_ app: Application) async throws -> Caller? {
        guard let root = try await Division.root(on: app.db) else { return nil }
        return Caller(userID: UUID(), username: AuditActor.cli().name, role: .admin, scope: DivisionScope(root.code))
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
        guard let format = SheetFile.Format(rawValue: signature.format ?? "csv") else {
            throw CommandFailure(message: "--format 应为 csv 或 xlsx", exitCode: 2)
        }
        guard let encoding = CSVEncoding(rawValue: signature.encoding ?? "utf8") else {
            throw CommandFailure(message: "--encoding 应为 utf8 或 gb18030", exitCode: 2)
        }
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
        guard let root = try await Division.root(on: app.db) else { throw CommandFailure(message: "数据库中没有区划") }
        let rows = try await ProjectExport.rows(filter: filter, scope: DivisionScope(root.code), on: app.db)
        let data = try SheetFile.write(rows, format: format, encoding: encoding, sheetName: "项目")
        if let output = signature.output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw CommandFailure(message: "无法写入文件:\(output)")
            }
            FileHandle.standardError.write(Data("已导出 \(rows.count - 1) 个项目到 \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
