import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Import and export over HTTP: the API takes the file as the request body; both answer
/// with the same report as the page and the CLI.
struct ProjectTransferAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.upload("import", maxSize: SheetTransfer.maxFileSize, use: importFile).openAPI(
            .init(
                summary: "导入项目表(CSV:UTF-8 或 GB18030;或 XLSX),全部成功或全部不导入", tag: "项目",
                query: [
                    .init(name: "dry_run", description: "true 时只检查不写入", schema: .boolean),
                    .init(name: "create_rounds", description: "true 时自动新建表中出现的未知批次", schema: .boolean),
                ],
                body: .string(format: "binary", description: "文件内容"), response: .ref("ImportReport"), errors: [403, 409, 422],
                bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
        projects.get("export", use: exportFile).openAPI(
            .init(
                summary: "导出项目表(与导入格式相同)", tag: "项目",
                query: [
                    .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                    .init(name: "division", description: "区划代码"), .init(name: "industry", description: "产业类别"),
                    .init(name: "stage", description: "最远阶段"), .init(name: "round_id", description: "批次", schema: .uuid),
                    .init(name: "q", description: "名称或单位包含"),
                ],
                response: .string(format: "binary"), errors: [422], responseMediaTypes: APIOperation.sheetMediaTypes))
    }

    static let schemas: [String: JSONSchema] = [
        "ImportReport": .object(
            [
                ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("created", .integer()), ("updated", .integer()),
                ("unchanged", .integer()), ("rounds_created", .array(.string())),
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
                "applied", "dry_run", "rows", "created", "updated", "unchanged", "rounds_created", "problems", "problem_count", "problem_summary",
            ])
    ]

    func importFile(req: Request) async throws -> ProjectImport.Report {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var query = QueryReader(req)
        let options = ProjectImport.Options(dryRun: query.bool("dry_run") ?? false, createRounds: query.bool("create_rounds") ?? false)
        try query.finish()
        let report = try await ProjectImport.run(
            data: try SheetTransfer.file(of: req), options: options, scope: caller.scope,
            actor: req.auditActor, on: req.db)
        return try SheetTransfer.answer(report)
    }

    func exportFile(req: Request) async throws -> Response {
        let caller = try req.caller
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        let rows = try await ProjectExport.rows(filter: try ProjectFilter(from: req), scope: caller.scope, on: req.db)
        return try SheetTransfer.download(rows, name: "projects", sheetName: "项目", format: format, encoding: encoding)
    }
}
