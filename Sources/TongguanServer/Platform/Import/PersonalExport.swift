import ConsoleKit
import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The one path for exports with personal columns (names, phones, resident IDs, addresses).
/// A module describes its sheet (`PersonalSheet`: which columns, of what kind) and who may
/// export it in full; the platform then
///
/// - masks every personal cell in a default export, the way pages mask them, and writes the
///   notice line first (`PersonalSheet.sheet`);
/// - lets a full export through only for an allowed role with a stated reason (CLI
///   `--personal --reason "…"`; API `POST …/export` with `{"reason"}` in the body; pages a
///   form with a reason field — never in a URL), and refuses others with 403;
/// - records every full export in the audit trail (`export.personal`: the sheet, the reason,
///   the columns, the row count — never a value).
struct PersonalExport: Sendable {
    /// `cases`, `members`, `ledger:<code>`: the audit event's entity.
    var name: String
    var sheet: PersonalSheet
    /// Who may export the personal columns in full (the CLI acts as the root admin).
    var allows: @Sendable (Role) -> Bool
    /// The refusal for others, in Chinese.
    var refusal: String

    static let auditAction = "export.personal"
    static let auditLabel = "完整导出个人信息"

    /// How an export is asked for: masked (the default) or in full with a reason.
    enum Mode: Sendable, Equatable {
        case masked
        case full(reason: String)

        var isFull: Bool { self != .masked }
    }

    /// A reason: one line under the text policy, 2 to 200 characters.
    static func checkedReason(_ raw: String?) -> String? {
        guard let raw, let text = try? TextPolicy.singleLine(raw), (2...200).contains(text.count) else { return nil }
        return text
    }

    static let reasonProblem = "须写明完整导出个人信息的原因(2到200个字)"

    /// A full export for `caller`, or the refusal: 403 for a role not allowed (before the
    /// reason is looked at), 422 for a missing reason.
    func fullMode(for caller: Caller, reason read: () throws -> String?) throws -> Mode {
        guard allows(caller.role) else { throw Refusal.forbidden(refusal) }
        guard let reason = Self.checkedReason(try read()) else { throw Refusal.invalid([FieldProblem(field: "reason", message: Self.reasonProblem)]) }
        return .full(reason: reason)
    }

    /// The mode of a command line (`flag` given or not, `--reason`).
    static func commandMode(full: Bool, flag: String = "--personal", reason raw: String?) throws -> Mode {
        guard full else {
            if raw != nil { throw CommandFailure(message: "--reason 只与 \(flag) 一起使用", exitCode: 2) }
            return .masked
        }
        guard let reason = checkedReason(raw) else {
            throw CommandFailure(message: "\(flag) 须同时用 --reason 写明原因(2到200个字)", exitCode: 2)
        }
        return .full(reason: reason)
    }

    /// `rows` (header first, clear values) as the file to write: notice line, header, rows
    /// masked unless the mode is full.
    /// A sheet without personal columns is written as it is (no notice line).
    func file(_ rows: [[String]], mode: Mode) -> [[String]] { sheet.isEmpty ? rows : sheet.sheet(rows, full: mode.isFull) }

    /// Masks chunk after chunk of a streamed export (the header decides the positions).
    struct Masker: Sendable {
        let positions: [(Int, PersonalData)]

        init(_ export: PersonalExport, header: [String], mode: Mode) {
            positions = mode.isFull ? [] : export.sheet.positions(in: header)
        }

        func apply(_ rows: [[String]]) -> [[String]] {
            positions.isEmpty ? rows : rows.map { PersonalSheet.masked($0, at: positions) }
        }
    }

    /// Records a full export (nothing for a masked one): who (the actor), why, which columns,
    /// how many rows, where (the division the rows were chosen in).
    func record(_ mode: Mode, rows: Int, division: String, actor: AuditActor, output: String? = nil, on db: any Database) async throws {
        guard case .full(let reason) = mode else { return }
        try await db.audited(by: actor) { _, audit in
            var diff = AuditDiff()
            diff.created("sheet", name)
            diff.created("reason", reason)
            diff.created("columns", sheet.columns.map(\.header).joined(separator: "、"))
            diff.created("rows", String(rows))
            if let output { diff.created("output", output) }
            audit.record(
                Self.auditAction, entityType: "export", entityID: UUID().uuidString.lowercased(), divisionCode: division, changes: diff.changes)
        }
    }

    // MARK: HTTP

    /// The JSON body of an API full export: `{"reason"}`.
    static func reason(ofBody req: Request) throws -> String? {
        var input = try InputReader(req)
        let reason = input.string("reason")
        try input.finish()
        return reason
    }

    /// The `reason` field of a page's form.
    static func reason(ofForm req: Request) throws -> String? {
        struct Form: Content { var reason: String? }
        return try req.content.decode(Form.self).reason
    }

    static let requestSchema = JSONSchema.object([("reason", .string(description: "完整导出个人信息的原因(2到200个字),记入审计"))], required: ["reason"])
}

extension PersonalExport {
    /// What a list page needs for its full-export form (`personal-export.leaf`): nil when
    /// the caller may not export in full.
    struct FormBody: Encodable, Sendable {
        /// The export's page path with the list's filters (never the reason).
        var action: String
        var columns: String
    }

    func form(action: String, for caller: Caller) -> FormBody? {
        allows(caller.role) ? FormBody(action: action, columns: sheet.columns.map(\.header).joined(separator: "、")) : nil
    }
}
