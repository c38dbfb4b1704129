import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Imports the project sheet: every row is checked before anything is written; then all rows
/// are applied in one audited transaction, or none. A row is matched to an existing project
/// by credit code + name, so re-importing a file changes nothing and an edited file updates
/// in place.
///
/// However bad a file is, the report stays small (`RowProblemTally`) and the work bounded
/// (`SheetLimits`). Matching against stored projects happens inside the write lock, so two
/// imports of one file at once take turns and the second finds what the first wrote. A dry
/// run is the real import rolled back, so it reports exactly what the import would do.
enum ProjectImport {
    struct Options: Sendable {
        var dryRun = false
        var createRounds = false
        var limits = SheetLimits()
    }

    struct Report: ImportReporting, Equatable {
        var applied: Bool
        var dryRun: Bool
        var rows: Int
        var created: Int
        var updated: Int
        var unchanged: Int
        var roundsCreated: [String]
        /// The first problems in file order (at most `RowProblemTally.reportLimit`).
        var problems: [RowProblem]
        /// Every problem found, listed or not.
        var problemCount: Int
        /// Problems counted per column and reason, largest first.
        var problemSummary: [RowProblemTally.Group]

        init(dryRun: Bool, rows: Int = 0) {
            applied = false; self.dryRun = dryRun; self.rows = rows; created = 0; updated = 0; unchanged = 0
            roundsCreated = []; problems = []; problemCount = 0; problemSummary = []
        }

        /// An upload without a file.
        static var chooseAFile: Report {
            var report = Report(dryRun: false)
            var tally = RowProblemTally()
            tally.addFile(RowProblem(row: 1, column: "文件", message: "请选择要导入的文件"))
            report.refuse(tally)
            return report
        }

        mutating func record(_ outcome: Outcome) {
            created = outcome.created
            updated = outcome.updated
            unchanged = outcome.unchanged
            roundsCreated = outcome.roundsCreated
        }

