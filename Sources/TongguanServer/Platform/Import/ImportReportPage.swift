import TongguanDomain
import Vapor

/// The page every upload form answers with: the outcome, or the problems by row and column
/// (and, for a large bad file, their counts by column and reason).
struct ImportReportPage: Encodable, Sendable {
    var filename: String
    var summary: String
    var ok: Bool
    var problems: [RowProblem]?
    var problemCount: Int
    var listed: Int
    var truncated: Bool
    var groups: [RowProblemTally.Group]
    var back: String
    var backLabel: String

    init<R: ImportReporting>(_ report: R, filename: String, back: String, backLabel: String) {
        self.filename = filename
        summary = report.text.components(separatedBy: "\n").first ?? ""
        ok = report.problemCount == 0
        problems = report.problems.isEmpty ? nil : report.problems
        problemCount = report.problemCount
        listed = report.problems.count
        truncated = report.problemCount > report.problems.count
        groups = report.problemSummary
        self.back = back
        self.backLabel = backLabel
    }
}

/// What an upload form posts: the file and the form's checkboxes.
struct UploadForm: Content {
    var file: File?
    var dry_run: String?

    var dryRun: Bool { dry_run == "on" }
}

extension Request {
    /// Answers an upload with the report page; `active` is the navigation entry.
    func importReport<R: ImportReporting>(
        _ report: R, title: String, active: String, filename: String,
        back: String, backLabel: String
    ) async throws -> Response {
        let ok = report.problemCount == 0
        return try await page(
            "import-report", title: title, active: active, status: ok ? .ok : .unprocessableEntity,
            error: ok ? nil : "文件有错误,未导入任何数据",
            ImportReportPage(report, filename: filename, back: back, backLabel: backLabel))
    }

    /// The uploaded file's bytes, or nil (and the page says to choose one).
    func uploadedFile(_ form: UploadForm) -> (Data, String)? {
        guard let file = form.file, file.data.readableBytes > 0 else { return nil }
        return (Data(buffer: file.data), file.filename)
    }
}
