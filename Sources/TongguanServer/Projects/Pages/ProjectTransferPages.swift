import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 项目 page's upload form and download links.
struct ProjectTransferPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
        projects.get("export", use: download)
    }

    struct Options: Content {
        var create_rounds: String?
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        let extra = try req.content.decode(Options.self)
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                ProjectImport.Report.chooseAFile, title: "导入项目", active: "/projects",
                filename: "", back: "/projects", backLabel: "返回项目列表")
        }
        let options = ProjectImport.Options(dryRun: form.dryRun, createRounds: extra.create_rounds == "on")
        let report = try await ProjectImport.run(data: data, options: options, scope: caller.scope, actor: req.auditActor, on: req.db)
        return try await req.importReport(
            report, title: "导入项目", active: "/projects", filename: filename,
            back: "/projects", backLabel: "返回项目列表")
    }

    func download(req: Request) async throws -> Response {
        let caller = try req.caller
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        let rows = try await ProjectExport.rows(filter: try ProjectFilter(from: req), scope: caller.scope, on: req.db)
        return try SheetTransfer.download(rows, name: "projects", sheetName: "项目", format: format, encoding: encoding)
    }
}
