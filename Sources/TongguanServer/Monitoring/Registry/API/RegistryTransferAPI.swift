import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The member sheet over HTTP: the file as the body of an import; a masked download.
struct RegistryTransferAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let households = routes.grouped("households")
        households.upload("import", maxSize: SheetTransfer.maxFileSize, use: importFile).openAPI(
            .init(
                summary: "导入农户成员表(CSV:UTF-8 或 GB18030;或 XLSX),全部成功或全部不导入", tag: "监测",
                query: [.init(name: "dry_run", description: "true 时只检查不写入", schema: .boolean)],
                body: .string(format: "binary", description: "文件内容"), response: .ref("MemberImportReport"), errors: [403, 422],
                bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
        households.get("export", use: exportFile).openAPI(
            .init(
                summary: "导出农户成员表(姓名、身份证号、联系电话、住址脱敏;首行注明含个人信息)", tag: "监测",
                query: [
                    .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "q", description: "户主姓名或户码包含"),
                    .init(name: "status", description: "状态", schema: .string(values: HouseholdStatus.allCases.map(\.rawValue))),
                ],
                response: .string(format: "binary"), errors: [422], responseMediaTypes: APIOperation.sheetMediaTypes))
        households.post("export", use: exportFull).openAPI(
            .init(
                summary: "完整导出农户成员表(姓名、身份证号、联系电话、住址不脱敏,可在别处再导入;仅管理员,须写明原因,记入审计)", tag: "监测",
                query: [
                    .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "q", description: "户主姓名或户码包含"),
                    .init(name: "status", description: "状态", schema: .string(values: HouseholdStatus.allCases.map(\.rawValue))),
                ],
                body: PersonalExport.requestSchema, response: .string(format: "binary"), errors: [403, 422],
                responseMediaTypes: APIOperation.sheetMediaTypes))
    }

    static let schemas: [String: JSONSchema] = [
        "MemberImportReport": .object(
            [
                ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("households", .integer()),
                ("households_created", .integer()), ("households_updated", .integer()), ("households_unchanged", .integer()),
                ("members_created", .integer()), ("members_updated", .integer()),
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
                "applied", "dry_run", "rows", "households", "households_created", "households_updated", "households_unchanged",
                "members_created", "members_updated", "problems", "problem_count", "problem_summary",
            ])
    ]

    func importFile(req: Request) async throws -> MemberImport.Report {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var query = QueryReader(req)
        let options = MemberImport.Options(dryRun: query.bool("dry_run") ?? false)
        try query.finish()
        let report = try await MemberImport.run(
            .data(try SheetTransfer.file(of: req)), options: options, scope: caller.scope, ring: try req.registryKeys,
            actor: req.auditActor, on: req.db)
        return try SheetTransfer.answer(report)
    }

    func exportFile(req: Request) async throws -> Response {
        try await Self.download(req: req, reason: nil)
    }

    func exportFull(req: Request) async throws -> Response {
        try await Self.download(req: req) { try PersonalExport.reason(ofBody: req) }
    }

    /// The member sheet with the request's filters: masked, or (given a way to read the
    /// reason: the API's body, a page's form) in full for an admin's stated reason, audited.
    static func download(req: Request, reason: (() throws -> String?)?) async throws -> Response {
        let caller = try req.caller
        let mode = try reason.map { try MemberExport.personal.fullMode(for: caller, reason: $0) } ?? .masked
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        let filter = try HouseholdFilter(from: req)
        var rows: [[String]] = []
        let options = MemberExport.Options(filter: filter, withIDs: mode.isFull)
        let count = try await MemberExport.rows(options, scope: caller.scope, ring: try req.registryKeys, on: req.db) { rows += $0 }
        try await MemberExport.personal.record(
            mode, rows: count, division: filter.division?.rawValue ?? caller.scope.root.rawValue, actor: req.auditActor, on: req.db)
        return try SheetTransfer.download(rows, name: "members", sheetName: "农户成员", format: format, encoding: encoding)
    }
}
