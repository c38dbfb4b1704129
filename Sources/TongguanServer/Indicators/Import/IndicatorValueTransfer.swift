import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The values sheet over HTTP (the API takes the file as the body) and on the 指标 page;
/// both answer with the same report as the CLI.
struct IndicatorValueTransfer: RouteCollection {
    let pages: Bool

    func boot(routes: any RoutesBuilder) throws {
        if pages {
            routes.grouped("indicators").upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
            return
        }
        routes.grouped("indicator-values").upload("import", maxSize: SheetTransfer.maxFileSize, use: importFile).openAPI(
            .init(
                summary: "导入手工指标数值表(表头:指标编码、区划代码、期间、数值、备注;CSV 或 XLSX),全部成功或全部不导入", tag: "指标",
                query: [.init(name: "dry_run", description: "true 时只检查不写入", schema: .boolean)],
                body: .string(format: "binary", description: "文件内容"), response: .ref("IndicatorValueImportReport"), errors: [403, 409, 422],
                bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
    }

    static let schemas: [String: JSONSchema] = ["IndicatorValueImportReport": IndicatorValueImport.Report.schema]

    func importFile(req: Request) async throws -> IndicatorValueImport.Report {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var query = QueryReader(req)
        let options = IndicatorValueImport.Options(dryRun: query.bool("dry_run") ?? false)
        try query.finish()
        let report = try await IndicatorValueImport.run(
            data: try SheetTransfer.file(of: req), options: options, scope: caller.scope, actor: req.auditActor, on: req.db)
        return try SheetTransfer.answer(report)
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                IndicatorValueImport.Report.chooseAFile, title: "导入指标数值", active: "/indicators", filename: "", back: "/indicators",
                backLabel: "返回指标")
        }
        let report = try await IndicatorValueImport.run(
            data: data, options: .init(dryRun: form.dryRun), scope: caller.scope, actor: req.auditActor, on: req.db)
        return try await req.importReport(
            report, title: "导入指标数值", active: "/indicators", filename: filename, back: "/indicators", backLabel: "返回指标")
    }
}

/// `tongguan import indicator-values FILE [--dry-run] [--json]`.
struct ImportIndicatorValues: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV(UTF-8 或 GB18030)或 XLSX 文件,表头:指标编码、区划代码、期间、数值、备注")
        var file: String
        @Flag(name: "dry-run", help: "只检查,不写入")
        var dryRun: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入手工指标数值:全部成功或全部不导入,并列出错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caller = try await SheetTransfer.rootCaller(app)
        let progress = Progress.forConsole()
        let report = try await IndicatorValueImport.run(
            data: try SheetTransfer.readFile(signature.file), options: .init(dryRun: signature.dryRun), scope: caller.scope,
            actor: .cli(), on: app.db)
        try SheetTransfer.finish(report, json: signature.json, progress: progress, context: context)
    }
}
