import Fluent
import SQLKit

/// The summary reads the stage facts now; the covering indexes for its former join of
/// milestones and projects only cost every write.
struct DropJoinSummaryIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await AddSummaryIndexes().revert(on: database)
    }

    func revert(on database: any Database) async throws {
        try await AddSummaryIndexes().prepare(on: database)
    }
}

/// The project list is sorted by name: with this index a page is read in order instead of
/// sorting every project in scope.
struct AddProjectNameIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "projects_name").on(Project.schema).column(Project.FieldKeys.name.description).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "projects_name").run()
    }
}
