import Fluent
import Foundation
import SQLKit
import SQLiteNIO
import TongguanDomain
import Vapor

/// The one write path of projects and their milestones. The API, the pages, the import and
/// the demo loader all write through here, inside an audited transaction, and every change
/// leaves the same event shape: the changed fields (column names, masked where personal)
/// and, for milestones, `<stage>.date` / `<stage>.round_id`.
///
/// Creation is batched (an import's 100,000 rows must not become 300,000 round trips); the
/// API's create is a batch of one. Every write also rewrites the project's stage facts
/// (`StageFact`) and the list's counts (`ProjectCounts`) in the same transaction, so the
/// summary and the list's totals never see them out of step.
struct ProjectWriter {
    let tx: any Database
    let audit: AuditRecorder

    /// A milestone as it is stored: its date and the round that announced it.
    struct MilestoneValue: Sendable, Equatable {
        var date: CivilDate
        var roundID: UUID?
    }

    struct NewProject: Sendable {
        var id = UUID()
        var values: ProjectValues
        var milestones: [Stage: MilestoneValue]
        /// The milestones' ids; a stage without one gets a random id when it is written.
        var milestoneIDs: [Stage: UUID] = [:]
    }

    /// `count` ids in ascending order (`ImportUUIDs`). A bulk create that hands them out in
    /// the order it writes appends to every index keyed by id (projects, milestones, stage
    /// facts, the audit trail's entity index) instead of inserting at random places in them.
    static func ascendingIDs(_ count: Int) -> [UUID] {
        var ids = ImportUUIDs()
        return (0..<count).map { _ in ids.next() }
    }

    /// What an update changes: the given fields, and milestones per stage (a nil value
    /// removes the stage; a stage not named stays as it is).
    struct Change: Sendable {
        var fields = ProjectFields()
        var milestones: [Stage: MilestoneValue?] = [:]
    }

    /// Rows per INSERT: well under SQLite's limit of 32,766 bound values.
    static let batch = 400

    // MARK: create

    /// Creates projects with their milestones; one `project.create` event each. A caller
    /// that creates in several batches passes `refreshStatistics: false` and calls
    /// `refreshStatistics(created:)` once at the end.
    func create(_ projects: [NewProject], refreshStatistics: Bool = true) async throws {
        var start = 0
        while start < projects.count {
            let end = min(start + batchSize, projects.count)
            try await insert(projects[start..<end])
            start = end
        }
        if refreshStatistics { try await self.refreshStatistics(created: projects.count) }
    }

    /// PostgreSQL plans the summary from table statistics; after a large create they would
    /// be stale until autovacuum comes by (ANALYZE samples, ~0.1 s at 100,000). Once per
    /// import: after every 5,000-row batch it cost an import of 100,000 rows 18 ANALYZEs.
    func refreshStatistics(created: Int) async throws {
        if postgres != nil, created >= Self.analyzeAfter {
            try await tx.sql.raw("ANALYZE \(ident: StageFact.schema)").run()
        }
    }

    /// New projects in one create from which PostgreSQL's statistics are refreshed.
    static let analyzeAfter = 5000

    /// Projects per write. Each write also refreshes the batch's counts, stage facts and
    /// rollup in three statements, so fewer, larger writes touch each rollup row less often;
    /// on SQLite the rows still go in INSERTs of `batch`. Not larger on SQLite: each of those
    /// statements keeps a journal of the pages it changes in memory, and 2,000 projects per
    /// write took a 100,000-row import's peak RSS from 271 to 329 MiB (the limit is 300 MB).
    var batchSize: Int { postgres == nil ? Self.sqliteWrite : 5000 }

    static let sqliteWrite = 600

