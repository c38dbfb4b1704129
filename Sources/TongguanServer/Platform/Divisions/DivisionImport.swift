import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Loads a division list — the statistics bureau's village list as CSV (UTF-8 or GB18030) or
/// XLSX, or the platform's own `code,name` — down to 12-digit village codes. Every row is
/// checked before anything is written (`DivisionSheet`, then `DivisionPlan` against the
/// stored tree); then everything is written in one audited transaction, or nothing. The
/// report says what the list changes: created, renamed (old → new), unchanged, and villages
/// the list leaves out under a township it covers (possibly merged; never deleted).
enum DivisionImport {
    struct Options: Sendable {
        var dryRun = false
        /// A whole province's village list is about 30,000 rows × 3 columns.
        var limits = SheetLimits(cells: 1_000_000, columnsPerRow: 64)
    }

    /// At most this many renames and possibly merged villages are listed (all are counted).
    static let listLimit = 200

    struct Rename: Content, Equatable {
        var row: Int
        var code: String
        var before: String
        var after: String
    }

    struct Absent: Content, Equatable {
        var code: String
        var name: String
    }

    struct Report: ImportReporting, Equatable {
        var applied = false
        var dryRun: Bool
        var rows = 0
        var created = 0
        var renamed = 0
        var unchanged = 0
        /// Stored villages under a township the file lists, absent from the file.
        var possiblyMerged = 0
        /// New divisions by level (`township`, `village`, …).
        var createdByLevel: [String: Int] = [:]
        var renames: [Rename] = []
        var merged: [Absent] = []
        var problems: [RowProblem] = []
        var problemCount = 0
        var problemSummary: [RowProblemTally.Group] = []

        init(dryRun: Bool) { self.dryRun = dryRun }

        static var chooseAFile: Report {
            var report = Report(dryRun: false)
            var tally = RowProblemTally()
            tally.addFile(RowProblem(row: 1, column: "文件", message: "请选择要导入的文件"))
            report.refuse(tally)
            return report
        }

        mutating func describe(_ plan: DivisionPlan) {
            created = plan.created.count
            renamed = plan.renamed.count
            unchanged = plan.unchanged
            possiblyMerged = plan.possiblyMerged.count
            createdByLevel = plan.created.reduce(into: [:]) { $0[$1.code.level.rawValue, default: 0] += 1 }
            renames = plan.renamed.prefix(listLimit).map { Rename(row: $0.line, code: $0.code.rawValue, before: $0.before, after: $0.after) }
            merged = plan.possiblyMerged.prefix(listLimit).map { Absent(code: $0.code.rawValue, name: $0.name) }
        }

        /// The Chinese summary: the outcome on the first line, then renames and possible merges.
        var text: String {
            if problemCount > 0 {
                var s = "未导入任何数据:共 \(problemCount) 处错误"
                if problemCount > problems.count { s += "(列出前 \(problems.count) 处)" }
                s += "\n" + problems.map(\.text).joined(separator: "\n")
                if problemCount > problems.count {
                    s += "\n按列和原因计数:\n" + problemSummary.map { "「\($0.column)」\($0.message):\($0.count) 处" }.joined(separator: "\n")
                }
                return s
            }
            let verb = dryRun ? "试导入(未写入)" : "导入完成"
            var s = "\(verb):共 \(rows) 行,新增 \(created) 个,改名 \(renamed) 个,未变 \(unchanged) 个"
            let levels = Division.Level.allCases.compactMap { level in
                createdByLevel[level.rawValue].map { "\(level.label) \($0) 个" }
            }
            if !levels.isEmpty { s += "(新增" + levels.joined(separator: "、") + ")" }
            if possiblyMerged > 0 { s += ";疑似已合并或撤销 \(possiblyMerged) 个(未删除)" }
            if !renames.isEmpty {
                s += "\n改名:"
                for r in renames { s += "\n  \(r.code) \(r.before) → \(r.after)" }
                if renamed > renames.count { s += "\n  ……另有 \(renamed - renames.count) 个" }
            }
            if !merged.isEmpty {
                s += "\n疑似已合并或撤销:文件列出了所在乡镇的村,却没有以下 \(possiblyMerged) 个村;区划从不删除(可能有记录挂在其下),请核对:"
                for m in merged { s += "\n  \(m.code) \(m.name)" }
                if possiblyMerged > merged.count { s += "\n  ……另有 \(possiblyMerged - merged.count) 个" }
            }
            return s
        }
    }

    /// Reads rows one at a time (the first is the header) and keeps the valid ones.
    struct Checker: Sendable {
        let options: Options
        var columns: DivisionSheet.Columns?
        var headerSeen = false
        var dataRows = 0
        var cells = 0
        var tally = RowProblemTally()
        var entries: [DivisionSheet.Entry] = []
        /// Every code read, valid name or not, with its first row.
        var seen: [String: Int] = [:]

        init(options: Options) { self.options = options }

