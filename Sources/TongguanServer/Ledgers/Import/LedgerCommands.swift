import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan import ledger CODE FILE [--dry-run] [--json]`.
struct ImportLedger: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "台账代码")
        var code: String
        @Argument(name: "file", help: "CSV(UTF-8 或 GB18030)或 XLSX 文件")
        var file: String
        @Flag(name: "dry-run", help: "只检查,不写入")
        var dryRun: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入台账表:按唯一字段匹配已有记录,全部成功或全部不导入,并列出错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caller = try await SheetTransfer.rootCaller(app)
        let ctx = try await LedgerCommandSupport.ledger(signature.code, caller: caller, on: app.db)
        let progress = Progress.forConsole()
        let report = try await LedgerSheetImport.run(
            data: try SheetTransfer.readFile(signature.file), ctx: ctx, options: .init(dryRun: signature.dryRun), caller: caller,
            actor: .cli(), protection: LedgerProtection(app), on: app.db, progress: progress)
        try SheetTransfer.finish(report, json: signature.json, progress: progress, context: context)
    }
}

/// `tongguan export ledger CODE [--format csv|xlsx] [--encoding utf8|gb18030] [--output FILE] [--division C] [--state S]`.
struct ExportLedger: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "台账代码")
        var code: String
        @Option(name: "format", help: "csv(默认)或 xlsx")
        var format: String?
        @Option(name: "output", help: "输出文件(默认标准输出)")
        var output: String?
        @Option(name: "encoding", help: "CSV 编码:utf8(默认)或 gb18030")
        var encoding: String?
        @Option(name: "division", help: "区划代码(含下级)")
        var division: String?
        @Option(name: "state", help: "状态代码")
        var state: String?
        @Flag(name: "personal", help: "人员姓名、电话和身份证号不脱敏(须同时给出 --reason,记入审计)")
        var personal: Bool
        @Option(name: "reason", help: "完整导出个人信息的原因")
        var reason: String?
    }

    var help: String { "导出台账表(可再导入;人员姓名、电话和身份证号默认脱敏,--personal --reason 完整导出)" }

    // Unoptimised for the same Swift 6.3.1 -O crash as `LedgerTransferAPI.exportFile`.
    @_optimize(none)
    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let mode = try PersonalExport.commandMode(full: signature.personal, reason: signature.reason)
        let caller = try await SheetTransfer.rootCaller(app)
        let ctx = try await LedgerCommandSupport.ledger(signature.code, caller: caller, on: app.db)
        var parameters: [String: String] = [:]
        parameters["division"] = signature.division
        parameters["state"] = signature.state
        let query: LedgerItemQuery
        do { query = try LedgerItemQuery(parameters: parameters, definition: ctx.definition) } catch {
            throw CommandFailure(message: error.problems.map { "--\($0.field):\($0.message)" }.joined(separator: "\n"), exitCode: 2)
        }
        let rows = try await LedgerSheetExport.rows(ctx, query: query, scope: caller.scope, protection: LedgerProtection(app), on: app.db)
        let export = LedgerSheetExport.personal(ctx.definition)
        try SheetTransfer.write(
            export.file(rows, mode: mode), format: signature.format, encoding: signature.encoding, output: signature.output,
            sheetName: ctx.definition.name, progress: .forConsole())
        try await export.record(
            mode, rows: rows.count - 1, division: signature.division ?? caller.scope.root.rawValue, actor: .cli(),
            output: signature.output ?? "(标准输出)", on: app.db)
    }
}

enum LedgerCommandSupport {
    static func ledger(_ code: String, caller: Caller, on db: any Database) async throws -> LedgerContext {
        do {
            let (ledger, definition) = try await LedgerService.find(code, in: caller.scope, on: db)
            return try LedgerContext(ledger, definition)
        } catch is Refusal {
            let codes = try await Ledger.query(on: db).sort(\.$code).all(\.$code)
            throw CommandFailure(message: "没有代码为「\(code)」的台账" + (codes.isEmpty ? "" : "。已有:" + codes.joined(separator: "、")), exitCode: 2)
        }
    }
}