    private func insert(_ projects: ArraySlice<NewProject>) async throws {
        // The batch's events are built and sealed (JSON, a SHA-256 each: about a fifth of a
        // large import's CPU) while the database writes the rows, then written after them.
        // Events already waiting go first, so the chain keeps the order they were recorded in.
        let audit = audit
        let sealing = Task {
            for p in projects {
                var diff = p.values.auditFields()
                for stage in Stage.allCases {
                    guard let m = p.milestones[stage] else { continue }
                    Self.addMilestone(stage, before: nil, after: m, to: &diff)
                }
                audit.record(
                    "project.create", entityType: "project", entityID: p.id.text, divisionCode: p.values.divisionCode,
                    changes: diff.changes)
            }
            return audit.sealPending()
        }
        do {
            if let pg = postgres {
                try await copyInsert(projects, into: pg)
            } else {
                try await multiRowInsert(projects)
            }
        } catch {
            _ = await sealing.value
            throw error
        }
        // A large import does not keep its events in memory until the commit.
        try await audit.write(await sealing.value, on: tx.sql)
    }

    /// SQLite's side: multi-row INSERTs of projects and milestones (`SQLiteBulkInsert`), then
    /// their stage facts.
    private func multiRowInsert(_ projects: ArraySlice<NewProject>) async throws {
        guard let sqlite = tx as? any SQLiteDatabase else { throw Abort(.internalServerError, reason: "not a SQLite database") }
        let stamp = SQLiteData.float(Date().timeIntervalSince1970)
        let one = SQLiteData.integer(1)
        try await Self.projectInsert.insert(projects, on: sqlite) { p, binds in
            let v = p.values
            binds += [
                .id(p.id), .text(v.name), .text(v.investorName), .text(v.creditCode), .text(v.divisionCode), .text(v.developmentZone),
                .text(v.industry), .integer(Int(v.totalInvestmentFen)), .integer(Int(v.expectedAnnualOutputFen)), .text(v.contactPerson),
                .text(v.contactPhone), .text(v.notes), one, stamp, stamp,
            ]
        }
        let ids = projects.map(\.id)
        try await ProjectCounts.apply(.add, projects: ProjectCounts.projects(ids), on: tx)
        let milestones = projects.flatMap { p in
            Stage.allCases.compactMap { stage in p.milestones[stage].map { (p, stage, $0) } }
        }
        try await Self.milestoneInsert.insert(milestones, on: sqlite) { row, binds in
            let (p, stage, m) = row
            binds += [.id(p.milestoneIDs[stage] ?? UUID()), .id(p.id), .text(stage.rawValue), .text(m.date.description), .id(m.roundID)]
        }
        try await StageFact.refresh(ids, replacing: false, on: tx)
    }

    private static let projectInsert: SQLiteBulkInsert = {
        typealias P = Project.FieldKeys
        let columns = [
            P.id, P.name, P.investorName, P.creditCode, P.divisionCode, P.developmentZone, P.industry, P.totalInvestmentFen,
            P.expectedAnnualOutputFen, P.contactPerson, P.contactPhone, P.notes, P.version, P.createdAt, P.updatedAt,
        ]
        return SQLiteBulkInsert(into: Project.schema, columns: columns.map(\.description), rowsPerStatement: batch)
    }()

    private static let milestoneInsert: SQLiteBulkInsert = {
        typealias M = Milestone.FieldKeys
        return SQLiteBulkInsert(
            into: Milestone.schema, columns: [M.id, M.projectID, M.stage, M.date, M.roundID].map(\.description), rowsPerStatement: batch)
    }()

    // MARK: update

