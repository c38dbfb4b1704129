import ConsoleKit
import Foundation
import TongguanDomain
import Vapor

/// What every import answers, whatever the module: counts, and problems kept within bounds.
protocol ImportReporting: Content, Sendable {
    /// Every problem found, listed or not.
    var problemCount: Int { get set }
    /// The first problems (file problems first), at most `RowProblemTally.reportLimit` more.
    var problems: [RowProblem] { get set }
    var problemSummary: [RowProblemTally.Group] { get set }
    /// The Chinese summary people read (first line: the outcome).
    var text: String { get }
}

extension ImportReporting {
    /// Records a refused file: the tally's listed problems, full count and summary.
    mutating func refuse(_ tally: RowProblemTally) {
        problems = tally.reported
        problemCount = tally.total
        problemSummary = tally.summary
    }

    /// The 422 problem+json of a refused file.
    var problem: Problem? {
        guard problemCount > 0 else { return nil }
        var problem = Problem(
            .unprocessableEntity,
            detail: "未导入任何数据:共\(problemCount)处错误"
                + (problemCount > problems.count ? ",列出前\(problems.count)处" : ""))
        problem.rows = problems
        problem.rowCount = problemCount
        problem.rowSummary = problemSummary
        return problem
    }
}

/// The shared edges of every import and export: the API's raw body, the answer, downloads,
/// and the CLI's file reading, caller and output. A module supplies only what is its own.
enum SheetTransfer {
    /// A 100,000-row sheet is about 20 MB as CSV.
    static let maxFileSize: ByteCount = "64mb"

    /// The file an API import carries as its body.
    static func file(of req: Request) throws -> Data {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw Problem(.badRequest, detail: "请求体应为文件内容") }
        return Data(buffer: buffer)
    }

    /// The report, or the 422 problem that lists its rows.
    static func answer<R: ImportReporting>(_ report: R) throws -> R {
        if let problem = report.problem { throw problem }
        return report
    }

    /// `format` and `encoding` of a download, from the query (every bad value at once).
    static func fileOptions(_ req: Request) throws -> (SheetFile.Format, CSVEncoding) {
        var query = QueryReader(req)
        let format = query.enumeration("format", SheetFile.Format.self) ?? .csv
        let encoding = query.enumeration("encoding", CSVEncoding.self) ?? .utf8
        try query.finish()
        return (format, encoding)
    }

    /// Rows (header first) as a download named `<name>-<day>.<ext>`.
    static func download(
        _ rows: [[String]], name: String, sheetName: String, format: SheetFile.Format,
        encoding: CSVEncoding
    ) throws -> Response {
        let data = try SheetFile.write(rows, format: format, encoding: encoding, sheetName: sheetName)
        let day = ChinaDate.display(StoredInstant.string(Date())).prefix(10)
        var headers = HTTPHeaders()
        headers.contentType =
            format == .xlsx
            ? HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": encoding == .gb18030 ? "gb18030" : "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)-\(day).\(format.rawValue)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    // MARK: the command line

    /// The CLI acts with the root division's scope, as `cli:<os user>`.
    static func rootCaller(_ app: Application) async throws -> Caller {
        guard let root = try await Division.root(on: app.db) else { throw CommandFailure(message: "数据库中没有区划") }
        return Caller(userID: UUID(), username: AuditActor.cli().name, role: .admin, scope: DivisionScope(root.code))
    }

    static func readFile(_ path: String) throws -> Data {
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "无法读取文件:\(path)", exitCode: 2)
        }
        return data
    }

    /// Prints the report (text or JSON); a refused file exits 2 with it on standard error.
    static func finish<R: ImportReporting>(_ report: R, json: Bool, progress: Progress, context: CommandContext) throws {
        let text = json ? String(decoding: try JSONEncoder.api.encode(report), as: UTF8.self) : report.text
        progress.finish(report.problemCount == 0 ? (report.text.components(separatedBy: "\n").first ?? "") : "未导入")
        guard report.problemCount == 0 else { throw CommandFailure(message: text, exitCode: 2) }
        context.console.print(text)
    }

    /// Writes an export to `output` (a summary on standard error) or to standard output.
    static func write(
        _ rows: [[String]], format: String?, encoding: String?, output: String?, sheetName: String,
        progress: Progress
    ) throws {
        guard let format = SheetFile.Format(rawValue: format ?? "csv") else {
            throw CommandFailure(message: "--format 应为 csv 或 xlsx", exitCode: 2)
        }
        guard let encoding = CSVEncoding(rawValue: encoding ?? "utf8") else {
            throw CommandFailure(message: "--encoding 应为 utf8 或 gb18030", exitCode: 2)
        }
        progress.update("导出", done: rows.count - 1, total: rows.count - 1)
        let data = try SheetFile.write(rows, format: format, encoding: encoding, sheetName: sheetName)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw CommandFailure(message: "无法写入文件:\(output)")
            }
            progress.finish("已导出到 \(output)")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

extension SheetFile.Format: CaseIterable {
    static var allCases: [SheetFile.Format] { [.csv, .xlsx] }
}

extension CSVEncoding: CaseIterable {
    static var allCases: [CSVEncoding] { [.utf8, .gb18030] }
}
