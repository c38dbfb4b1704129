import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// What every deadline is computed with: the working calendar and the policy per source,
/// read from their tables.
struct CaseSettings: Sendable {
    var calendar: WorkingCalendar
    var policies: DeadlinePolicies

    static func load(on db: any Database) async throws -> CaseSettings {
        CaseSettings(calendar: try await CalendarService.calendar(on: db), policies: try await PolicyService.policies(on: db))
    }

    func policy(_ source: CaseSource) -> DeadlinePolicy { policies[source] }

    /// Recomputes the stored due dates of every case still waiting on a step, in batches,
    /// after the calendar or a policy changed (`sources`: only cases of these).
    static func refreshOpenCases(sources: Set<CaseSource>, on tx: any Database) async throws -> Int {
        let settings = try await load(on: tx)
        var changed = 0
        var lastID: UUID? = nil
        while true {
            var query = CaseRecord.query(on: tx).filter(\.$state != CaseState.closed.rawValue)
                .filter(\.$source ~~ sources.map(\.rawValue)).sort(\.$id).limit(1000)
            if let lastID { query = query.filter(\.$id > lastID) }
            let batch = try await query.all()
            guard let last = batch.last else { break }
            lastID = last.id
            for c in batch {
                let before = [c.dueRoute, c.dueAccept, c.dueHandle, c.dueReview, c.reviewRequestBy, c.pendingDue]
                let provisional = c.dueProvisional
                c.refreshDeadlines(policy: settings.policy(c.caseSource), calendar: settings.calendar)
                if before != [c.dueRoute, c.dueAccept, c.dueHandle, c.dueReview, c.reviewRequestBy, c.pendingDue]
                    || provisional != c.dueProvisional
                {
                    // Only due dates change here, and no tally counts them (`CaseTally`):
                    // overdue_open is counted from the cases' own pending_due.
                    try await c.save(on: tx)
                    changed += 1
                }
            }
        }
        return changed
    }
}

/// The working calendar's table: the shipped 2021–2026 arrangement seeded on first start,
/// files imported by `tongguan calendar import FILE` or the calendar page (the years a file
/// mentions are replaced, others kept), single days added or removed on the page.
enum CalendarService {
    /// City-wide settings are recorded under the root division, where its admins read them.
    static func rootCode(on db: any Database) async throws -> String { try await Division.root(on: db)?.id ?? "" }

    static func calendar(on db: any Database) async throws -> WorkingCalendar {
        WorkingCalendar(entries: try await CalendarDay.query(on: db).all().compactMap(\.entry))
    }

