import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The member sheet's upload form and its report.
extension RegistryPages {
    // MARK: import

    struct ImportBody: Encodable, Sendable {
        var header: String
    }

    func importForm(req: Request) async throws -> Response {
        try req.caller.require(\.canEditRecords)
        return try await req.page(
            "monitoring/household-import", title: "导入农户成员表", active: Self.active,
            ImportBody(header: MemberSheet.header.joined(separator: "、")))
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let form = try req.content.decode(UploadForm.self)
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                MemberImport.Report.chooseAFile, title: "导入农户成员表", active: Self.active, filename: "",
                back: "/monitoring/households", backLabel: "返回农户列表")
        }
        let report = try await MemberImport.run(
            .data(data), options: .init(dryRun: form.dryRun), scope: caller.scope, ring: try req.registryKeys, actor: req.auditActor,
            on: req.db)
        return try await req.importReport(
            report, title: "导入农户成员表", active: Self.active, filename: filename, back: "/monitoring/households", backLabel: "返回农户列表")
    }
}
