import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The one write path for values people enter: manual indicators per division and period,
/// and peer cities' values. Every entry keeps who made it, when, its note and source
/// document, and what it replaced (the value's history), besides the audit trail.
enum ValueService {
    /// One value to store, already checked: the indicator is manual, the division in scope.
    struct Entry: Sendable {
        var indicator: IndicatorRecord
        var division: DivisionCode
        var period: Period
        /// In the indicator's stored unit.
        var value: ExactDecimal
        var note: String
        var sourceDocument: String
    }

    enum Outcome: Sendable, Equatable { case created, updated, unchanged }

    /// Stores every entry in one audited transaction (all or none).
    @discardableResult
    static func set(_ entries: [Entry], channel: String, actor: AuditActor, on db: any Database) async throws -> [Outcome] {
        try await db.audited(by: actor) { tx, audit in
            try await write(entries, channel: channel, actor: actor, tx: tx, audit: audit)
        }
    }

    /// The writes of `set`, inside a caller's audited transaction (an import writes values
    /// and peer values in one).
    static func write(_ entries: [Entry], channel: String, actor: AuditActor, tx: any Database, audit: AuditRecorder) async throws -> [Outcome] {
        do {
            var outcomes: [Outcome] = []
            for e in entries {
                let id = try e.indicator.requireID()
                let periodText = e.period.description
                let existing = try await IndicatorValueRecord.query(on: tx).filter(\.$indicator.$id == id)
                    .filter(\.$divisionCode == e.division.rawValue).filter(\.$period == periodText).first()
                let text = e.value.description
                if let existing, existing.exact == e.value, existing.note == e.note, existing.sourceDocument == e.sourceDocument {
                    outcomes.append(.unchanged)
                    continue
                }
                let row = existing ?? IndicatorValueRecord()
                let before = existing?.value
                var diff = AuditDiff()
                diff.add("value", before: before, after: text)
                diff.add("note", before: existing?.note, after: e.note)
                diff.add("source_document", before: existing?.sourceDocument, after: e.sourceDocument)
                row.$indicator.id = id
                row.divisionCode = e.division.rawValue
                row.period = periodText
                row.periodStart = e.period.start.description
                row.periodEnd = e.period.end.description
                row.value = text
                row.note = e.note
                row.sourceDocument = e.sourceDocument
                row.enteredBy = actor.name
                try await row.save(on: tx)
                let change = IndicatorValueChange()
                change.$indicator.id = id
                change.divisionCode = e.division.rawValue
                change.period = periodText
                change.before = before
                change.value = text
                change.note = e.note
                change.sourceDocument = e.sourceDocument
                change.enteredBy = actor.name
                change.channel = channel
                try await change.create(on: tx)
                audit.record(
                    "indicator_value.set", entityType: "indicator", entityID: id.uuidString, divisionCode: e.division.rawValue,
                    changes: [AuditChange(field: "period", before: nil, after: periodText)] + diff.changes)
                outcomes.append(existing == nil ? .created : .updated)
            }
            return outcomes
        }
    }

    /// A value as it reads in the indicator's own unit, converted to the stored unit
    /// (`183.61` 亿元 of an indicator stored in 分 becomes 18361000000000).
    static func stored(_ shown: ExactDecimal, for indicator: Indicator) throws(ExactDecimal.Problem) -> ExactDecimal {
        try shown.shifted(byPowerOfTen: indicator.displayScale)
    }

    /// A stored value in the indicator's unit, exact.
    static func shown(_ stored: ExactDecimal, for indicator: Indicator) -> ExactDecimal {
        (try? stored.shifted(byPowerOfTen: -indicator.displayScale)) ?? stored
    }

    /// The history of one value, newest first.
    static func history(
        _ indicator: IndicatorRecord, division: DivisionCode, period: Period, on db: any Database
    ) async throws
        -> [IndicatorValueChange]
    {
        try await IndicatorValueChange.query(on: db).filter(\.$indicator.$id == indicator.requireID())
            .filter(\.$divisionCode == division.rawValue).filter(\.$period == period.description)
            .sort(\.$changedAt, .descending).limit(200).all()
    }

    /// Entered values of one division inside `period` (the period itself and its parts).
    static func entries(
        _ indicatorID: UUID, division: DivisionCode, within period: Period, on db: any Database
    ) async throws
        -> [Period: ExactDecimal]
    {
        let rows = try await IndicatorValueRecord.query(on: db).filter(\.$indicator.$id == indicatorID)
            .filter(\.$divisionCode == division.rawValue)
            .filter(\.$periodStart >= period.start.description).filter(\.$periodEnd <= period.end.description)
            .limit(5000).all()
        var result: [Period: ExactDecimal] = [:]
        for row in rows {
            if let p = row.periodValue, let v = row.exact { result[p] = v }
        }
        return result
    }

    /// A peer city's value, stored like a manual one (with its history in the audit trail).
    static func setPeer(
        _ indicator: IndicatorRecord, memberCode: String, period: Period, value: ExactDecimal, note: String,
        actor: AuditActor, on db: any Database
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            _ = try await writePeer(indicator, memberCode: memberCode, period: period, value: value, note: note, actor: actor, tx: tx, audit: audit)
        }
    }

    /// The write of `setPeer` inside a caller's audited transaction; false when nothing changed.
    static func writePeer(
        _ indicator: IndicatorRecord, memberCode: String, period: Period, value: ExactDecimal, note: String,
        actor: AuditActor, tx: any Database, audit: AuditRecorder
    ) async throws -> Bool {
        do {
            let id = try indicator.requireID()
            let existing = try await PeerValueRecord.query(on: tx).filter(\.$indicator.$id == id)
                .filter(\.$memberCode == memberCode).filter(\.$period == period.description).first()
            let row = existing ?? PeerValueRecord()
            var diff = AuditDiff()
            diff.add("value", before: existing?.value, after: value.description)
            diff.add("note", before: existing?.note, after: note)
            guard !diff.isEmpty else { return false }
            row.$indicator.id = id
            row.memberCode = memberCode
            row.period = period.description
            row.value = value.description
            row.note = note
            row.enteredBy = actor.name
            try await row.save(on: tx)
            audit.record(
                "peer_value.set", entityType: "indicator", entityID: id.uuidString, divisionCode: indicator.divisionCode,
                changes: [
                    AuditChange(field: "member_code", before: nil, after: memberCode),
                    AuditChange(field: "period", before: nil, after: period.description),
                ]
                    + diff.changes)
            return true
        }
    }
}
