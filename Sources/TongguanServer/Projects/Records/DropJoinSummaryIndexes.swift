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
