import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Income assessments: recorded only here (API, page, import, demo), each with the warnings
/// it raises or closes in the same audited transaction.
enum AssessmentService {
    struct Input: Sendable, Equatable {
        var assessedOn: CivilDate
        var figures: IncomeFigures
        var housingSafe: Bool
        var waterSafe: Bool
        var assessedBy: String
    }

    struct Recorded: Sendable {
        var record: AssessmentRecord
        var warnings: [WarningRecord]
        var outcome: WarningService.Outcome
    }

    /// Refusal for a second assessment of the same household and day.
    static func duplicate(_ date: CivilDate) -> Refusal {
        .conflict("该户已有\(date.chinese)的收入评估;同一户同一日期只能有一条评估")
    }

    static func record(
        _ input: Input, household: Household, ring: KeyRing, actor: AuditActor, on db: any Database,
        today: CivilDate = RegistryFinder.today()
    ) async throws -> Recorded {
        try await db.audited(by: actor) { tx, audit in
            try await record(
                input, household: household, ring: ring, config: try await MonitoringConfig.load(on: tx), today: today, audit: audit, on: tx)
        }
    }

    /// The write itself, inside a transaction the caller holds (the import runs many).
    static func record(
        _ input: Input, household: Household, ring: KeyRing, config: MonitoringConfig.Snapshot, today: CivilDate, audit: AuditRecorder,
        on tx: any Database
    ) async throws -> Recorded {
        let householdID = try household.requireID()
        if !household.isActive { throw Refusal.conflict("该户已销户,不能再登记收入评估") }
        let members = try await RegistryReads.assessedMembers(of: household, ring: ring, on: tx)
        let assessment = try IncomeAssessment.assess(
            on: input.assessedOn, figures: input.figures, housingSafe: input.housingSafe, waterSafe: input.waterSafe, members: members,
            today: today)
        if config.lineFen(for: household.division, year: input.assessedOn.year) == nil {
            let name = try await RegistryReads.divisionName(household.divisionCode, on: tx)
            _ = try config.lines.requireLine(for: household.division, year: input.assessedOn.year, divisionName: name)
        }
        if try await AssessmentRecord.query(on: tx).filter(\.$householdID == householdID)
            .filter(\.$assessedOn == input.assessedOn.description).first() != nil
        {
            throw duplicate(input.assessedOn)
        }
        let record = AssessmentRecord(householdID: householdID, assessment, assessedBy: input.assessedBy)
        try await record.create(on: tx)
        var diff = AuditDiff()
        diff.created("assessed_on", record.assessedOn)
        diff.created("net_income_fen", String(record.netIncomeFen))
        diff.created("per_capita_fen", String(record.perCapitaFen))
        diff.created("member_count", String(record.memberCount))
        audit.record(
            "assessment.record", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
        let evaluated = try await WarningService.evaluate(
            household: household, assessedOn: input.assessedOn, members: members, config: config, today: today, audit: audit, on: tx)
        return Recorded(record: record, warnings: evaluated?.1 ?? [], outcome: evaluated?.0 ?? .init())
    }

    /// A household's assessments, newest first.
    static func list(of household: Household, paging: PageRequest, on db: any Database) async throws -> ([AssessmentRecord], Int) {
        let query = AssessmentRecord.query(on: db).filter(\.$householdID == (try household.requireID()))
        let total = try await query.count()
        let rows = try await query.sort(\.$assessedOn, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        return (rows, total)
    }
}
