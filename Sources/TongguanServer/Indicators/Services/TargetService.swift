import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Targets: a value an indicator must reach in a division by a date. The status follows
/// `Target.statusRule` (written on the targets page) from the indicator's values so far.
enum TargetService {
    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<TargetRecord> {
        TargetRecord.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    static func find(_ raw: String?, scope: DivisionScope, on db: any Database) async throws -> TargetRecord {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let record = try await TargetRecord.find(id, on: db),
            scope.contains(record.divisionCode)
        else { throw Refusal.notFound }
        return record
    }

    struct Fields: Sendable {
        var value: ExactDecimal?
        var due: CivilDate?
        /// nil: leave as is; .some(nil): remove the baseline.
        var baseline: (period: Period, value: ExactDecimal)??
        var note: String?
    }

    static func create(
        indicator: IndicatorRecord, division: DivisionCode, fields f: Fields, actor: AuditActor, on db: any Database
    ) async throws -> TargetRecord {
        let record = TargetRecord()
        record.$indicator.id = try indicator.requireID()
        record.divisionCode = division.rawValue
        record.version = 1
        record.value = f.value!.description
        record.due = f.due!.description
        record.baselinePeriod = (f.baseline ?? nil)?.period.description
        record.baselineValue = (f.baseline ?? nil)?.value.description
        record.note = f.note ?? ""
        try await db.audited(by: actor) { tx, audit in
            if try await TargetRecord.query(on: tx).filter(\.$indicator.$id == record.$indicator.id).filter(\.$divisionCode == record.divisionCode)
                .filter(\.$due == record.due).first() != nil
            {
                throw Refusal.invalid("due", "该区划已有此指标在\(record.due)到期的目标")
            }
            try await record.create(on: tx)
            var diff = AuditDiff()
            diff.created("indicator", indicator.code)
            diff.created("value", record.value)
            diff.created("due", record.due)
            diff.created("baseline", record.baselinePeriod.map { "\($0)=\(record.baselineValue ?? "")" })
            audit.record(
                "target.create", entityType: "target", entityID: record.id!.uuidString, divisionCode: record.divisionCode, changes: diff.changes)
        }
        return record
    }

    static func update(_ record: TargetRecord, with f: Fields, actor: AuditActor, on db: any Database) async throws {
        var diff = AuditDiff()
        if let v = f.value { diff.add("value", before: record.value, after: v.description); record.value = v.description }
        if let d = f.due { diff.add("due", before: record.due, after: d.description); record.due = d.description }
        if let b = f.baseline {
            let before = record.baselinePeriod.map { "\($0)=\(record.baselineValue ?? "")" }
            record.baselinePeriod = b?.period.description
            record.baselineValue = b?.value.description
            diff.add("baseline", before: before, after: record.baselinePeriod.map { "\($0)=\(record.baselineValue ?? "")" })
        }
        if let n = f.note { diff.add("note", before: record.note, after: n); record.note = n }
        guard !diff.isEmpty else { return }
        let changes = diff.changes
        try await db.audited(by: actor) { tx, audit in
            try await record.saveVersioned(on: tx)
            audit.record("target.update", entityType: "target", entityID: record.id!.uuidString, divisionCode: record.divisionCode, changes: changes)
        }
    }

    static func delete(_ record: TargetRecord, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            try await record.delete(on: tx)
            var diff = AuditDiff()
            diff.add("value", before: record.value, after: nil)
            diff.add("due", before: record.due, after: nil)
            audit.record(
                "target.delete", entityType: "target", entityID: record.id!.uuidString, divisionCode: record.divisionCode, changes: diff.changes)
        }
    }

    /// The values a target is judged on, dated by the end of their periods and up to `asOf`:
    /// for a manual indicator every value entered for the division; for a computed one the
    /// value of each whole month of the twelve before `asOf`.
    static func observations(
        _ indicator: IndicatorRecord, division: DivisionCode, asOf: CivilDate, scope: DivisionScope, on db: any Database
    ) async throws -> [Observation] {
        if indicator.sourceType == "manual" {
            let rows = try await IndicatorValueRecord.query(on: db).filter(\.$indicator.$id == indicator.requireID())
                .filter(\.$divisionCode == division.rawValue).filter(\.$periodEnd <= asOf.description).limit(1000).all()
            return rows.compactMap { row in
                guard let p = row.periodValue, let v = row.exact else { return nil }
                return Observation(period: p, value: v)
            }
        }
        let evaluator = IndicatorEvaluator(db: db, scope: scope)
        var result: [Observation] = []
        var month = Period.unit(.month, containing: asOf)?.previous
        for _ in 0..<12 {
            guard let m = month else { break }
            if let v = try await evaluator.evaluate(indicator, period: m, division: division).exact {
                result.append(Observation(period: m, value: v))
            }
            month = m.previous
        }
        return result.reversed()
    }

    /// A target with its indicator and judgement.
    struct Assessed: Sendable {
        var record: TargetRecord
        var indicator: IndicatorRecord
        var target: Target
        var assessment: TargetAssessment
    }

    static func assessed(
        _ records: [TargetRecord], asOf: CivilDate, scope: DivisionScope, on db: any Database
    ) async throws -> [Assessed] {
        let ids = Set(records.map { $0.$indicator.id })
        let indicators = Dictionary(
            try await IndicatorRecord.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [Assessed] = []
        for record in records {
            guard let indicator = indicators[record.$indicator.id], let code = IndicatorCode(indicator.code),
                let target = record.target(code: code)
            else { continue }
            let observations = try await observations(indicator, division: target.division, asOf: asOf, scope: scope, on: db)
            let assessment = target.assess(observations, direction: indicator.indicator.direction, today: asOf)
            result.append(Assessed(record: record, indicator: indicator, target: target, assessment: assessment))
        }
        return result
    }

    /// Today in China, the default for judging targets.
    static var today: CivilDate {
        CivilDate(iso: String(ChinaDate.display(StoredInstant.string(Date())).prefix(10))) ?? CivilDate(year: 2021, month: 1, day: 1)!
    }
}
