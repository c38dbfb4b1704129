import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Creating, changing and removing projects and their milestones, with every rule and the
/// audit trail; the API, the pages and the importer all come through here.
enum ProjectService {
    static func scoped(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Project> {
        Project.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    static func find(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> Project {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let p = try await Project.find(id, on: db),
            scope.contains(p.divisionCode)
        else { throw Refusal.notFound }
        return p
    }

    /// The import matches projects by credit code + name, so the pair must stay unique.
    /// `fields` may hold only one of the two (a PATCH): the project's own value fills in.
    static func nameTaken(_ fields: ProjectFields, except project: Project? = nil, on db: any Database) async throws -> Bool {
        guard let code = fields.creditCode ?? project?.creditCode, let name = fields.name ?? project?.name,
            fields.creditCode != nil || fields.name != nil
        else { return false }
        var query = Project.query(on: db).filter(\.$creditCode == code).filter(\.$name == name)
        if let id = project?.id { query = query.filter(\.$id != id) }
        return try await query.first() != nil
    }

    static func milestones(of project: Project, on db: any Database) async throws -> [Milestone] {
        try await Milestone.query(on: db).filter(\.$project.$id == project.requireID()).all()
    }

    static func plan(_ milestones: [Milestone]) -> MilestonePlan {
        MilestonePlan(Dictionary(uniqueKeysWithValues: milestones.compactMap { m in m.civilDate.map { (m.stage, $0) } }))
    }

    /// A milestone as requested: the stage, its date and the round (which must be visible).
    struct MilestoneInput: Sendable {
        var stage: Stage
        var date: CivilDate
        var roundID: UUID?
    }

    static func create(_ fields: ProjectFields, milestones: [MilestoneInput], actor: AuditActor, on db: any Database) async throws -> Project {
        let project = Project.blank()
        try await db.audited(by: actor) { tx, audit in
            let diff = fields.apply(to: project)
            try await project.create(on: tx)
            audit.record(
                "project.create", entityType: "project", entityID: project.id!.uuidString,
                divisionCode: project.divisionCode, changes: diff.changes)
            for m in milestones {
                try await Milestone(projectID: project.id!, stage: m.stage, date: m.date, roundID: m.roundID).create(on: tx)
                audit.record(
                    "milestone.set", entityType: "project", entityID: project.id!.uuidString, divisionCode: project.divisionCode,
                    changes: milestoneChanges(m, before: nil))
            }
        }
        return project
    }

    static func update(_ project: Project, with fields: ProjectFields, actor: AuditActor, on db: any Database) async throws {
        let before = project.divisionCode
        let diff = fields.apply(to: project)
        guard !diff.isEmpty else { return }
        try await db.audited(by: actor) { tx, audit in
            try await project.saveVersioned(on: tx)
            audit.record(
                "project.update", entityType: "project", entityID: project.id!.uuidString,
                divisionCode: project.divisionCode, changes: diff.changes)
            if before != project.divisionCode {
                audit.record(
                    "project.moved_out", entityType: "project", entityID: project.id!.uuidString,
                    divisionCode: before, changes: diff.changes)
            }
        }
    }

    static func delete(_ project: Project, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let milestones = try await milestones(of: project, on: tx)
            try await Milestone.query(on: tx).filter(\.$project.$id == project.requireID()).delete()
            try await project.delete(on: tx)
            var diff = AuditDiff()
            diff.add("name", before: project.name, after: nil)
            diff.add("total_investment_fen", before: String(project.totalInvestmentFen), after: nil)
            diff.add("milestones", before: milestones.map { "\($0.stage.rawValue):\($0.date)" }.sorted().joined(separator: ","), after: nil)
            audit.record(
                "project.delete", entityType: "project", entityID: project.id!.uuidString,
                divisionCode: project.divisionCode, changes: diff.changes)
        }
    }

    static func setMilestone(_ project: Project, _ input: MilestoneInput, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let existing = try await milestones(of: project, on: tx)
            do { _ = try plan(existing).setting(input.stage, to: input.date) } catch let problem as MilestonePlan.Problem {
                throw Refusal.invalid("date", problem.message)
            }
            let current = existing.first { $0.stage == input.stage }
            let before = current.map { MilestoneInput(stage: $0.stage, date: $0.civilDate!, roundID: $0.$round.id) }
            if let current {
                current.date = input.date.description
                current.$round.id = input.roundID
                try await current.save(on: tx)
            } else {
                try await Milestone(projectID: project.id!, stage: input.stage, date: input.date, roundID: input.roundID).create(on: tx)
            }
            try await project.saveVersioned(on: tx)
            audit.record(
                "milestone.set", entityType: "project", entityID: project.id!.uuidString, divisionCode: project.divisionCode,
                changes: milestoneChanges(input, before: before))
        }
    }

    static func removeMilestone(_ project: Project, stage: Stage, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let existing = try await milestones(of: project, on: tx)
            guard let current = existing.first(where: { $0.stage == stage }) else { throw Refusal.notFound }
            do { _ = try plan(existing).removing(stage) } catch let problem as MilestonePlan.Problem {
                throw Refusal.conflict(problem.message)
            }
            try await current.delete(on: tx)
            try await project.saveVersioned(on: tx)
            var diff = AuditDiff()
            diff.add("\(stage.rawValue).date", before: current.date, after: nil)
            audit.record(
                "milestone.remove", entityType: "project", entityID: project.id!.uuidString,
                divisionCode: project.divisionCode, changes: diff.changes)
        }
    }

    static func milestoneChanges(_ m: MilestoneInput, before: MilestoneInput?) -> [AuditChange] {
        var diff = AuditDiff()
        diff.add("\(m.stage.rawValue).date", before: before?.date.description, after: m.date.description)
        diff.add("\(m.stage.rawValue).round_id", before: before?.roundID?.uuidString, after: m.roundID?.uuidString)
        return diff.changes
    }
}
