import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan import assessments FILE [--dry-run] [--json]`.
struct ImportAssessments: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV(UTF-8 或 GB18030)或 XLSX 文件,每行一户一次收入评估")
        var file: String
        @Flag(name: "dry-run", help: "只检查,不写入")
        var dryRun: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入收入评估表:按户主身份证号找到农户,并运行预警规则;全部成功或全部不导入,并列出错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard FileManager.default.isReadableFile(atPath: signature.file) else {
            throw CommandFailure(message: "无法读取文件:\(signature.file)", exitCode: 2)
        }
        let caller = try await SheetTransfer.rootCaller(app)
        let progress = Progress.forConsole()
        let report = try await AssessmentImport.run(
            .file(signature.file), options: .init(dryRun: signature.dryRun, limits: AssessmentImport.commandLineLimits),
            scope: caller.scope, ring: try app.registryKeys, assessedBy: caller.username, actor: .cli(), on: app.db, progress: progress)
        try SheetTransfer.finish(report, json: signature.json, progress: progress, context: context)
    }
}

/// `POST /api/v1/assessments/import`: the assessment sheet as the request body.
struct AssessmentTransferAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("assessments").upload("import", maxSize: SheetTransfer.maxFileSize, use: importFile).openAPI(
            .init(
                summary: "导入收入评估表(CSV:UTF-8 或 GB18030;或 XLSX),按户主身份证号找到农户并运行预警规则,全部成功或全部不导入", tag: "监测",
                query: [.init(name: "dry_run", description: "true 时只检查不写入", schema: .boolean)],
                body: .string(format: "binary", description: "文件内容"), response: .ref("AssessmentImportReport"), errors: [403, 422],
                bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
    }

    static let schemas: [String: JSONSchema] = [
        "AssessmentImportReport": .object(
            [
                ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("assessments_created", .integer()),
                ("assessments_unchanged", .integer()), ("warnings_raised", .integer()), ("warnings_resolved", .integer()),
                ("warnings_superseded", .integer()),
                (
                    "problems",
                    .array(.object([("row", .integer()), ("column", .string()), ("message", .string())], required: ["row", "column", "message"]))
                ),
                ("problem_count", .integer()),
                (
                    "problem_summary",
                    .array(
                        .object([("column", .string()), ("message", .string()), ("count", .integer())], required: ["column", "message", "count"]))
                ),
            ],
            required: [
                "applied", "dry_run", "rows", "assessments_created", "assessments_unchanged", "warnings_raised", "warnings_resolved",
                "warnings_superseded", "problems", "problem_count", "problem_summary",
            ])
    ]

    func importFile(req: Request) async throws -> AssessmentImport.Report {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var query = QueryReader(req)
        let options = AssessmentImport.Options(dryRun: query.bool("dry_run") ?? false)
        try query.finish()
        let report = try await AssessmentImport.run(
            .data(try SheetTransfer.file(of: req)), options: options, scope: caller.scope, ring: try req.registryKeys,
            assessedBy: caller.username, actor: req.auditActor, on: req.db)
        return try SheetTransfer.answer(report)
    }
}
