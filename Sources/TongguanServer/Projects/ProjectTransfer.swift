import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Import and export over HTTP: the API takes the file as the request body, the page as a
/// multipart upload; both answer with the same report.
struct ProjectTransferAPI: RouteCollection {
    /// A 100,000-row sheet is about 20 MB as CSV.
    static let maxFileSize: ByteCount = "64mb"

    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.upload("import", maxSize: Self.maxFileSize, use: importFile).openAPI(.init(
            summary: "导入项目表(CSV:UTF-8 或 GB18030;或 XLSX),全部成功或全部不导入", tag: "项目",
            query: [.init(name: "dry_run", description: "true 时只检查不写入", schema: .boolean),
                    .init(name: "create_rounds", description: "true 时自动新建表中出现的未知批次", schema: .boolean)],
            body: .string(format: "binary", description: "文件内容"), response: .ref("ImportReport"), errors: [403, 409, 422],
            bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
        projects.get("export", use: exportFile).openAPI(.init(
            summary: "导出项目表(与导入格式相同)", tag: "项目",
            query: [.init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                    .init(name: "division", description: "区划代码"), .init(name: "industry", description: "产业类别"),
                    .init(name: "stage", description: "最远阶段"), .init(name: "round_id", description: "批次", schema: .uuid),
                    .init(name: "q", description: "名称或单位包含")],
            response: .string(format: "binary"), errors: [422], responseMediaTypes: APIOperation.sheetMediaTypes))
    }

    static let schemas: [String: JSONSchema] = [
        "ImportReport": .object([
            ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("created", .integer()), ("updated", .integer()),
            ("unchanged", .integer()), ("rounds_created", .array(.string())),
            ("problems", .array(.object([("row", .integer()), ("column", .string()), ("message", .string())], required: ["row", "column", "message"]))),
            ("problem_count", .integer()),
            ("problem_summary", .array(.object([("column", .string()), ("message", .string()), ("count", .integer())], required: ["column", "message", "count"]))),
        ], required: ["applied", "dry_run", "rows", "created", "updated", "unchanged", "rounds_created", "problems", "problem_count", "problem_summary"]),
    ]

    func importFile(req: Request) async throws -> ProjectImport.Report {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw Problem(.badRequest, detail: "请求体应为文件内容") }
        let options = ProjectImport.Options(dryRun: req.query[Bool.self, at: "dry_run"] ?? false,
                                            createRounds: req.query[Bool.self, at: "create_rounds"] ?? false)
        let report = try await ProjectTransfer.run(Data(buffer: buffer), options: options, caller: caller, actor: req.auditActor, on: req.db)
        guard report.problemCount == 0 else {
            var problem = Problem(.unprocessableEntity, detail: "未导入任何数据:共\(report.problemCount)处错误"
                                  + (report.problemCount > report.problems.count ? ",列出前\(report.problems.count)处" : ""))
            problem.rows = report.problems
            problem.rowCount = report.problemCount
            problem.rowSummary = report.problemSummary
            throw problem
        }
        return report
    }

    func exportFile(req: Request) async throws -> Response {
        let caller = try req.caller
        return try await ProjectTransfer.download(req: req, scope: caller.scope)
    }
}

enum ProjectTransfer {
    static func run(_ data: consuming Data, options: ProjectImport.Options, caller: Caller, actor: AuditActor, on db: any Database) async throws -> ProjectImport.Report {
        try await ProjectImport.run(data: data, options: options, scope: caller.scope, actor: actor, on: db)
    }

    /// The filtered list as a file, named for the day it was made.
    static func download(req: Request, scope: DivisionScope) async throws -> Response {
        var problems = ProblemList()
        let formatText = req.query[String.self, at: "format"] ?? "csv"
        let format = SheetFile.Format(rawValue: formatText)
        if format == nil { problems.add("format", "取值应为 csv 或 xlsx") }
        let encodingText = req.query[String.self, at: "encoding"] ?? "utf8"
        let encoding = CSVEncoding(rawValue: encodingText)
        if encoding == nil { problems.add("encoding", "取值应为 utf8 或 gb18030") }
        try problems.throwIfAny()
        let rows = try await ProjectExport.rows(filter: try ProjectFilter(from: req), scope: scope, on: req.db)
        let data = try SheetFile.write(rows, format: format!, encoding: encoding!, sheetName: "项目")
        let day = ChinaDate.display(StoredInstant.string(Date())).prefix(10)
        let filename = "projects-\(day).\(format!.rawValue)"
        var headers = HTTPHeaders()
        headers.contentType = format == .xlsx
            ? HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": encoding == .gb18030 ? "gb18030" : "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
