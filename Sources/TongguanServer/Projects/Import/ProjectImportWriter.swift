import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// Writes checked import rows inside the import's transaction: new projects and their
/// milestones in multi-row INSERTs (a 100,000-row file must not become 300,000 round trips),
/// changed projects one by one with their differences in the audit trail.
struct ProjectImportWriter {
    let tx: any Database
    let audit: AuditRecorder
    let roundIDs: [String: UUID]

    /// Rows per INSERT: well under SQLite's limit of 32,766 bound values.
    static let batch = 400

    struct Outcome: Sendable, Equatable { var created = 0; var updated = 0; var unchanged = 0 }

    func apply(_ rows: [ProjectImport.Resolved]) async throws -> Outcome {
        var outcome = Outcome()
        // New projects go out a batch at a time as they come, so no second list of the
        // whole file's rows is built.
        var batch: [ProjectSheet.Draft] = []
        batch.reserveCapacity(Self.batch)
        for row in rows {
            if let existing = row.existing {
                if try await update(existing, to: row.draft) { outcome.updated += 1 } else { outcome.unchanged += 1 }
                continue
            }
            batch.append(row.draft)
            outcome.created += 1
            if batch.count == Self.batch {
                try await insert(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try await insert(batch) }
        return outcome
    }

    private func insert(_ drafts: [ProjectSheet.Draft]) async throws {
        let now = Date()
        let ids = drafts.map { _ in UUID() }
        var projects = tx.sql.insert(into: Project.schema).columns(
            "id", "name", "investor_name", "credit_code", "division_code", "development_zone", "industry",
            "total_investment_fen", "expected_annual_output_fen", "contact_person", "contact_phone", "notes",
            "version", "created_at", "updated_at")
        var milestones: [(UUID, Stage, ProjectSheet.MilestoneCell)] = []
        for (id, d) in zip(ids, drafts) {
            projects = projects.values([
                SQLBind(id), SQLBind(d.name), SQLBind(d.investor), SQLBind(d.creditCode), SQLBind(d.divisionCode.rawValue),
                SQLBind(d.zone), SQLBind(d.industry), SQLBind(d.totalInvestmentFen), SQLBind(d.expectedOutputFen),
                SQLBind(d.contact), SQLBind(d.phone), SQLBind(d.notes), SQLBind(1), SQLBind(now), SQLBind(now),
            ])
            for (stage, m) in d.milestones { milestones.append((id, stage, m)) }
            var diff = AuditDiff()
            diff.created("name", d.name)
            diff.created("credit_code", d.creditCode)
            diff.created("total_investment_fen", String(d.totalInvestmentFen))
            diff.created("milestones", d.milestones.keys.sorted().map(\.rawValue).joined(separator: ","))
            audit.record(
                "project.create", entityType: "project", entityID: id.uuidString, divisionCode: d.divisionCode.rawValue,
                changes: diff.changes)
        }
        try await projects.run()
        try await audit.flush(on: tx.sql)
        var start = 0
        while start < milestones.count {
            var insert = tx.sql.insert(into: Milestone.schema).columns("id", "project_id", "stage", "date", "round_id")
            for (projectID, stage, m) in milestones[start..<min(start + Self.batch, milestones.count)] {
                insert = insert.values([
                    SQLBind(UUID()), SQLBind(projectID), SQLBind(stage.rawValue), SQLBind(m.date.description),
                    SQLBind(m.roundName.flatMap { roundIDs[$0] }),
                ])
            }
            try await insert.run()
            start += Self.batch
        }
    }

    /// Applies a row to its existing project; false when nothing differs.
    private func update(_ existing: ProjectImport.Existing, to d: ProjectSheet.Draft) async throws -> Bool {
        guard let project = try await Project.find(existing.id, on: tx) else { return false }
        var fields = ProjectFields()
        fields.name = d.name; fields.investorName = d.investor; fields.creditCode = d.creditCode
        fields.divisionCode = d.divisionCode; fields.developmentZone = d.zone; fields.industry = d.industry
        fields.totalInvestmentFen = d.totalInvestmentFen; fields.expectedAnnualOutputFen = d.expectedOutputFen
        fields.contactPerson = d.contact; fields.contactPhone = d.phone; fields.notes = d.notes
        var diff = fields.apply(to: project)
        let current = try await Milestone.query(on: tx).filter(\.$project.$id == existing.id).all()
        for stage in Stage.allCases {
            let have = current.first { $0.stage == stage }
            let want = d.milestones[stage]
            let wantRound = want?.roundName.flatMap { roundIDs[$0] }
            if have?.date == want?.date.description && have?.$round.id == wantRound { continue }
            diff.add("\(stage.rawValue).date", before: have?.date, after: want?.date.description)
            diff.add("\(stage.rawValue).round_id", before: have?.$round.id?.uuidString, after: wantRound?.uuidString)
            if let have { try await have.delete(on: tx) }
            if let want { try await Milestone(projectID: existing.id, stage: stage, date: want.date, roundID: wantRound).create(on: tx) }
        }
        guard !diff.isEmpty else { return false }
        project.version += 1
        try await project.save(on: tx)
        audit.record(
            "project.update", entityType: "project", entityID: existing.id.uuidString, divisionCode: project.divisionCode,
            changes: diff.changes)
        return true
    }
}
