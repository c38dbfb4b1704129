import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 项目 page's upload form and download links.
struct ProjectTransferPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.upload("import", maxSize: ProjectTransferAPI.maxFileSize, use: upload)
        projects.get("export", use: download)
    }

    struct Upload: Content {
        var file: File?
        var dry_run: String?
        var create_rounds: String?
    }

    struct Body: Encodable, Sendable {
        var filename: String
        var report: ProjectImport.Report
        var summary: String
        var ok: Bool
        var problemCount: Int { report.problemCount }

        enum CodingKeys: String, CodingKey { case filename, report, summary, ok, problemCount }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(filename, forKey: .filename)
            try c.encode(report, forKey: .report)
            try c.encode(summary, forKey: .summary)
            try c.encode(ok, forKey: .ok)
            try c.encode(problemCount, forKey: .problemCount)
        }
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(Upload.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return try await req.page("projects/import-report", title: "导入项目", active: "/projects", status: .unprocessableEntity,
                                      error: "请选择要导入的文件", Body(filename: "", report: .init(dryRun: false), summary: "", ok: false))
        }
        let options = ProjectImport.Options(dryRun: form.dry_run == "on", createRounds: form.create_rounds == "on")
        let report = try await ProjectTransfer.run(Data(buffer: file.data), options: options, caller: caller, actor: req.auditActor, on: req.db)
        let ok = report.problemCount == 0
        return try await req.page("projects/import-report", title: "导入项目", active: "/projects",
                                  status: ok ? .ok : .unprocessableEntity, error: ok ? nil : "文件有错误,未导入任何数据",
                                  Body(filename: file.filename, report: report, summary: report.text.components(separatedBy: "\n").first ?? "", ok: ok))
    }

    func download(req: Request) async throws -> Response {
        try await ProjectTransfer.download(req: req, scope: try req.caller.scope)
    }
}
