import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// A record people change through forms and `If-Match`: its version goes up with every
/// change, travels as the ETag, and a writer who read an older one loses instead of
/// overwriting (the one optimistic lock of the platform).
protocol Versioned: Model where IDValue == UUID {
    var version: Int { get set }
}

extension Versioned {
    /// Saves the record with its version bumped, provided the stored version is still the
    /// one the record was read with; the check and the bump are one statement, so two
    /// writers cannot both pass it. Refuses with `Refusal.staleVersion`.
    func saveVersioned(on tx: any Database) async throws {
        guard let id else { throw Refusal.notFound }
        let read = version
        let bumped = try await tx.sql.update(Self.schema)
            .set("version", to: SQLBind(read + 1))
            .where("id", .equal, SQLBind(id))
            .where("version", .equal, SQLBind(read))
            .returning("id").all()
        guard bumped.count == 1 else { throw Refusal.staleVersion }
        version = read + 1
        try await save(on: tx)
    }

    /// The ETag of this version.
    var etag: String { ETag.value(id: id ?? UUID(), version: version) }
}
