import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Cases as a sheet with the backlog list's columns (`CaseSheet.Column`). The requester's
/// name and phone are personal columns (`PersonalExport`): masked by default, in full only
/// for admins and supervisors with a reason (audited). A default export does not import
/// back: the importer refuses masked cells row by row (it only ever creates cases).
enum CaseExport {
    static let limit = 200_000

    static let personal = PersonalExport(
        name: "cases",
        sheet: PersonalSheet(
            subject: "诉求人", columns: [.init(CaseSheet.Column.requester.rawValue, .name), .init(CaseSheet.Column.phone.rawValue, .phone)]),
        allows: { $0.canSupervise }, refusal: "只有管理员和督办人可以完整导出诉求人的姓名和联系电话")

    /// Who may download the (masked) list: editors and supervisors.
    static func mayExport(_ role: Role) -> Bool { role.canEditRecords || role.canSupervise }

    /// The list's cases (the request's filters and file options) as a download, masked or in
    /// full; each download is audited (`case.export`, or `export.personal` for a full one).
    /// `reason`, when given, reads the reason of a full export (the API's body, a page's form).
    static func download(req: Request, reason: (() throws -> String?)?) async throws -> Response {
        let caller = try req.caller
        let mode = try reason.map { try personal.fullMode(for: caller, reason: $0) } ?? .masked
        guard mayExport(caller.role) else { throw Refusal.forbidden("只有经办人、督办人和管理员可以导出诉求清单") }
        let (format, encoding) = try SheetTransfer.fileOptions(req)
        let filter = try CaseFilter(from: req)
        let rows = try await rows(filter: filter, scope: caller.scope, on: req.db)
        if mode.isFull {
            try await personal.record(mode, rows: rows.count - 1, division: caller.scope.root.rawValue, actor: req.auditActor, on: req.db)
        } else {
            try await req.db.audited(by: req.auditActor) { _, audit in
                var diff = AuditDiff()
                diff.created("rows", String(rows.count - 1))
                diff.created("filter", filter.queryString())
                audit.record("case.export", entityType: "case", entityID: "export", divisionCode: caller.scope.root.rawValue, changes: diff.changes)
            }
        }
        return try SheetTransfer.download(personal.file(rows, mode: mode), name: "cases", sheetName: "诉求", format: format, encoding: encoding)
    }

    static func rows(filter: CaseFilter, scope: DivisionScope, on db: any Database) async throws -> [[String]] {
        let settings = try await CaseSettings.load(on: db)
        let cases = try await filter.apply(to: CaseService.scoped(scope, on: db), today: CaseClock.today(), calendar: settings.calendar)
            .sort(\.$number).limit(limit).all()
        let units = Dictionary(try await CaseUnit.query(on: db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let leaders = Dictionary(try await CaseLeader.query(on: db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        var rows = [CaseSheet.Column.allCases.map(\.rawValue)]
        rows.reserveCapacity(cases.count + 1)
        for c in cases {
            let values: [CaseSheet.Column: String] = [
                .number: c.number, .source: c.caseSource.label, .kind: c.caseKind.label, .title: c.title, .content: c.content,
                .requester: c.requesterName, .phone: c.requesterPhone, .division: c.divisionCode, .receivedOn: c.receivedOn,
                .unit: c.unitID.flatMap { units[$0] } ?? "", .ownerLeader: c.ownerLeaderID.flatMap { leaders[$0] } ?? "",
                .state: c.caseState.label, .outcome: c.outcome.flatMap(CaseOutcome.init(rawValue:))?.label ?? "", .closedOn: c.closedOn ?? "",
            ]
            rows.append(CaseSheet.Column.allCases.map { values[$0] ?? "" })
        }
        return rows
    }
}

/// `tongguan export cases [--format csv|xlsx] [--output FILE] [--encoding gb18030] [--backlog] [--division CODE]
/// [--personal --reason R]`.
struct ExportCases: PreparedCommand {
    struct Signature: CommandSignature {
        @Option(name: "format", help: "csv(默认)或 xlsx")
        var format: String?
        @Option(name: "output", help: "输出文件(默认标准输出)")
        var output: String?
        @Option(name: "encoding", help: "CSV 编码:utf8(默认)或 gb18030")
        var encoding: String?
        @Option(name: "division", help: "区划代码")
        var division: String?
        @Flag(name: "backlog", help: "只导出积案")
        var backlog: Bool
        @Flag(name: "personal", help: "诉求人姓名和联系电话不脱敏(须同时给出 --reason,记入审计)")
        var personal: Bool
        @Option(name: "reason", help: "完整导出个人信息的原因")
        var reason: String?
    }

    var help: String { "导出诉求清单(与积案清单同列;诉求人姓名和联系电话默认脱敏,--personal --reason 完整导出)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var filter = CaseFilter()
        if let raw = signature.division {
            guard let code = DivisionCode(raw) else { throw CommandFailure(message: "--division 区划代码格式不正确", exitCode: 2) }
            filter.division = code
        }
        if signature.backlog { filter.backlog = true }
        let mode = try PersonalExport.commandMode(full: signature.personal, reason: signature.reason)
        let caller = try await SheetTransfer.rootCaller(app)
        let rows = try await CaseExport.rows(filter: filter, scope: caller.scope, on: app.db)
        try SheetTransfer.write(
            CaseExport.personal.file(rows, mode: mode), format: signature.format, encoding: signature.encoding, output: signature.output,
            sheetName: "诉求", progress: .forConsole())
        try await CaseExport.personal.record(
            mode, rows: rows.count - 1, division: filter.division?.rawValue ?? caller.scope.root.rawValue, actor: .cli(),
            output: signature.output ?? "(标准输出)", on: app.db)
    }
}