        /// The Chinese summary staff read after an import.
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
            var s = "\(verb):共 \(rows) 行,新增 \(created) 个项目,更新 \(updated) 个,未变 \(unchanged) 个"
            if !roundsCreated.isEmpty { s += ";新建活动批次:" + roundsCreated.joined(separator: "、") }
            return s
        }
    }

    /// A checked row; `existing` is filled in inside the write transaction.
    struct Resolved: Sendable {
        var draft: ProjectSheet.Draft
        var existing: Existing?
    }

    struct Existing: Sendable {
        var id: UUID
    }

    static func run(rows: [SheetRow], options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Report {
        var checker = Checker(facts: try await Facts.load(scope: scope, on: db), options: options)
        for row in rows where !checker.check(row) { break }
        return try await apply(checker, options: options, scope: scope, actor: actor, on: db)
    }

    /// A CSV is checked row by row as it is parsed, so a large sheet never sits in memory
    /// as rows beside its drafts.
    static func run(
        data: consuming Data, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database,
        progress: Progress = .silent
    ) async throws -> Report {
        var checker = Checker(facts: try await Facts.load(scope: scope, on: db), options: options)
        // Lines in the file: a good enough total for "time left" (quoted line breaks overcount).
        let lines = SheetFile.lineFeeds(in: data)
        do {
            try SheetFile.read(data, limits: options.limits) { row in
                if row.line % 2000 == 0 { progress.update("检查", done: row.line, total: lines) }
                return checker.check(row)
            }
        } catch {
            var report = Report(dryRun: options.dryRun)
            var tally = RowProblemTally()
            tally.addFile(RowProblem(row: 1, column: "文件", message: error.message))
            report.refuse(tally)
            return report
        }
        return try await apply(checker, options: options, scope: scope, actor: actor, on: db)
    }

    /// What the write did.
    struct Outcome: Error, Sendable, Equatable {
        var created = 0
        var updated = 0
        var unchanged = 0
        var roundsCreated: [String] = []
    }

    /// Rows that match a project the importer may not see: found only under the write lock.
    struct Refused: Error, Sendable { var tally: RowProblemTally }

    /// The report so far, and every problem of the file as a whole.
    static func precheck(_ checker: borrowing Checker, dryRun: Bool) -> (Report, RowProblemTally) {
        let report = Report(dryRun: dryRun, rows: checker.dataRows)
        var tally = checker.tally
        if !checker.headerSeen {
            tally.addFile(RowProblem(row: 1, column: "文件", message: "文件为空"))
        } else if checker.columns != nil && checker.dataRows == 0 && tally.isEmpty {
            tally.addFile(RowProblem(row: 2, column: "文件", message: "没有数据行"))
        }
        return (report, tally)
    }

    /// Reports the checker's problems, or writes everything it resolved in one transaction.
    static func apply(
        _ checker: consuming Checker, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database
    ) async throws -> Report {
        var (report, tally) = precheck(checker, dryRun: options.dryRun)
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        let rows = checker.resolved
        let newRounds = checker.newRounds
        let knownRounds = checker.facts.roundIDs
        let outcome: Outcome
        do {
            outcome = try await db.audited(by: actor) { tx, audit in
                let result = try await write(rows, newRounds: newRounds, knownRounds: knownRounds, scope: scope, tx: tx, audit: audit)
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
        report.record(outcome)
        return report
    }

    /// Checks and imports rows inside a write that is already under way (the demo loader's,
    /// which creates its rounds first). Problems leave the write untouched.
    static func run(rows: [SheetRow], options: Options, scope: DivisionScope, tx: any Database, audit: AuditRecorder) async throws -> Report {
        var checker = Checker(facts: try await Facts.load(scope: scope, on: tx), options: options)
        for row in rows where !checker.check(row) { break }
        var (report, tally) = precheck(checker, dryRun: false)
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        do {
            let outcome = try await write(
                checker.resolved, newRounds: checker.newRounds, knownRounds: checker.facts.roundIDs, scope: scope, tx: tx, audit: audit)
            report.applied = true
            report.record(outcome)
        } catch let refused as Refused {
            report.refuse(refused.tally)
        }
        return report
    }

    /// Rows from which an import on SQLite gets a larger page cache for its transaction.
    static let bigImport = 5000

    /// The write itself: rounds the file names that do not exist yet (with
    /// `--create-rounds`) through `RoundService`, then every row through `ProjectWriter`:
    /// new projects in batches, matched ones as updates.
    static func write(
        _ rows: [Resolved], newRounds: [String: CivilDate], knownRounds: [String: UUID], scope: DivisionScope,
        tx: any Database, audit: AuditRecorder
    ) async throws -> Outcome {
        let matched = try await match(rows, scope: scope, on: tx)
        // Each batch inserts into every index of five tables at random places (ids are
        // random): with SQLite's 16 MiB write cache a 100,000-row import spent about a third
        // of its time spilling dirty pages to the WAL and reading them back (profiled). 64 MiB
        // took it from 76 s to 56 s but its peak RSS to 303 MB (the limit is 300): 48 MiB.
        if rows.count >= bigImport { try await tx.sql.tuneSQLiteCache(kibibytes: 49152) }
        var outcome = Outcome()
        var ids = knownRounds
        for (name, date) in newRounds.sorted(by: { $0.key < $1.key }) {
            // Another import may have created it since the file was checked.
            if let round = try await Round.query(on: tx).filter(\.$name == name).first() {
                ids[name] = round.id
                continue
            }
            let round = try await RoundService.create(.init(name: name, date: date), scope: scope, tx: tx, audit: audit)
            ids[name] = round.id!
            outcome.roundsCreated.append(name)
        }
        let writer = ProjectWriter(tx: tx, audit: audit)
        func milestones(_ d: ProjectSheet.Draft) -> [Stage: ProjectWriter.MilestoneValue] {
            d.milestones.mapValues { ProjectWriter.MilestoneValue(date: $0.date, roundID: $0.roundName.flatMap { ids[$0] }) }
        }
        // New projects get ascending ids in file order (see `ProjectWriter.ascendingIDs`), so
        // each batch appends to the indexes keyed by id: on SQLite most of an import's time
        // went to B-tree inserts at random places, and the page cache spilling under them.
        let newRows = matched.lazy.filter { $0.existing == nil }
        var projectIDs = ProjectWriter.ascendingIDs(newRows.count).makeIterator()
        var milestoneIDs = ProjectWriter.ascendingIDs(newRows.reduce(0) { $0 + $1.draft.milestones.count }).makeIterator()
        // New projects go out a batch at a time as they come, so no second list of the
        // whole file's rows is built.
        var batch: [ProjectWriter.NewProject] = []
        batch.reserveCapacity(writer.batchSize)
        for row in matched {
            let d = row.draft
            guard let existing = row.existing else {
                var new = ProjectWriter.NewProject(id: projectIDs.next()!, values: d.values, milestones: milestones(d))
                for stage in Stage.allCases where new.milestones[stage] != nil { new.milestoneIDs[stage] = milestoneIDs.next()! }
                batch.append(new)
                outcome.created += 1
                if batch.count == writer.batchSize {
                    try await writer.create(batch, refreshStatistics: false)
                    batch.removeAll(keepingCapacity: true)
                }
                continue
            }
            guard let project = try await Project.find(existing.id, on: tx) else { continue }
            let wanted = milestones(d)
            var change = ProjectWriter.Change(fields: ProjectFields(d.values))
            for stage in Stage.allCases { change.milestones[stage] = .some(wanted[stage]) }
            if try await writer.update(project, change) { outcome.updated += 1 } else { outcome.unchanged += 1 }
        }
        if !batch.isEmpty { try await writer.create(batch, refreshStatistics: false) }
        try await writer.refreshStatistics(created: outcome.created)
        return outcome
    }

    /// Finds each row's stored project, under the write lock. A match outside the importer's
    /// scope refuses the file (see docs/security.md on what that tells the importer).
    static func match(_ rows: [Resolved], scope: DivisionScope, on tx: any Database) async throws -> [Resolved] {
        let existing = try await existingProjects(on: tx)
        var tally = RowProblemTally()
        var matched = rows
        for i in matched.indices {
            guard let e = existing[MatchKey(matched[i].draft)] else { continue }
            if scope.contains(e.division) {
                matched[i].existing = Existing(id: e.id)
            } else {
                tally.add(
                    RowProblem(
                        row: matched[i].draft.line, column: ProjectSheet.Column.name.rawValue,
                        message: "与管辖范围外的已有项目重复(统一社会信用代码和项目名称相同)"))
            }
        }
        if !tally.isEmpty { throw Refused(tally: tally) }
        return matched
    }

    struct Key: Sendable { var id: UUID; var division: String }

    /// Every project's match key, across all divisions (the key is unique city-wide).
    static func existingProjects(on db: any Database) async throws -> [MatchKey: Key] {
        typealias K = Project.FieldKeys
        var result: [MatchKey: Key] = [:]
        let rows = try await db.sql.select().columns([K.id, K.creditCode, K.name, K.divisionCode].map(\.description))
            .from(Project.schema).all()
        for row in rows {
            let key = MatchKey(
                creditCode: try row.decode(column: K.creditCode.description, as: String.self),
                name: try row.decode(column: K.name.description, as: String.self))
            if result[key] == nil {
                result[key] = Key(
                    id: try row.decode(column: K.id.description, as: UUID.self),
                    division: try row.decode(column: K.divisionCode.description, as: String.self))
            }
        }
        return result
    }
}

extension ProjectSheet.Draft {
    /// The row's project fields.
    var values: ProjectValues {
        ProjectValues(
            name: name, investorName: investor, creditCode: creditCode, divisionCode: divisionCode.rawValue, developmentZone: zone,
            industry: industry, totalInvestmentFen: totalInvestmentFen, expectedAnnualOutputFen: expectedOutputFen,
            contactPerson: contact, contactPhone: phone, notes: notes)
    }
}
