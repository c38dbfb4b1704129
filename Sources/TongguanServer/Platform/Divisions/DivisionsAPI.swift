import Fluent
import TongguanDomain
import Vapor

/// `/api/v1/divisions`: the tree below the caller's scope.
struct DivisionsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let divisions = routes.grouped("divisions")
        divisions.get(use: list).openAPI(
            .init(
                summary: "列出管辖范围内的区划", tag: "区划",
                query: [
                    .init(name: "parent", description: "只列出此区划的下级"),
                    .init(name: "level", description: "只列出此级别", schema: .string(values: Division.Level.allCases.map(\.rawValue))),
                    .page, .per,
                ],
                response: .page(of: .ref("Division")), errors: [422]))
        divisions.upload("import", maxSize: SheetTransfer.maxFileSize, use: importFile).openAPI(
            .init(
                summary: "导入区划名单(统计局的村级名单或 code,name;CSV:UTF-8 或 GB18030;或 XLSX),全部成功或全部不导入", tag: "区划",
                query: [.init(name: "dry_run", description: "true 时只检查并报告将有的变化,不写入", schema: .boolean)],
                body: .string(format: "binary", description: "文件内容"), response: .ref("DivisionImportReport"), errors: [403, 409, 422],
                bodyMediaTypes: APIOperation.sheetMediaTypes + ["application/octet-stream"]))
        divisions.get("export", use: exportFile).openAPI(
            .init(
                summary: "导出管辖范围内的区划(与导入格式相同)", tag: "区划",
                query: [
                    .init(name: "division", description: "只导出此区划及其下级"),
                    .init(name: "format", description: "csv 或 xlsx", schema: .string(values: ["csv", "xlsx"])),
                    .init(name: "encoding", description: "CSV 编码", schema: .string(values: ["utf8", "gb18030"])),
                ],
                response: .string(format: "binary"), errors: [404, 422], responseMediaTypes: APIOperation.sheetMediaTypes))
        divisions.get(":code", use: show).openAPI(
            .init(
                summary: "查看区划", tag: "区划", response: .ref("Division"), errors: [404]))
        divisions.post(use: create).openAPI(
            .init(
                summary: "新增区划(上级须已存在)", tag: "区划", body: .ref("NewDivision"), response: .ref("Division"),
                status: 201, errors: [403]))
        divisions.patch(":code", use: rename).openAPI(
            .init(
                summary: "修改区划名称", tag: "区划", body: .ref("DivisionChange"), response: .ref("Division"), errors: [403, 404]))
    }

    static let schemas: [String: JSONSchema] = [
        "Division": DivisionDTO.schema,
        "NewDivision": .object([("code", .divisionCode), ("name", .string())], required: ["code", "name"]),
        "DivisionChange": .object([("name", .string())], required: ["name"]),
        "DivisionImportReport": .object(
            [
                ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("created", .integer()), ("renamed", .integer()),
                ("unchanged", .integer()), ("possibly_merged", .integer(description: "文件列出了所在乡镇的村却没有列出的已有村(未删除)")),
                ("created_by_level", .object(Division.Level.allCases.map { ($0.rawValue, JSONSchema.integer()) }, required: [])),
                (
                    "renames",
                    .array(
                        .object(
                            [("row", .integer()), ("code", .divisionCode), ("before", .string()), ("after", .string())],
                            required: ["row", "code", "before", "after"]))
                ),
                ("merged", .array(.object([("code", .divisionCode), ("name", .string())], required: ["code", "name"]))),
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
                "applied", "dry_run", "rows", "created", "renamed", "unchanged", "possibly_merged", "created_by_level", "renames", "merged",
                "problems", "problem_count", "problem_summary",
            ]),
    ]

    func list(req: Request) async throws -> Page<DivisionDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req, defaultPer: 200)
        var reader = QueryReader(req)
        let level = reader.enumeration("level", Division.Level.self)
        try reader.finish()
        var query = Division.scoped(caller.scope, on: req.db)
        if let parent = req.query[String.self, at: "parent"] {
            query = query.filter(\.$parentCode == parent)
        }
        if let level { query = query.filter(\.$level == level) }
        let total = try await query.count()
        let rows = try await query.sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: rows.map(DivisionDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func show(req: Request) async throws -> DivisionDTO {
        let caller = try req.caller
        guard let division = try await Division.find(req.parameters.get("code") ?? "", in: caller.scope, on: req.db) else {
            throw Refusal.notFound
        }
        return DivisionDTO(division)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let code = input.divisionCode("code", required: true)
        let name = input.string("name", required: true, maxLength: 50)
        if let code {
            if !caller.scope.contains(code) || code == caller.scope.root {
                input.add("code", "只能在您的管辖范围内新增下级区划")
            } else if try await Division.find(code.rawValue, on: req.db) != nil {
                input.add("code", "该区划代码已存在")
            } else if let parent = code.parent, try await Division.find(parent.rawValue, on: req.db) == nil {
                input.add("code", "上级区划 \(parent.rawValue) 不存在")
            }
        }
        try input.finish()
        let division = try await req.db.audited(by: req.auditActor) { tx, audit in
            try await DivisionService.upsert(code: code!, name: name!, on: tx, audit: audit)
        }
        return try await DivisionDTO(division).encodeResponse(status: .created, for: req)
    }

    func rename(req: Request) async throws -> DivisionDTO {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        guard let division = try await Division.find(req.parameters.get("code") ?? "", in: caller.scope, on: req.db) else {
            throw Refusal.notFound
        }
        var input = try InputReader(req)
        let name = input.string("name", required: true, maxLength: 50)
        try input.finish()
        let updated = try await req.db.audited(by: req.auditActor) { tx, audit in
            try await DivisionService.upsert(code: division.code, name: name!, on: tx, audit: audit)
        }
        return DivisionDTO(updated)
    }

    /// City and county administrators load lists; the plan refuses rows outside their scope.
    func importFile(req: Request) async throws -> DivisionImport.Report {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        guard [.province, .city, .county].contains(caller.scope.root.level) else { throw Refusal.forbidden }
        var query = QueryReader(req)
        let options = DivisionImport.Options(dryRun: query.bool("dry_run") ?? false)
        try query.finish()
        let report = try await DivisionImport.run(
            data: try SheetTransfer.file(of: req), options: options, scope: caller.scope, actor: req.auditActor, on: req.db)
        return try SheetTransfer.answer(report)
    }

    func exportFile(req: Request) async throws -> Response {
        let caller = try req.caller
        var query = QueryReader(req)
        let division = query.divisionCode("division")
        try query.finish()
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        var scope = caller.scope
        if let division {
            guard caller.scope.contains(division), try await Division.find(division.rawValue, on: req.db) != nil else { throw Refusal.notFound }
            scope = DivisionScope(division)
        }
        return try SheetTransfer.download(
            try await DivisionExport.rows(in: scope, on: req.db), name: "divisions", sheetName: "区划", format: format, encoding: encoding)
    }
}
