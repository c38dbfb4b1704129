import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Imports the income-assessment sheet (`AssessmentSheet`: one assessment per row, the
/// household named by its head's resident ID). Every row is checked as the file streams in;
/// then, in one audited transaction, each head is found through the blind index (a head
/// unknown or outside the caller's scope is a row problem, the same words for both), a row
/// whose household already has an assessment of that date with the same inputs is skipped
/// (so re-importing a file changes nothing), one with other inputs is refused, and every
/// other row is recorded through `AssessmentService.record`, which runs the early-warning
/// rules exactly as the API does. All rows or none; a dry run is the import rolled back.
enum AssessmentImport {
    struct Options: Sendable {
        var dryRun = false
        var limits = SheetLimits()
    }

    /// Cells one command-line file may hold: 300,000 assessments with every column and room.
    static let commandLineLimits = SheetLimits(cells: 6_000_000)

    struct Report: ImportReporting, Equatable {
        var applied = false
        var dryRun: Bool
        var rows = 0
        var assessmentsCreated = 0
        var assessmentsUnchanged = 0
        var warningsRaised = 0
        var warningsResolved = 0
        var warningsSuperseded = 0
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
            return "\(verb):共 \(rows) 行;新登记评估 \(assessmentsCreated) 条,已有相同评估 \(assessmentsUnchanged) 条;"
                + "新发预警 \(warningsRaised) 条,自动解除 \(warningsResolved) 条,被取代 \(warningsSuperseded) 条"
        }
    }

    /// Row problems found against the stored data: the file is refused, the transaction
    /// rolled back.
    struct Refused: Error, Sendable { var tally: RowProblemTally }

    /// The counts inside the transaction; thrown out of it to roll a dry run back.
    struct Outcome: Error, Sendable {
        var created = 0
        var unchanged = 0
        var warnings = WarningService.Outcome()
    }

    /// The message for a head the caller cannot see: unknown and out of scope read alike.
    static let unknownHead = "未找到以此身份证号为户主的在册农户(或该户不在您的管辖范围内)"

    static func run(
        _ source: SheetStream, options: Options, scope: DivisionScope, ring: KeyRing, assessedBy: String, actor: AuditActor,
        on db: any Database, progress: Progress = .silent, today: CivilDate = RegistryFinder.today()
    ) async throws -> Report {
        var report = Report(dryRun: options.dryRun)
        var tally = RowProblemTally()
        var columns: [AssessmentSheet.Column: Int]?
        var headerRefused = false
        var drafts: [AssessmentSheet.Draft] = []
        var cells = 0
        do {
            try source.read(limits: options.limits) { row in
                cells += row.cells.count
                if cells > options.limits.cells {
                    tally.addFile(RowProblem(row: row.line, column: "文件", message: options.limits.tooLargeMessage))
                    return false
                }
                guard let found = columns else {
                    switch AssessmentSheet.columns(in: row.cells.map(\.text)) {
                    case .success(let positions): columns = positions
                    case .failure(let header):
                        tally.addHeader(header.problems.map { RowProblem(row: row.line, column: $0.column, message: $0.message) })
                        headerRefused = true
                    }
                    return !headerRefused
                }
                if row.cells.allSatisfy(\.isEmpty) { return true }
                report.rows += 1
                if report.rows % 5000 == 0 { progress.update("检查", done: report.rows) }
                switch AssessmentSheet.draft(row, columns: found, today: today) {
                case .success(let draft): drafts.append(draft)
                case .failure(let problems): tally.add(problems.problems)
                }
                return true
            }
        } catch {
            tally.addFile(RowProblem(row: 1, column: "文件", message: error.message))
        }
        if columns == nil && tally.isEmpty {
            tally.addFile(RowProblem(row: 1, column: "文件", message: "文件是空的:第一行应为表头"))
        } else if columns != nil && report.rows == 0 && tally.isEmpty {
            tally.addFile(RowProblem(row: 2, column: "文件", message: "表头下没有数据行"))
        }
        for problem in AssessmentSheet.duplicateProblems(drafts) { tally.add(problem) }
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        // Older assessments first, so each is judged against the one before it.
        let ordered = drafts.sorted { ($0.assessedOn, $0.line) < ($1.assessedOn, $1.line) }
        drafts = []
        let outcome: Outcome
        do {
            outcome = try await db.audited(by: actor) { tx, audit in
                let households = try await Self.households(headedBy: ordered.map(\.headResidentID), ring: ring, on: tx)
                let config = try await MonitoringConfig.load(on: tx)
                var result = Outcome()
                var problems = RowProblemTally()
                for (done, draft) in ordered.enumerated() {
                    if done % 1000 == 999 { progress.update("写入", done: done + 1, total: ordered.count) }
                    let idColumn = AssessmentSheet.Column.headResidentID.rawValue
                    guard let household = households[draft.headResidentID], scope.contains(household.divisionCode) else {
                        problems.add(RowProblem(row: draft.line, column: idColumn, message: unknownHead))
                        continue
                    }
                    if let stored = try await AssessmentRecord.query(on: tx).filter(\.$householdID == (try household.requireID()))
                        .filter(\.$assessedOn == draft.assessedOn.description).first()
                    {
                        let row = IncomeAssessment(
                            assessedOn: draft.assessedOn, figures: draft.figures, housingSafe: draft.housingSafe, waterSafe: draft.waterSafe,
                            netIncomeFen: 0, perCapitaFen: 0, memberCount: 0)
                        if stored.assessment.sameInputs(as: row) {
                            result.unchanged += 1
                        } else {
                            problems.add(
                                RowProblem(
                                    row: draft.line, column: AssessmentSheet.Column.assessedOn.rawValue,
                                    message: "该户已有\(draft.assessedOn.chinese)的收入评估,数值与本行不同;已登记的评估不能修改"))
                        }
                        continue
                    }
                    let input = AssessmentService.Input(
                        assessedOn: draft.assessedOn, figures: draft.figures, housingSafe: draft.housingSafe, waterSafe: draft.waterSafe,
                        assessedBy: assessedBy)
                    do {
                        let recorded = try await AssessmentService.record(
                            input, household: household, ring: ring, config: config, today: today, audit: audit, on: tx)
                        result.created += 1
                        result.warnings = result.warnings + recorded.outcome
                    } catch let refusal as Refusal {
                        problems.add(rowProblems(refusal, line: draft.line))
                    }
                }
                if !problems.isEmpty { throw Refused(tally: problems) }
                var diff = AuditDiff()
                diff.created("rows", String(ordered.count))
                diff.created("assessments_created", String(result.created))
                diff.created("assessments_unchanged", String(result.unchanged))
                diff.created("warnings_raised", String(result.warnings.raised))
                audit.record(
                    "assessments.import", entityType: "import", entityID: actor.requestID, divisionCode: scope.root.rawValue,
                    changes: diff.changes)
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
        report.assessmentsCreated = outcome.created
        report.assessmentsUnchanged = outcome.unchanged
        report.warningsRaised = outcome.warnings.raised
        report.warningsResolved = outcome.warnings.resolved
        report.warningsSuperseded = outcome.warnings.superseded
        return report
    }

    /// A refusal of one row (no line in force, a closed household, no present member) as
    /// the row's problems; field problems name their sheet column.
    static func rowProblems(_ refusal: Refusal, line: Int) -> [RowProblem] {
        let date = AssessmentSheet.Column.assessedOn.rawValue
        let head = AssessmentSheet.Column.headResidentID.rawValue
        var found = refusal.problems.map { RowProblem(row: line, column: column(forField: $0.field), message: $0.message) }
        found += refusal.conditions.map { RowProblem(row: line, column: date, message: $0.message) }
        if found.isEmpty { found.append(RowProblem(row: line, column: refusal.kind == .conflict ? head : date, message: refusal.message)) }
        return found
    }

    static func column(forField field: String) -> String {
        let byField: [String: AssessmentSheet.Column] = [
            "assessed_on": .assessedOn, "wages_fen": .wages, "business_fen": .business, "property_fen": .property,
            "transfer_fen": .transfer, "production_costs_fen": .productionCosts, "medical_fen": .medical, "education_fen": .education,
        ]
        return (byField[field] ?? .assessedOn).rawValue
    }

    /// The households whose present head holds each resident ID, found through the blind
    /// index (under every key of the ring) in batches; the clear IDs never leave this process.
    static func households(headedBy ids: [String], ring: KeyRing, on db: any Database) async throws -> [String: Household] {
        struct Row: Decodable { var household_id: UUID; var resident_id_index: String }
        var byIndex: [String: String] = [:]
        for id in Set(ids) { for index in ring.blindIndexes(id) { byIndex[index] = id } }
        var householdOf: [String: UUID] = [:]
        let indexes = Array(byIndex.keys)
        for start in stride(from: 0, to: indexes.count, by: 500) {
            let batch = Array(indexes[start..<min(start + 500, indexes.count)])
            let rows = try await db.sql.select().column("household_id").column("resident_id_index").from(Member.schema)
                .where("resident_id_index", .in, SQLBind.group(batch))
                .where("relation", .equal, SQLBind(TongguanDomain.Relation.head.rawValue))
                // A literal, not a bind: only then may the planners use the partial unique
                // index on present members' IDs (as RegistryFinder does).
                .where(SQLColumn("status"), .equal, SQLLiteral.string(MemberStatus.present.rawValue))
                .all(decoding: Row.self)
            for row in rows { if let id = byIndex[row.resident_id_index] { householdOf[id] = row.household_id } }
        }
        var result: [String: Household] = [:]
        let householdIDs = Array(Set(householdOf.values))
        var byID: [UUID: Household] = [:]
        for start in stride(from: 0, to: householdIDs.count, by: 500) {
            let batch = Array(householdIDs[start..<min(start + 500, householdIDs.count)])
            for h in try await Household.query(on: db).filter(\.$id ~~ batch).all() { byID[h.id!] = h }
        }
        for (id, householdID) in householdOf { result[id] = byID[householdID] }
        return result
    }
}
