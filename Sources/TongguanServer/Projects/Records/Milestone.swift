import Fluent
import Foundation
import TongguanDomain

/// One stage a project reached: its date and the round at which it was announced.
final class Milestone: Model, @unchecked Sendable {
    static let schema = "milestones"

    /// Column names, declared once (see `Project.FieldKeys`).
    enum FieldKeys {
        static let id: FieldKey = .id
        static let projectID: FieldKey = "project_id"
        static let roundID: FieldKey = "round_id"
        static let stage: FieldKey = "stage"
        static let date: FieldKey = "date"
    }

    // managed fields

    @ID(key: .id)
    var id: UUID?

    // references

    @Parent(key: FieldKeys.projectID)
    var project: Project

    /// A round that milestones name cannot be deleted (the foreign key refuses it too).
    @OptionalParent(key: FieldKeys.roundID)
    var round: Round?

    // data

    @Enum(key: FieldKeys.stage)
    var stage: Stage

    /// `YYYY-MM-DD`: text sorts and compares as dates on both databases.
    @Field(key: FieldKeys.date)
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
        typealias K = Milestone.FieldKeys
        try await database.schema(Milestone.schema)
            .id()
            .field(K.projectID, .uuid, .required, .references(Project.schema, Project.FieldKeys.id, onDelete: .cascade))
            .field(K.stage, .string, .required)
            .field(K.date, .string, .required)
            .field(K.roundID, .uuid, .references(Round.schema, Round.FieldKeys.id, onDelete: .restrict))
            .unique(on: K.projectID, K.stage)
            .create()
        let sql = database.sql
        try await sql.create(index: "milestones_round").on(Milestone.schema).column(K.roundID.description).column(K.stage.description).run()
        try await sql.create(index: "milestones_date").on(Milestone.schema).column(K.date.description).column(K.stage.description).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Milestone.schema).delete()
    }
}
