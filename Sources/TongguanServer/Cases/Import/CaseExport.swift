import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Cases as a sheet with the backlog list's columns (`CaseSheet.Column`), so an exported list
/// reads back through the import (states under review excepted: the import refuses them).
enum CaseExport {
    static let limit = 200_000

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

/// `tongguan export cases [--format csv|xlsx] [--output FILE] [--encoding gb18030] [--backlog] [--division CODE]`.
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
    }

    var help: String { "导出诉求清单(与积案清单同列,可再导入)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var filter = CaseFilter()
        if let raw = signature.division {
            guard let code = DivisionCode(raw) else { throw CommandFailure(message: "--division 区划代码格式不正确", exitCode: 2) }
            filter.division = code
        }
        if signature.backlog { filter.backlog = true }
        let caller = try await SheetTransfer.rootCaller(app)
        let rows = try await CaseExport.rows(filter: filter, scope: caller.scope, on: app.db)
        try SheetTransfer.write(
            rows, format: signature.format, encoding: signature.encoding, output: signature.output, sheetName: "诉求", progress: .forConsole())
    }
}
