import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Imports the member sheet (one row per member, grouped into households by 户主身份证号):
/// every row is checked as the file streams in; then, in one audited transaction, each
/// household is matched to the registry through its head's blind index, new households get
/// codes (after the highest sequence ever issued in their village), known ones are updated
/// in place (so re-importing a file changes nothing), and an ID present in another household
/// is refused, naming that household's code. All rows or none; a dry run is the import
/// rolled back. The report stays small however bad the file (`RowProblemTally`).
enum MemberImport {
    struct Options: Sendable {
        var dryRun = false
        var limits = SheetLimits()
        /// Members per write batch; nil for the engine's (`BulkRows.chunk(for:)`). Tests make
        /// it small to see several batches go through the pipeline.
        var batchSize: Int?
    }

    /// Cells one command-line file may hold: a million members with every column and room.
    static let commandLineLimits = SheetLimits(cells: 30_000_000)

    struct Report: ImportReporting, Equatable {
        var applied = false
        var dryRun: Bool
        var rows = 0
        var households = 0
        var householdsCreated = 0
        var householdsUpdated = 0
        var householdsUnchanged = 0
        var membersCreated = 0
        var membersUpdated = 0
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
            return "\(verb):共 \(rows) 行、\(households) 户;新建 \(householdsCreated) 户,更新 \(householdsUpdated) 户,未变 \(householdsUnchanged) 户;"
                + "新登记成员 \(membersCreated) 人,更新 \(membersUpdated) 人"
        }
    }

    /// Problems found under the write lock (against the stored registry): the file is refused.
    struct Refused: Error, Sendable { var tally: RowProblemTally }

    /// The import's counts inside the transaction; thrown out of it to roll a dry run back.
    struct Outcome: Error, Sendable {
        var householdsCreated = 0
        var householdsUpdated = 0
        var householdsUnchanged = 0
        var membersCreated = 0
        var membersUpdated = 0
    }

    static func run(
        _ source: SheetStream, options: Options, scope: DivisionScope, ring: KeyRing, actor: AuditActor, on db: any Database,
        progress: Progress = .silent, today: CivilDate = RegistryFinder.today()
    ) async throws -> Report {
        var report = Report(dryRun: options.dryRun)
        let villages = MemberSheet.Villages(known: try await RegistryFinder.villages(on: db), scope: scope)
        var checker = MemberSheetChecker(today: today, villages: villages, tallying: true)
        var tally = RowProblemTally()
        var cells = 0
        var rows = 0
        do {
            try source.read(limits: options.limits) { row in
                cells += row.cells.count
                if cells > options.limits.cells {
                    tally.addFile(RowProblem(row: row.line, column: "文件", message: options.limits.tooLargeMessage))
                    return false
                }
                rows += 1
                if rows % 5000 == 0 { progress.update("检查", done: rows) }
                checker.add(row)
                return true
            }
        } catch {
            tally.addFile(RowProblem(row: 1, column: "文件", message: error.message))
        }
        report.rows = checker.dataRows
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        guard let households = checker.finish(into: &tally) else {
            report.refuse(tally)
            return report
        }
        report.households = households.count
        let outcome: Outcome
        do {
            outcome = try await db.audited(by: actor) { tx, audit in
                try await tx.sql.tuneSQLiteCache(kibibytes: 65536)
                var writer = MemberImportWriter(
                    tx: tx, audit: audit, ring: ring, scope: scope, today: today, progress: progress, batchSize: options.batchSize)
                let result = try await writer.apply(households)
                var diff = AuditDiff()
                diff.created("rows", String(households.memberCount))
                diff.created("households_created", String(result.householdsCreated))
                diff.created("households_updated", String(result.householdsUpdated))
                diff.created("members_created", String(result.membersCreated))
                diff.created("members_updated", String(result.membersUpdated))
                audit.record(
                    "members.import", entityType: "import", entityID: actor.requestID, divisionCode: scope.root.rawValue, changes: diff.changes)
                if options.dryRun { throw result }
                return result
            }
            report.applied = true
        } catch let rolledBack as Outcome {
            outcome = rolledBack
        } catch let refused as Refused {
            report.refuse(refused.tally)
            return report
        }
        report.householdsCreated = outcome.householdsCreated
        report.householdsUpdated = outcome.householdsUpdated
        report.householdsUnchanged = outcome.householdsUnchanged
        report.membersCreated = outcome.membersCreated
        report.membersUpdated = outcome.membersUpdated
        return report
    }
}