        /// Checks one row; false once the file has asked for more work than it may.
        mutating func check(_ row: SheetRow) -> Bool {
            cells += row.cells.count
            if cells > options.limits.cells {
                tally.addFile(RowProblem(row: row.line, column: "文件", message: options.limits.tooLargeMessage))
                return false
            }
            guard headerSeen else {
                headerSeen = true
                switch DivisionSheet.columns(in: row.cells.map(\.text), line: row.line) {
                case .failure(let failure): tally.addHeader(failure.problems)
                case .success(let c): columns = c
                }
                return true
            }
            guard let columns, !DivisionSheet.isBlank(row) else { return true }
            dataRows += 1
            var problems: [RowProblem] = []
            let raw = row.cells.count > columns.code ? row.cells[columns.code].text : ""
            if let code = try? DivisionSheet.code(raw) {
                if let first = seen[code.rawValue] {
                    problems.append(RowProblem(row: row.line, column: columns.codeLabel, message: "与第\(first)行重复(区划代码 \(code.rawValue))"))
                } else {
                    seen[code.rawValue] = row.line
                }
            }
            switch DivisionSheet.entry(row, columns: columns) {
            case .failure(let failure): problems += failure.problems
            case .success(let entry): if problems.isEmpty { entries.append(entry) }
            }
            if !problems.isEmpty { tally.add(problems) }
            return true
        }

        /// The plan against the stored tree, with every problem the checker found before it.
        func plan(existing: [String: String], scope: DivisionScope) -> (DivisionPlan, RowProblemTally) {
            let plan = DivisionPlan(
                entries: entries, fileCodes: Set(seen.keys), existing: existing, scope: scope,
                codeColumn: columns?.codeLabel ?? DivisionSheet.Column.code.rawValue)
            var all = tally
            for problem in plan.problems { all.add(problem) }
            return (plan, all)
        }
    }

    /// A file (CSV or XLSX) as the CLI, the API and the upload form bring it.
    static func run(
        data: Data, options: Options = .init(), scope: DivisionScope, actor: AuditActor, on db: any Database,
        progress: Progress = .silent
    ) async throws -> Report {
        var checker = Checker(options: options)
        do {
            try SheetFile.read(data, limits: options.limits) { row in
                if row.line % 2000 == 0 { progress.update("检查", done: row.line) }
                return checker.check(row)
            }
        } catch {
            var report = Report(dryRun: options.dryRun)
            var tally = RowProblemTally()
            tally.addFile(RowProblem(row: 1, column: "文件", message: error.message))
            report.refuse(tally)
            return report
        }
        progress.update("检查", done: checker.dataRows)
        if !checker.headerSeen {
            checker.tally.addFile(RowProblem(row: 1, column: "文件", message: "文件为空"))
        } else if checker.columns != nil, checker.dataRows == 0, checker.tally.isEmpty {
            checker.tally.addFile(RowProblem(row: 2, column: "文件", message: "没有数据行"))
        }
        return try await apply(checker, options: options, scope: scope, actor: actor, on: db)
    }

    /// Rows built in code (the demo's villages), through the same checks and write.
    static func run(
        entries: [(code: String, name: String)], options: Options = .init(), scope: DivisionScope, actor: AuditActor,
        on db: any Database
    ) async throws -> Report {
        var checker = Checker(options: options)
        _ = checker.check(SheetRow(line: 1, cells: [.text("code"), .text("name")]))
        for (i, e) in entries.enumerated() { _ = checker.check(SheetRow(line: i + 2, cells: [.text(e.code), .text(e.name)])) }
        return try await apply(checker, options: options, scope: scope, actor: actor, on: db)
    }

    /// The plan failed under the write lock (the tree changed since the file was checked).
    private struct Refused: Error { var tally: RowProblemTally }

    static func apply(
        _ checker: Checker, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database
    ) async throws -> Report {
        var report = Report(dryRun: options.dryRun)
        report.rows = checker.dataRows
        guard checker.columns != nil, checker.tally.fileProblems.isEmpty else {
            report.refuse(checker.tally)
            return report
        }
        // A refused file or a dry run only reads; a real import plans again under the write
        // lock, so two imports at once take turns and the second sees what the first wrote.
        if options.dryRun || !checker.tally.isEmpty {
            let (plan, tally) = checker.plan(existing: try await Division.allNames(on: db), scope: scope)
            guard tally.isEmpty else {
                report.refuse(tally)
                return report
            }
            report.describe(plan)
            return report
        }
        do {
            let plan = try await db.audited(by: actor) { tx, audit in
                let existing = try await Division.allNames(on: tx)
                let (plan, tally) = checker.plan(existing: existing, scope: scope)
                guard tally.isEmpty else { throw Refused(tally: tally) }
                try await DivisionService.write(created: plan.created, renamed: plan.renamed, existing: existing, on: tx, audit: audit)
                return plan
            }
            report.applied = true
            report.describe(plan)
        } catch let refused as Refused {
            report.refuse(refused.tally)
        }
        return report
    }
}
