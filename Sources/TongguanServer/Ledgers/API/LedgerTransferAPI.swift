import Fluent
import Foundation
import TongguanDomain
import Vapor

/// A ledger's sheet over HTTP: the import takes the file as the request body; the export
/// and the template are downloads.
struct LedgerTransferAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let ledger = routes.grouped("ledgers", ":code")
        ledger.upload("import", maxSize: SheetTransfer.maxFileSize, use: importFile).openAPI(
            .init(
                summary: "导入台账表(CSV:UTF-8 或 GB18030;或 XLSX;表头为字段名称),按唯一字段匹配已有记录,全部成功或全部不导入", tag: "台账",
                query: [.init(name: "dry_run", description: "true 时只检查不写入", schema: .boolean)],
                body: .string(format: "binary", description: "文件内容"), response: .ref("LedgerImportReport"), errors: [403, 404, 409, 422],
                bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
        ledger.get("export", use: exportFile).openAPI(
            .init(
                summary: "导出台账表(与导入格式相同;人员姓名、电话和身份证号脱敏,首行注明含个人信息;可用列表的筛选条件)", tag: "台账",
                query: [
                    .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "state", description: "状态代码"),
                ],
                response: .string(format: "binary"), errors: [404, 422], responseMediaTypes: APIOperation.sheetMediaTypes))
        ledger.post("export", use: exportFull).openAPI(
            .init(
                summary: "完整导出台账表(姓名、电话、身份证号不脱敏;仅管理员和督办人,须写明原因,记入审计)", tag: "台账",
                query: [
                    .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "state", description: "状态代码"),
                ],
                body: PersonalExport.requestSchema, response: .string(format: "binary"), errors: [403, 404, 422],
                responseMediaTypes: APIOperation.sheetMediaTypes))
        ledger.get("template", use: template).openAPI(
            .init(
                summary: "下载导入模板(XLSX:空表和逐列填写说明)", tag: "台账", response: .string(format: "binary"), errors: [404],
                responseMediaTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]))
    }

    static let schemas: [String: JSONSchema] = [
        "LedgerImportReport": .object(
            [
                ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("created", .integer()), ("updated", .integer()),
                ("unchanged", .integer()),
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
            required: ["applied", "dry_run", "rows", "created", "updated", "unchanged", "problems", "problem_count", "problem_summary"])
    ]

    func importFile(req: Request) async throws -> LedgerSheetImport.Report {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        try caller.require(\.canEditRecords)
        var query = QueryReader(req)
        let options = LedgerSheetImport.Options(dryRun: query.bool("dry_run") ?? false)
        try query.finish()
        let report = try await LedgerSheetImport.run(
            data: try SheetTransfer.file(of: req), ctx: try LedgerContext(ledger, definition), options: options, caller: caller,
            actor: req.auditActor, protection: LedgerProtection(req.application), on: req.db)
        return try SheetTransfer.answer(report)
    }

    // Swift 6.3.1 crashes compiling this function with -O (LLVM CoroSplit, "While splitting
    // coroutine …exportFile…", signal 11 in emitSetAndGetSwiftErrorValueAround); release
    // builds need it unoptimised. It only streams a file, so nothing is lost.
    @_optimize(none)
    func exportFile(req: Request) async throws -> Response {
        try await export(req: req, full: false)
    }

    func exportFull(req: Request) async throws -> Response {
        try await export(req: req, full: true)
    }

    @_optimize(none)
    func export(req: Request, full: Bool) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        var mode = PersonalExport.Mode.masked
        if full { mode = try LedgerSheetExport.personal(definition).fullMode(for: caller) { try PersonalExport.reason(ofBody: req) } }
        var parameters = LedgerItemsAPI.parameters(req)
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        parameters["format"] = nil
        parameters["encoding"] = nil
        let query = try LedgerQueries.itemQuery(parameters, definition: definition)
        return try await LedgerSheetExport.download(
            try LedgerContext(ledger, definition), query: query, caller: caller, mode: mode, format: format, encoding: encoding, req: req)
    }

    func template(req: Request) async throws -> Response {
        let caller = try req.caller
        let (_, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        return try LedgerSheetExport.templateResponse(definition)
    }
}
