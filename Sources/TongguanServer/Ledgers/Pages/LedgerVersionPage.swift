import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/ledgers/CODE/versions`: every version of a ledger's definition, newest first, with who
/// made it, when, and what changed (the same lines as `GET /api/v1/ledgers/CODE/versions`
/// and the audit trail), so a user can see why a column appeared or an option was archived.
extension LedgerDesignPages {
    struct VersionRow: Encodable, Sendable {
        var version: Int
        var when: String
        var actor: String
        var changes: [String]
    }

    struct VersionsBody: Encodable, Sendable {
        var code: String
        var name: String
        var current: Int
        var rows: [VersionRow]
    }

    func versions(req: Request) async throws -> Response {
        let caller = try req.caller
        let (ledger, definition) = try await LedgerService.find(req.parameters.get("code"), in: caller.scope, on: req.db)
        let rows = try await LedgerService.versions(of: ledger, on: req.db).map { v in
            VersionRow(
                version: v.version, when: v.createdAt.map { ChinaDate.display(StoredInstant.string($0)) } ?? "", actor: v.actor,
                changes: v.version == 1 ? ["建立台账"] : v.changes.split(separator: "\n").map(String.init))
        }
        let body = VersionsBody(code: ledger.code, name: definition.name, current: ledger.version, rows: rows)
        return try await req.page("ledgers/versions", title: "\(definition.name) 定义版本", active: "/ledgers", body)
    }
}