    /// The shipped file (Resources/Seed/holidays-cn.csv).
    static func shippedEntries() throws -> [WorkingCalendar.Entry] {
        let path = Resources.directory + "Seed/holidays-cn.csv"
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.internalServerError, reason: "missing \(path)") }
        do { return try HolidayCSV.parse(String(decoding: data, as: UTF8.self)) } catch {
            throw Abort(.internalServerError, reason: "shipped calendar invalid: \(error.problems.first?.text ?? "")")
        }
    }

    /// Seeds the shipped calendar into an empty table (every start; does nothing after).
    static func seedIfEmpty(on db: any Database) async throws {
        guard try await CalendarDay.query(on: db).count() == 0 else { return }
        let entries = try shippedEntries()
        try await db.audited(by: .system) { tx, audit in
            let root = try await rootCode(on: tx)
            try await insert(entries, on: tx)
            audit.record(
                "case_calendar.import", entityType: "case_calendar", entityID: "seed", divisionCode: root,
                changes: [AuditChange(field: "years", before: nil, after: yearsText(entries))])
        }
    }

    static func yearsText(_ entries: [WorkingCalendar.Entry]) -> String {
        Set(entries.map(\.date.year)).sorted().map(String.init).joined(separator: ",")
    }

    static func insert(_ entries: [WorkingCalendar.Entry], on tx: any Database) async throws {
        for chunk in stride(from: 0, to: entries.count, by: 200) {
            let rows = entries[chunk..<min(entries.count, chunk + 200)].map(CalendarDay.init)
            try await rows.create(on: tx)
        }
    }

    struct ImportResult: Sendable, Content {
        var years: [Int]
        var entries: Int
        var casesUpdated: Int
    }

    /// Replaces the years the entries mention; all or nothing; open working-day cases get
    /// their due dates recomputed in the same transaction.
    static func replaceYears(with entries: [WorkingCalendar.Entry], actor: AuditActor, on db: any Database) async throws -> ImportResult {
        let years = Set(entries.map(\.date.year)).sorted()
        return try await db.audited(by: actor) { tx, audit in
            let root = try await rootCode(on: tx)
            try await CalendarDay.query(on: tx).filter(\.$year ~~ years).delete()
            try await insert(entries, on: tx)
            let updated = try await refreshWorkingDayCases(on: tx)
            audit.record(
                "case_calendar.import", entityType: "case_calendar", entityID: years.map(String.init).joined(separator: ","),
                divisionCode: root,
                changes: [
                    AuditChange(field: "years", before: nil, after: yearsText(entries)),
                    AuditChange(field: "entries", before: nil, after: String(entries.count)),
                ])
            return ImportResult(years: years, entries: entries.count, casesUpdated: updated)
        }
    }

    /// Adds (or replaces) one day.
    static func setDay(_ entry: WorkingCalendar.Entry, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let root = try await rootCode(on: tx)
            let existing = try await CalendarDay.find(entry.date.description, on: tx)
            var all = try await calendar(on: tx).entries.filter { $0.date != entry.date }
            all.append(entry)
            let problems = WorkingCalendar.problems(in: all).filter { all[$0.index].date == entry.date }
            if let first = problems.first { throw Refusal.invalid(first.problem.column, first.problem.message) }
            if let existing { try await existing.delete(on: tx) }
            try await CalendarDay(entry).create(on: tx)
            _ = try await refreshWorkingDayCases(on: tx)
            audit.record(
                "case_calendar.set", entityType: "case_calendar", entityID: entry.date.description, divisionCode: root,
                changes: [
                    AuditChange(field: "kind", before: existing?.kind, after: entry.kind.rawValue),
                    AuditChange(field: "name", before: existing?.name, after: entry.name),
                ])
        }
    }

    static func removeDay(_ date: CivilDate, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let root = try await rootCode(on: tx)
            guard let existing = try await CalendarDay.find(date.description, on: tx) else { throw Refusal.notFound }
            try await existing.delete(on: tx)
            _ = try await refreshWorkingDayCases(on: tx)
            audit.record(
                "case_calendar.remove", entityType: "case_calendar", entityID: date.description, divisionCode: root,
                changes: [AuditChange(field: "kind", before: existing.kind, after: nil)])
        }
    }

    static func refreshWorkingDayCases(on tx: any Database) async throws -> Int {
        let policies = try await PolicyService.policies(on: tx)
        let working = Set(policies.policies.filter { $0.counting == .working }.map(\.source))
        guard !working.isEmpty else { return 0 }
        return try await CaseSettings.refreshOpenCases(sources: working, on: tx)
    }
}

/// The deadline policies, one row per source, seeded with the shipped defaults.
enum PolicyService {
    static func rootCode(on db: any Database) async throws -> String { try await CalendarService.rootCode(on: db) }

    static func policies(on db: any Database) async throws -> DeadlinePolicies {
        let stored = try await CasePolicyRecord.query(on: db).all().compactMap(\.decoded)
        var result = DeadlinePolicies.shipped
        for p in stored { if let replaced = try? result.replacing(p) { result = replaced } }
        return result
    }

    static func seedMissing(on db: any Database) async throws {
        let present = Set(try await CasePolicyRecord.query(on: db).all().compactMap(\.id))
        let missing = DeadlinePolicies.shipped.policies.filter { !present.contains($0.source.rawValue) }
        guard !missing.isEmpty else { return }
        try await db.audited(by: .system) { tx, audit in
            let root = try await rootCode(on: tx)
            for p in missing {
                try await CasePolicyRecord(p).create(on: tx)
                audit.record(
                    "case_policy.set", entityType: "case_policy", entityID: p.source.rawValue, divisionCode: root,
                    changes: [AuditChange(field: "policy", before: nil, after: CasePolicyRecord(p).policy)])
            }
        }
    }

    /// Replaces every policy (already validated as a set); open cases of changed sources get
    /// their due dates recomputed in the same transaction.
    static func replace(_ policies: DeadlinePolicies, actor: AuditActor, on db: any Database) async throws -> Int {
        try await db.audited(by: actor) { tx, audit in
            let root = try await rootCode(on: tx)
            let current = try await self.policies(on: tx)
            var changed: Set<CaseSource> = []
            for p in policies.policies where current[p.source] != p {
                changed.insert(p.source)
                let before = CasePolicyRecord(current[p.source]).policy
                try await CasePolicyRecord.query(on: tx).filter(\.$id == p.source.rawValue).delete()
                let record = CasePolicyRecord(p)
                try await record.create(on: tx)
                audit.record(
                    "case_policy.set", entityType: "case_policy", entityID: p.source.rawValue, divisionCode: root,
                    changes: [AuditChange(field: "policy", before: before, after: record.policy)])
            }
            guard !changed.isEmpty else { return 0 }
            return try await CaseSettings.refreshOpenCases(sources: changed, on: tx)
        }
    }
}
