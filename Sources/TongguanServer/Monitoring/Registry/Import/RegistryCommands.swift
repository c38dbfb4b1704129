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
/// [--with-ids|--personal --reason R]`.
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
        @Flag(name: "with-ids", help: "写出完整身份证号及姓名、电话、住址(仅限管理员;须同时给出 --reason,记入审计)")
        var withIDs: Bool
        @Flag(name: "personal", help: "同 --with-ids(各类导出通用的写法)")
        var personal: Bool
        @Option(name: "reason", help: "完整导出个人信息的原因")
        var reason: String?
    }

    var help: String { "导出农户成员表(默认姓名、身份证号、电话、住址脱敏;--with-ids 或 --personal 完整写出,可在别处再导入)" }

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
        let full = signature.withIDs || signature.personal
        let mode = try PersonalExport.commandMode(full: full, flag: signature.personal ? "--personal" : "--with-ids", reason: signature.reason)
        let caller = try await SheetTransfer.rootCaller(app)
        let ring = try app.registryKeys
        let progress = Progress.forConsole()
        let options = MemberExport.Options(filter: filter, withIDs: full)
        let sink = try ExportSink(format: format, encoding: encoding, output: signature.output)
        let count = try await MemberExport.rows(options, scope: caller.scope, ring: ring, on: app.db) { rows in
            try sink.write(rows)
            progress.update("导出", done: sink.rows - 2)
        }
        try sink.close()
        try await MemberExport.personal.record(
            mode, rows: count, division: filter.division?.rawValue ?? caller.scope.root.rawValue, actor: .cli(),
            output: signature.output ?? "(标准输出)", on: app.db)
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