    /// Applies a change to a stored project, checked against its milestone rules and its
    /// version (`Refusal.staleVersion` when someone changed it since it was read). Records
    /// one `action` event with what changed, and `project.moved_out` for the division it
    /// left. False when nothing differs (nothing is written).
    @discardableResult
    func update(_ project: Project, _ change: Change, action: String = "project.update") async throws -> Bool {
        let id = try project.requireID()
        let movedFrom = project.divisionCode
        let (values, fieldDiff) = change.fields.applied(to: project.values)
        var diff = fieldDiff
        let current = try await Milestone.query(on: tx).filter(\.$project.$id == id).all()
        try Self.check(change.milestones, against: current)
        var removals: [Milestone] = []
        var writes: [(Milestone?, Stage, MilestoneValue)] = []
        for stage in Stage.allCases {
            guard let want = change.milestones[stage] else { continue }
            let have = current.first { $0.stage == stage }
            let before = have.flatMap { m in m.civilDate.map { MilestoneValue(date: $0, roundID: m.$round.id) } }
            guard before != want else { continue }
            Self.addMilestone(stage, before: before, after: want, to: &diff)
            if let want { writes.append((have, stage, want)) } else if let have { removals.append(have) }
        }
        guard !diff.isEmpty else { return false }
        for m in removals { try await m.delete(on: tx) }
        for (have, stage, want) in writes {
            if let have {
                have.date = want.date.description
                have.$round.id = want.roundID
                try await have.save(on: tx)
            } else {
                try await Milestone(projectID: id, stage: stage, date: want.date, roundID: want.roundID).create(on: tx)
            }
        }
        // The list's totals count projects per (division, industry): moved out of one group, into another.
        let regrouped = values.divisionCode != project.divisionCode || values.industry != project.industry
        if regrouped { try await ProjectCounts.apply(.subtract, projects: ProjectCounts.projects([id]), on: tx) }
        project.values = values
        try await project.saveVersioned(on: tx)
        if regrouped { try await ProjectCounts.apply(.add, projects: ProjectCounts.projects([id]), on: tx) }
        try await StageFact.refresh([id], on: tx)
        audit.record(action, entityType: "project", entityID: id.uuidString, divisionCode: project.divisionCode, changes: diff.changes)
        if movedFrom != project.divisionCode {
            audit.record("project.moved_out", entityType: "project", entityID: id.uuidString, divisionCode: movedFrom, changes: diff.changes)
        }
        return true
    }

    /// The milestone rules for a change: one stage set or removed is checked as that step
    /// (a removal that a later stage follows is a conflict); a whole new set as a whole.
    static func check(_ changes: [Stage: MilestoneValue?], against current: [Milestone]) throws {
        guard !changes.isEmpty else { return }
        let plan = MilestonePlan(Dictionary(uniqueKeysWithValues: current.compactMap { m in m.civilDate.map { (m.stage, $0) } }))
        if changes.count == 1, let (stage, want) = changes.first {
            if let want {
                do { _ = try plan.setting(stage, to: want.date) } catch { throw Refusal.invalid("date", error.message) }
                return
            }
            guard plan.dates[stage] != nil else { throw Refusal.notFound }
            do { _ = try plan.removing(stage) } catch { throw Refusal.conflict(error.message) }
            return
        }
        var dates = plan.dates
        for (stage, want) in changes { dates[stage] = want?.date }
        if let (_, problem) = MilestonePlan(dates).problems.first { throw Refusal.invalid("date", problem.message) }
    }

    // MARK: delete

    /// Removes a project and its milestones; the event lists what was there.
    func delete(_ project: Project) async throws {
        let id = try project.requireID()
        let milestones = try await Milestone.query(on: tx).filter(\.$project.$id == id).all()
        try await StageFact.remove([id], on: tx)
        try await ProjectCounts.apply(.subtract, projects: ProjectCounts.projects([id]), on: tx)
        try await Milestone.query(on: tx).filter(\.$project.$id == id).delete()
        try await project.delete(on: tx)
        var diff = project.values.auditFields(removed: true)
        for m in milestones.sorted(by: { $0.stage < $1.stage }) {
            guard let date = m.civilDate else { continue }
            Self.addMilestone(m.stage, before: MilestoneValue(date: date, roundID: m.$round.id), after: nil, to: &diff)
        }
        audit.record("project.delete", entityType: "project", entityID: id.uuidString, divisionCode: project.divisionCode, changes: diff.changes)
    }

    // MARK: audit

    static func addMilestone(_ stage: Stage, before: MilestoneValue?, after: MilestoneValue?, to diff: inout AuditDiff) {
        diff.add("\(stage.rawValue).date", before: before?.date.description, after: after?.date.description)
        diff.add("\(stage.rawValue).round_id", before: before?.roundID?.text, after: after?.roundID?.text)
    }
}
