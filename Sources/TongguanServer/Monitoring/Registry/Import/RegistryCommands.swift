import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `tongguan import members FILE [--dry-run] [--json]`.
struct ImportMembers: PreparedCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV(UTF-8 或 GB18030)或 XLSX 文件,每行一名成员")
        var file: String
        @Flag(name: "dry-run", help: "只检查,不写入")
        var dryRun: Bool
        @Flag(name: "json", help: "以 JSON 输出报告")
        var json: Bool
    }

    var help: String { "导入农户成员表:按户主身份证号分户,全部成功或全部不导入,并列出错误" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard FileManager.default.isReadableFile(atPath: signature.file) else {
            throw CommandFailure(message: "无法读取文件:\(signature.file)", exitCode: 2)
        }
        let caller = try await SheetTransfer.rootCaller(app)
        let progress = Progress.forConsole()
        let report = try await MemberImport.run(
            .file(signature.file), options: .init(dryRun: signature.dryRun, limits: MemberImport.commandLineLimits),
            scope: caller.scope, ring: try app.registryKeys, actor: .cli(), on: app.db, progress: progress)
        try SheetTransfer.finish(report, json: signature.json, progress: progress, context: context)
    }
}

/// `tongguan export members [--division C] [--format csv|xlsx] [--encoding …] [--output FILE]
/// [--with-ids --reason R]`.
struct ExportMembers: PreparedCommand {
    struct Signature: CommandSignature {
        @Option(name: "format", help: "csv(默认)或 xlsx")
        var format: String?
        @Option(name: "output", help: "输出文件(默认标准输出)")
        var output: String?
        @Option(name: "encoding", help: "CSV 编码:utf8(默认)或 gb18030")
        var encoding: String?
        @Option(name: "division", help: "区划代码(含下级)")
        var division: String?
        @Flag(name: "with-ids", help: "写出完整身份证号(仅限管理员;须同时给出 --reason,记入审计)")
        var withIDs: Bool
        @Option(name: "reason", help: "导出完整身份证号的原因")
        var reason: String?
    }

    var help: String { "导出农户成员表(默认身份证号脱敏;--with-ids 写出完整身份证号,可在别处再导入)" }

    func execute(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let format = SheetFile.Format(rawValue: signature.format ?? "csv") else {
            throw CommandFailure(message: "--format 应为 csv 或 xlsx", exitCode: 2)
        }
        guard let encoding = CSVEncoding(rawValue: signature.encoding ?? "utf8") else {
            throw CommandFailure(message: "--encoding 应为 utf8 或 gb18030", exitCode: 2)
        }
        var filter = HouseholdFilter()
        if let raw = signature.division {
            guard let code = DivisionCode(raw) else { throw CommandFailure(message: "--division 不是有效的区划代码", exitCode: 2) }
            filter.division = code
        }
        var reason: String?
        if signature.withIDs {
            guard let raw = signature.reason, let text = try? TextPolicy.singleLine(raw), text.count >= 2, text.count <= 200 else {
                throw CommandFailure(message: "--with-ids 须同时用 --reason 写明原因(2到200个字)", exitCode: 2)
            }
            reason = text
        } else if signature.reason != nil {
            throw CommandFailure(message: "--reason 只与 --with-ids 一起使用", exitCode: 2)
        }
        let caller = try await SheetTransfer.rootCaller(app)
        let ring = try app.registryKeys
        let progress = Progress.forConsole()
        let options = MemberExport.Options(filter: filter, withIDs: signature.withIDs, maskNames: false)
        let sink = try ExportSink(format: format, encoding: encoding, output: signature.output)
        let count = try await MemberExport.rows(options, scope: caller.scope, ring: ring, on: app.db) { rows in
            try sink.write(rows)
            progress.update("导出", done: sink.rows - 2)
        }
        try sink.close()
        if let reason {
            let place = filter.division?.rawValue ?? caller.scope.root.rawValue
            // The CLI is the root division's admin; the reason and the extent go to the trail.
            try await app.db.audited(by: .cli()) { _, audit in
                var diff = AuditDiff()
                diff.created("reason", reason)
                diff.created("division", place)
                diff.created("members", String(count))
                diff.created("output", signature.output ?? "(标准输出)")
                audit.record(
                    "members.export_ids", entityType: "export", entityID: UUID().uuidString.lowercased(),
                    divisionCode: place, changes: diff.changes)
            }
        }
        if let output = signature.output { progress.finish("已导出 \(count) 名成员到 \(output)") }
    }
}

/// Where an export goes: CSV is written as it comes (a million members never sit in memory);
/// XLSX is assembled at the end.
final class ExportSink: @unchecked Sendable {
    let format: SheetFile.Format
    let encoding: CSVEncoding
    let output: String?
    private let handle: FileHandle
    private var xlsxRows: [[String]] = []
    private(set) var rows = 0

    init(format: SheetFile.Format, encoding: CSVEncoding, output: String?) throws {
        self.format = format
        self.encoding = encoding
        self.output = output
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                let handle = FileHandle(forWritingAtPath: output)
            else { throw CommandFailure(message: "无法写入文件:\(output)") }
            self.handle = handle
        } else {
            handle = FileHandle.standardOutput
        }
        if format == .csv && encoding == .utf8 { handle.write(Data([0xEF, 0xBB, 0xBF])) }
    }

    func write(_ rows: [[String]]) throws {
        self.rows += rows.count
        guard format == .csv else { xlsxRows += rows; return }
        var text = ""
        for row in rows { text += CSVParser.line(row.map(FormulaGuard.guarded)) + "\r\n" }
        switch encoding {
        case .utf8: handle.write(Data(text.utf8))
        case .gb18030:
            guard let data = TextEncoding.encodeGB18030(text) else { throw CommandFailure(message: "无法以 GB18030 编码写出 CSV") }
            handle.write(data)
        }
    }

    func close() throws {
        if format == .xlsx {
            do { handle.write(try SheetFile.write(xlsxRows, format: .xlsx, sheetName: "农户成员")) } catch {
                throw CommandFailure(message: error.message)
            }
        }
        if output != nil { try? handle.close() }
    }
}
