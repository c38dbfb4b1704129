import Fluent
import SQLKit
import TongguanDomain
import Vapor

/// The division tree below the caller's scope as a page, one level opened at a time: the
/// opened division (`?open=CODE`, the caller's own by default), its children, and each
/// child's children folded in a `<details>` (no script needed). From the city that is the
/// counties with their townships; from a county, its townships with their villages; so a
/// page holds at most one county's villages however many the city has loaded.
struct DivisionPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("divisions", use: tree)
        let divisions = routes.grouped("divisions")
        divisions.upload("import", maxSize: SheetTransfer.maxFileSize, use: upload)
        divisions.get("export", use: download)
    }

    struct Node: Encodable, Sendable {
        var code: String
        var name: String
        var level: String
        /// "23 个乡级区划、612 个村级区划", when the node has anything below it.
        var summary: String?
        /// Opens the node as its own page, when it has more below it than is shown here.
        var href: String?
        /// Shown folded under the node; nil rather than empty (Leaf treats [] as true).
        var children: [Node]?
    }

    struct Crumb: Encodable, Sendable {
        var name: String
        var href: String
    }

    struct Body: Encodable, Sendable {
        var focus: Node
        var crumbs: [Crumb]?
        var branches: [Node]?
        var leafOnly: Bool
        var canImport: Bool
        var exportCSV: String
        var exportXLSX: String
    }

    struct Row: Decodable, Sendable {
        var code: String
        var name: String
        var level: String
        var parent_code: String?
    }

    func tree(req: Request) async throws -> Response {
        let caller = try req.caller
        let focus = try await Self.focus(req, scope: caller.scope)
        let code = focus.code
        let deep = code.level == .province || code.level == .city
        // Two levels below the opened division; from the city that stops above the villages.
        var query = req.db.sql.select().columns("code", "name", "level", "parent_code").from(Division.schema)
            .where("code", .like, SQLBind(DivisionScope(code).prefix + "%"))
        if deep { query = query.where("level", .notEqual, SQLBind(Division.Level.village.rawValue)) }
        let rows = try await query.orderBy("code").limit(20_000).all(decoding: Row.self)
        let villages = deep ? try await Self.villageCounts(below: code, on: req.db) : [:]

        var children: [String: [Row]] = [:]
        for row in rows { if let p = row.parent_code { children[p, default: []].append(row) } }
        /// Everything below a node: the rows loaded, and the villages only counted.
        func counts(_ row: Row) -> [Division.Level: Int] {
            var result: [Division.Level: Int] = [:]
            var stack = [row.code]
            while let next = stack.popLast() {
                for child in children[next] ?? [] {
                    if let level = Division.Level(rawValue: child.level) { result[level, default: 0] += 1 }
                    stack.append(child.code)
                }
                if let n = villages[next] { result[.village, default: 0] += n }
            }
            return result
        }
        func node(_ row: Row, depth: Int) -> Node {
            let below = counts(row)
            let summary = Division.Level.allCases.compactMap { level in below[level].map { "\($0) 个\(level.label)区划" } }
            let shown = children[row.code] ?? []
            return Node(
                code: row.code, name: row.name, level: Division.Level(rawValue: row.level)?.label ?? row.level,
                summary: summary.isEmpty ? nil : summary.joined(separator: "、"),
                href: below.isEmpty ? nil : "/divisions?open=\(row.code)",
                children: depth == 1 && !shown.isEmpty ? shown.map { node($0, depth: 2) } : nil)
        }
        let top = rows.first { $0.code == code.rawValue } ?? Row(code: code.rawValue, name: focus.name, level: focus.level.rawValue)
        let branches = (children[code.rawValue] ?? []).map { node($0, depth: 1) }
        var focusNode = node(top, depth: 0)
        focusNode.children = nil
        focusNode.href = nil

        let ancestors = code.ancestors.filter { caller.scope.contains($0) }.reversed()
        let names = try await Division.names(of: Set(ancestors.map(\.rawValue)), on: req.db)
        let crumbs = ancestors.map { Crumb(name: names[$0.rawValue] ?? $0.rawValue, href: "/divisions?open=\($0.rawValue)") }
        let export = "/divisions/export?division=\(code.rawValue)"
        let body = Body(
            focus: focusNode, crumbs: crumbs.isEmpty ? nil : crumbs, branches: branches.isEmpty ? nil : branches, leafOnly: branches.isEmpty,
            canImport: Self.mayImport(caller), exportCSV: export + "&format=csv", exportXLSX: export + "&format=xlsx")
        return try await req.page("divisions", title: "区划", active: "/divisions", body)
    }

    /// The division `?open=` (or `key`) names, inside the caller's scope (else 404, as if it did not
    /// exist), or the caller's own.
    static func focus(_ req: Request, scope: DivisionScope, key: String = "open") async throws -> Division {
        let raw = (try? req.query.get(String.self, at: key)) ?? ""
        let wanted = raw.isEmpty ? scope.root.rawValue : raw
        guard let division = try await Division.find(wanted, in: scope, on: req.db) else { throw Refusal.notFound }
        return division
    }

    /// Villages per township below a city, counted rather than loaded.
    static func villageCounts(below code: DivisionCode, on db: any Database) async throws -> [String: Int] {
        struct Count: Decodable { var parent_code: String?; var n: Int }
        let rows = try await db.sql.select().column("parent_code").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Division.schema).where("level", .equal, SQLBind(Division.Level.village.rawValue))
            .where("code", .like, SQLBind(DivisionScope(code).prefix + "%")).groupBy("parent_code").all(decoding: Count.self)
        return Dictionary(rows.compactMap { r in r.parent_code.map { ($0, r.n) } }, uniquingKeysWith: +)
    }

    /// Administrators of the city or a county load division lists.
    static func mayImport(_ caller: Caller) -> Bool {
        caller.role.canManageUsers && [.province, .city, .county].contains(caller.scope.root.level)
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        guard Self.mayImport(caller) else { throw Refusal.forbidden }
        let form = try req.content.decode(UploadForm.self)
        guard let (data, filename) = req.uploadedFile(form) else {
            return try await req.importReport(
                DivisionImport.Report.chooseAFile, title: "导入区划", active: "/divisions", filename: "",
                back: "/divisions", backLabel: "返回区划")
        }
        let report = try await DivisionImport.run(
            data: data, options: .init(dryRun: form.dryRun), scope: caller.scope, actor: req.auditActor, on: req.db)
        return try await req.importReport(
            report, title: "导入区划", active: "/divisions", filename: filename, back: "/divisions", backLabel: "返回区划")
    }

    func download(req: Request) async throws -> Response {
        let caller = try req.caller
        let focus = try await Self.focus(req, scope: caller.scope, key: "division")
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        return try SheetTransfer.download(
            try await DivisionExport.rows(in: DivisionScope(focus.code), on: req.db), name: "divisions", sheetName: "区划",
            format: format, encoding: encoding)
    }
}
