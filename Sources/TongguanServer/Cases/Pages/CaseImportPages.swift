import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/cases/import`: the backlog list's upload form and its report (the same import as
/// `tongguan import cases`).
struct CaseImportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get("import", use: form)
        cases.upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
        cases.get("export", use: download)
        cases.post("export", use: downloadFull)
    }

    /// The list's cases as a sheet, with the list's filters: names and phones masked
    /// (`CaseExport.download`); the POST (a reason in the form) gives them in full.
    func download(req: Request) async throws -> Response {
        try await CaseExport.download(req: req, reason: nil)
    }

    func downloadFull(req: Request) async throws -> Response {
        try await CaseExport.download(req: req) { try PersonalExport.reason(ofForm: req) }
    }

    struct FormBody: Encodable, Sendable {
        var columns: [String]
        var required: [String]
    }

    func form(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await req.page(
            "cases/import", title: "导入积案清单", active: "/cases",
            FormBody(columns: CaseSheet.Column.allCases.map(\.rawValue), required: CaseSheet.Column.required.map(\.rawValue)))
    }

    struct Options: Content {
        var handed_down_by: String?
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        let by = (try req.content.decode(Options.self).handed_down_by ?? "").trimmingCharacters(in: .whitespaces)
        var report = CaseImport.Report(dryRun: form.dryRun)
        var tally = RowProblemTally()
        if by.isEmpty { tally.addFile(RowProblem(row: 1, column: "交办机关", message: "请填写交办机关(如 中央联席办)")) }
        let file = req.uploadedFile(form)
        if file == nil { tally.addFile(RowProblem(row: 1, column: "文件", message: "请选择要导入的文件")) }
        if let (data, _) = file, tally.isEmpty {
            report = try await CaseImport.run(
                data: data, options: .init(dryRun: form.dryRun, handedDownBy: by), scope: caller.scope, actor: req.auditActor, on: req.db)
        } else {
            report.refuse(tally)
        }
        return try await req.importReport(
            report, title: "导入积案清单", active: "/cases", filename: file?.1 ?? "", back: "/cases?backlog=true", backLabel: "查看积案")
    }
}
