import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The one write path for divisions: the API's single create and rename, and the batch that
/// the seed, the list import and the demo share. Divisions are never deleted.
enum DivisionService {
    /// Creates or renames; the caller has already checked scope and that the parent exists.
    static func upsert(code: DivisionCode, name: String, on tx: any Database, audit: AuditRecorder) async throws -> Division {
        if let existing = try await Division.find(code.rawValue, on: tx) {
            guard existing.name != name else { return existing }
            try await write(
                created: [], renamed: [DivisionPlan.Rename(line: 0, code: code, before: existing.name, after: name)],
                existing: [code.rawValue: existing.name], on: tx, audit: audit)
            existing.name = name
            return existing
        }
        var parent: [String: String] = [:]
        if let p = code.parent, let stored = try await Division.find(p.rawValue, on: tx) { parent[p.rawValue] = stored.name }
        try await write(created: [DivisionSheet.Entry(line: 0, code: code, name: name)], renamed: [], existing: parent, on: tx, audit: audit)
        guard let division = try await Division.find(code.rawValue, on: tx) else { throw Abort(.internalServerError) }
        return division
    }

    /// Rows per INSERT: 6 values each, far below SQLite's limit of bound values.
    static let batch = 500

    /// Writes new divisions (parents before children, as `DivisionPlan` orders them) in
    /// multi-row INSERTs and renames one by one, each with its audit event. A new code's
    /// parent is stored when it is in `existing` or created in the same call; else the code
    /// is a root of the tree.
    static func write(
        created: [DivisionSheet.Entry], renamed: [DivisionPlan.Rename], existing: [String: String],
        on tx: any Database, audit: AuditRecorder
    ) async throws {
        let now = Date()
        let createdCodes = Set(created.map(\.code.rawValue))
        var start = 0
        while start < created.count {
            let slice = created[start..<min(start + batch, created.count)]
            var insert = tx.sql.insert(into: Division.schema).columns("code", "name", "parent_code", "level", "created_at", "updated_at")
            for entry in slice {
                let parent = entry.code.parent.map(\.rawValue).flatMap { existing[$0] != nil || createdCodes.contains($0) ? $0 : nil }
                insert = insert.values([
                    SQLBind(entry.code.rawValue), SQLBind(entry.name), SQLBind(parent),
                    SQLBind(Division.Level(entry.code.level).rawValue), SQLBind(now), SQLBind(now),
                ])
                audit.record(
                    "division.create", entityType: "division", entityID: entry.code.rawValue, divisionCode: entry.code.rawValue,
                    changes: [AuditChange(field: "name", before: nil, after: entry.name)])
            }
            try await insert.run()
            try await audit.flush(on: tx.sql)
            start += batch
        }
        for rename in renamed {
            try await tx.sql.update(Division.schema).set("name", to: SQLBind(rename.after)).set("updated_at", to: SQLBind(now))
                .where("code", .equal, SQLBind(rename.code.rawValue)).run()
            var diff = AuditDiff()
            diff.add("name", before: rename.before, after: rename.after)
            audit.record(
                "division.update", entityType: "division", entityID: rename.code.rawValue, divisionCode: rename.code.rawValue,
                changes: diff.changes)
        }
    }
}
