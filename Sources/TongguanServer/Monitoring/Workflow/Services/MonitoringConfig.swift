import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Monitoring lines and settings: data an administrator edits (per division prefix, lines
/// also per year), read whole because the tables are small.
enum MonitoringConfig {
    /// Everything the rules read from configuration, loaded once per operation.
    struct Snapshot: Sendable {
        var lines: MonitoringLines
        var overrides: [MonitoringSettingsOverride]

        func settings(for division: DivisionCode) -> MonitoringSettings {
            MonitoringSettings.resolve(for: division, overrides: overrides)
        }

        func lineFen(for division: DivisionCode, year: Int) -> Int64? { lines.line(for: division, year: year)?.lineFen }
    }

    static func load(on db: any Database) async throws -> Snapshot {
        Snapshot(lines: try await lines(on: db), overrides: try await overrides(on: db))
    }

    static func lines(on db: any Database) async throws -> MonitoringLines {
        MonitoringLines(try await MonitoringLineRecord.query(on: db).all().compactMap(\.line))
    }

    static func overrides(on db: any Database) async throws -> [MonitoringSettingsOverride] {
        try await MonitoringSettingsRecord.query(on: db).all().compactMap(\.override)
    }

    /// A division prefix as people type it: `14` (a province), `1411` (a city) or a full
    /// 6- or 9-digit code. The API answers with the significant prefix again.
    static func division(prefix raw: String) throws(DivisionCode.Problem) -> DivisionCode {
        if raw.utf8.count == 2 || raw.utf8.count == 4, raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return try DivisionCode(validating: raw + String(repeating: "0", count: 6 - raw.utf8.count))
        }
        return try DivisionCode(validating: raw)
    }

    /// Who may set a line or settings for `division`: an administrator whose scope holds it,
    /// or one scoped to the root division for the divisions above it (the province's line
    /// is entered by the city).
    static func mayConfigure(_ division: DivisionCode, caller: Caller, on db: any Database) async throws -> Bool {
        guard caller.role == .admin else { return false }
        if caller.scope.contains(division) { return true }
        guard division.contains(caller.scope.root) else { return false }
        return try await Division.root(on: db)?.id == caller.scope.root.rawValue
    }

    /// Rows that matter to a scope: those set for it or inside it, and those of the divisions
    /// above it (their lines apply to it).
    static func visible(_ division: DivisionCode, in scope: DivisionScope) -> Bool {
        scope.contains(division) || division.contains(scope.root)
    }

    /// Sets (replaces) the line of a division for a year; answers whether anything changed.
    @discardableResult
    static func setLine(_ line: MonitoringLine, actor: AuditActor, on db: any Database) async throws -> Bool {
        let problems = line.problems
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        return try await db.audited(by: actor) { tx, audit in
            let existing = try await MonitoringLineRecord.query(on: tx)
                .filter(\.$divisionCode == line.division.rawValue).filter(\.$year == line.year).first()
            var diff = AuditDiff()
            if let existing {
                guard existing.lineFen != line.lineFen else { return false }
                diff.add("line_fen", before: String(existing.lineFen), after: String(line.lineFen))
                existing.lineFen = line.lineFen
                try await existing.save(on: tx)
            } else {
                try await MonitoringLineRecord(line).create(on: tx)
                diff.created("line_fen", String(line.lineFen))
            }
            audit.record(
                "monitoring.line.set", entityType: "monitoring_line", entityID: "\(line.division.significantPrefix)/\(line.year)",
                divisionCode: line.division.rawValue, changes: diff.changes)
            return true
        }
    }

    /// Replaces a division's own settings (fields left nil inherit); all nil removes nothing
    /// but stores an override that inherits everything.
    @discardableResult
    static func setSettings(_ o: MonitoringSettingsOverride, actor: AuditActor, on db: any Database) async throws -> Bool {
        let checked = try o.validated()
        return try await db.audited(by: actor) { tx, audit in
            let existing = try await MonitoringSettingsRecord.query(on: tx).filter(\.$divisionCode == checked.division.rawValue).first()
            let before = existing?.override
            guard before != checked else { return false }
            let record = existing ?? MonitoringSettingsRecord()
            record.apply(checked)
            try await record.save(on: tx)
            var diff = AuditDiff()
            for (field, old, new) in Self.fields(before, checked) where old != new { diff.add(field, before: old, after: new) }
            audit.record(
                "monitoring.settings.set", entityType: "monitoring_settings", entityID: checked.division.significantPrefix,
                divisionCode: checked.division.rawValue, changes: diff.changes)
            return true
        }
    }

    static func fields(_ a: MonitoringSettingsOverride?, _ b: MonitoringSettingsOverride) -> [(String, String?, String?)] {
        typealias F = MonitoringSettings.Field
        return [
            (F.nearLineFactor.rawValue, a?.nearLineFactor?.description, b.nearLineFactor?.description),
            (F.incomeDropFraction.rawValue, a?.incomeDropFraction?.description, b.incomeDropFraction?.description),
            (F.largeExpenseFraction.rawValue, a?.largeExpenseFraction?.description, b.largeExpenseFraction?.description),
            (F.noticePeriodDays.rawValue, a?.noticePeriodDays.map(String.init), b.noticePeriodDays.map(String.init)),
            (F.minimumMonitoringMonths.rawValue, a?.minimumMonitoringMonths.map(String.init), b.minimumMonitoringMonths.map(String.init)),
        ]
    }
}
