import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Finding projects in scope, and every change to them as one audited write each through
/// `ProjectWriter`, the one write path the import and the demo loader use too.
enum ProjectService {
    /// A prefix match (LIKE), not a range: with a range SQLite, lacking statistics, read a
    /// whole city through `projects_division` row by row (seconds per page at 100,000)
    /// where walking `projects_name` finds a page at once.
    static func scoped(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Project> {
        Project.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    /// The greatest division code that starts with `prefix`: codes are 6, 9 or 12 digits,
    /// so among them those starting with `prefix` are exactly those from `prefix` to this.
    static func lastCode(_ prefix: String) -> String { prefix + String(repeating: "9", count: max(0, 12 - prefix.count)) }

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
        let new = ProjectWriter.NewProject(
            values: fields.newValues,
            milestones: Dictionary(
                milestones.map { ($0.stage, ProjectWriter.MilestoneValue(date: $0.date, roundID: $0.roundID)) }, uniquingKeysWith: { a, _ in a })
        )
        try await db.audited(by: actor) { tx, audit in
            try await ProjectWriter(tx: tx, audit: audit).create([new])
        }
        guard let project = try await Project.find(new.id, on: db) else { throw Refusal.notFound }
        return project
    }

    /// Changes the given fields; `project.version` is the version the change was read at.
    static func update(_ project: Project, with fields: ProjectFields, actor: AuditActor, on db: any Database) async throws {
        try await write(project, ProjectWriter.Change(fields: fields), action: "project.update", actor: actor, on: db)
    }

    static func delete(_ project: Project, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            try await ProjectWriter(tx: tx, audit: audit).delete(project)
        }
    }

    static func setMilestone(_ project: Project, _ input: MilestoneInput, actor: AuditActor, on db: any Database) async throws {
        let value = ProjectWriter.MilestoneValue(date: input.date, roundID: input.roundID)
        try await write(project, ProjectWriter.Change(milestones: [input.stage: value]), action: "milestone.set", actor: actor, on: db)
    }

    static func removeMilestone(_ project: Project, stage: Stage, actor: AuditActor, on db: any Database) async throws {
        var change = ProjectWriter.Change()
        change.milestones[stage] = .some(nil)
        try await write(project, change, action: "milestone.remove", actor: actor, on: db)
    }

    private static func write(_ project: Project, _ change: ProjectWriter.Change, action: String, actor: AuditActor, on db: any Database) async throws
    {
        _ = try await db.audited(by: actor) { tx, audit in
            try await ProjectWriter(tx: tx, audit: audit).update(project, change, action: action)
        }
    }
}
