import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Early warnings: raised and closed only here, by the domain's planner (on recording an
/// assessment and by a scan), or resolved by a person with a note.
enum WarningService {
    struct Outcome: Sendable, Equatable {
        var raised = 0
        var resolved = 0
        var superseded = 0

        static func + (a: Outcome, b: Outcome) -> Outcome {
            Outcome(raised: a.raised + b.raised, resolved: a.resolved + b.resolved, superseded: a.superseded + b.superseded)
        }
    }

    /// Runs the rules on the household's assessment of `date` (against its previous one) with
    /// `members`, and writes what the planner decides. Idempotent. Nil when no line is in
    /// force for the assessment's year (nothing can be judged).
    static func evaluate(
        household: Household, assessedOn date: CivilDate, members: [AssessedMember], config: MonitoringConfig.Snapshot,
        today: CivilDate, audit: AuditRecorder, on tx: any Database
    ) async throws -> (Outcome, [WarningRecord])? {
        let householdID = try household.requireID()
        let assessments = try await AssessmentRecord.query(on: tx).filter(\.$householdID == householdID).all()
            .sorted { $0.assessedOn < $1.assessedOn }
        guard let index = assessments.firstIndex(where: { $0.assessedOn == date.description }) else { return nil }
        let current = assessments[index]
        let division = household.division
        guard let line = config.lineFen(for: division, year: date.year) else { return nil }
        let previous = index > 0 ? assessments[index - 1].assessment : nil
        let newer = index + 1 < assessments.count ? assessments.last?.date : nil
        let stored = try await WarningRecord.query(on: tx).filter(\.$householdID == householdID).all()
        let existing = stored.compactMap(\.warning)
        let input = WarningInput(
            assessment: current.assessment, previous: previous, lineFen: line, settings: config.settings(for: division), members: members)
        let plan = WarningPlanner.plan(input, existing: existing, newerAssessmentOn: newer, today: today)
        var outcome = Outcome()
        var raised: [WarningRecord] = []
        for warning in plan.raise {
            let record = WarningRecord(householdID: householdID, divisionCode: household.divisionCode, warning)
            try await record.create(on: tx)
            raised.append(record)
            outcome.raised += 1
            var diff = AuditDiff()
            diff.created("household_code", household.code)
            diff.created("rule", warning.rule.rawValue)
            diff.created("assessed_on", warning.assessedOn.description)
            diff.created("status", warning.status.rawValue)
            audit.record(
                "warning.raise", entityType: "warning", entityID: record.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes)
        }
        for closure in plan.close {
            guard
                let record = stored.first(where: {
                    $0.rule == closure.key.rule.rawValue && $0.assessedOn == closure.key.assessedOn.description
                })
            else { continue }
            record.status = closure.status.rawValue
            record.closedOn = today.description
            record.note = closure.note
            try await record.save(on: tx)
            if closure.status == .superseded { outcome.superseded += 1 } else { outcome.resolved += 1 }
            var diff = AuditDiff()
            diff.add("status", before: WarningStatus.open.rawValue, after: closure.status.rawValue)
            diff.created("note", closure.note)
            audit.record(
                "warning.close", entityType: "warning", entityID: record.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes)
        }
        return (outcome, raised)
    }

    /// A person resolves an open warning with a note.
    static func resolve(
        _ record: WarningRecord, household: Household, note: String, actor: AuditActor, on db: any Database, today: CivilDate
    )
        async throws
    {
        guard let warning = record.warning else { throw Refusal.notFound }
        let done = try warning.resolved(note: note, on: max(today, warning.raisedOn))
        try await db.audited(by: actor) { tx, audit in
            // Re-read inside the write lock: a scan may have closed it meanwhile.
            guard let fresh = try await WarningRecord.find(record.id, on: tx), fresh.status == WarningStatus.open.rawValue else {
                throw Refusal.conflict("该预警已解除或已被取代,不能再次解除")
            }
            fresh.apply(done)
            try await fresh.save(on: tx)
            record.apply(done)
            var diff = AuditDiff()
            diff.add("status", before: WarningStatus.open.rawValue, after: WarningStatus.resolved.rawValue)
            diff.created("note", done.note)
            audit.record(
                "warning.resolve", entityType: "warning", entityID: record.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes
            )
        }
    }

    /// A warning by id, in scope (through its household).
    static func find(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> (WarningRecord, Household) {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let record = try await WarningRecord.find(id, on: db),
            let household = try await Household.find(record.householdID, on: db), scope.contains(household.divisionCode)
        else { throw Refusal.notFound }
        return (record, household)
    }

    struct ScanReport: Sendable, Equatable {
        var households = 0
        /// Households whose latest assessment's year has no line in force.
        var withoutLine = 0
        var outcome = Outcome()
    }

    /// `tongguan monitoring scan` / `POST /api/v1/monitoring/scan`: every household in scope
    /// with an assessment, against its latest one and today's registry. Idempotent. Works in
    /// batches of households, one transaction each.
    static func scan(scope: DivisionScope, ring: KeyRing, actor: AuditActor, on db: any Database, today: CivilDate) async throws -> ScanReport {
        let config = try await MonitoringConfig.load(on: db)
        var report = ScanReport()
        var after = ""
        struct Row: Decodable { var code: String }
        while true {
            let rows = try await db.sql.raw(
                """
                SELECT h.household_code AS code FROM households h
                WHERE h.division_code LIKE \(bind: scope.prefix + "%") AND h.household_code > \(bind: after)
                AND EXISTS (SELECT 1 FROM income_assessments a WHERE a.household_id = h.id)
                ORDER BY h.household_code LIMIT 500
                """
            ).all(decoding: Row.self)
            guard let last = rows.last else { break }
            after = last.code
            let codes = rows.map(\.code)
            let batch = try await db.audited(by: actor) { tx, audit -> ScanReport in
                var part = ScanReport()
                let households = try await Household.query(on: tx).filter(\.$code ~~ codes).all()
                for household in households {
                    part.households += 1
                    guard
                        let latest = try await AssessmentRecord.query(on: tx).filter(\.$householdID == household.requireID())
                            .sort(\.$assessedOn, .descending).first()
                    else { continue }
                    // Masked references are only needed when a member is named: try without first.
                    var members = try await RegistryReads.assessedMembers(of: household, ring: nil, on: tx)
                    if needsMemberReferences(members, on: latest.date) {
                        members = try await RegistryReads.assessedMembers(of: household, ring: ring, on: tx)
                    }
                    guard
                        let (outcome, _) = try await evaluate(
                            household: household, assessedOn: latest.date, members: members, config: config, today: today, audit: audit, on: tx)
                    else {
                        part.withoutLine += 1
                        continue
                    }
                    part.outcome = part.outcome + outcome
                }
                return part
            }
            report.households += batch.households
            report.withoutLine += batch.withoutLine
            report.outcome = report.outcome + batch.outcome
        }
        return report
    }

    /// Whether `basic_needs` would name a member on `date` (so masked IDs must be opened).
    static func needsMemberReferences(_ members: [AssessedMember], on date: CivilDate) -> Bool {
        members.present(on: date).contains {
            !$0.hasBasicMedicalInsurance || (AssessedMember.compulsorySchoolAges.contains($0.age(on: date)) && !$0.inCompulsoryEducation)
        }
    }
}
