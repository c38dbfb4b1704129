import Fluent
import Foundation
import TongguanDomain

/// One stage a project reached: its date and the round at which it was announced.
final class Milestone: Model, @unchecked Sendable {
    static let schema = "milestones"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    // references

    @Parent(key: "project_id")
    var project: Project

    /// A round that milestones name cannot be deleted (the foreign key refuses it too).
    @OptionalParent(key: "round_id")
    var round: Round?

    // data

    @Enum(key: "stage")
    var stage: Stage

    /// `YYYY-MM-DD`: text sorts and compares as dates on both databases.
    @Field(key: "date")
    var date: String

    init() {}

    init(projectID: UUID, stage: Stage, date: CivilDate, roundID: UUID?) {
        self.$project.id = projectID
        self.stage = stage
        self.date = date.description
        self.$round.id = roundID
    }

    var civilDate: CivilDate? { CivilDate(iso: date) }
}

struct CreateMilestones: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Milestone.schema)
            .id()
            .field("project_id", .uuid, .required, .references(Project.schema, "id", onDelete: .cascade))
            .field("stage", .string, .required)
            .field("date", .string, .required)
            .field("round_id", .uuid, .references(Round.schema, "id", onDelete: .restrict))
            .unique(on: "project_id", "stage")
            .create()
        let sql = database.sql
        try await sql.create(index: "milestones_round").on(Milestone.schema).column("round_id").column("stage").run()
        try await sql.create(index: "milestones_date").on(Milestone.schema).column("date").column("stage").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Milestone.schema).delete()
    }
}
