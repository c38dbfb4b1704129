import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Monitoring episodes, their steps and measures: changed only here. Every rule (roles,
/// states, guards) is the domain's `MonitoringEpisode`; this gathers the facts it checks
/// and writes what it decides, with the audit event, in one transaction.
enum EpisodeService {
    /// A step's own fields as stored with it.
    struct Details: Codable, Sendable, Equatable {
        var consent: Bool?
        var category: String?
        var riskTypes: [String]?
        var reason: String?
        var channel: String?
        var warningIDs: [String]?

        enum CodingKeys: String, CodingKey {
            case consent, category, reason, channel
            case riskTypes = "risk_types"
            case warningIDs = "warning_ids"
        }

        init(_ step: EpisodeStep) {
            switch step {
            case .open(let channel, let ids): self.channel = channel.rawValue; warningIDs = ids.map { $0.uuidString.lowercased() }
            case .visit(let consent): self.consent = consent
            case .approve(let category, let types): self.category = category.rawValue; riskTypes = types.map(\.rawValue)
            case .reject(let reason): self.reason = reason
            default: break
            }
        }

        var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }

        static func decode(_ json: String) -> Details {
            (try? JSONDecoder().decode(Details.self, from: Data(json.utf8))) ?? Details(.notice)
        }
    }

    static func actor(_ caller: Caller) -> MonitoringActor { MonitoringActor(role: caller.role, scope: caller.scope) }

    /// Opens an episode for a household (refused while it has one running).
    static func open(
        household: Household, channel: MonitoringChannel, on date: CivilDate, warningIDs: [UUID], note: String, caller: Caller,
        actor: AuditActor, on db: any Database, today: CivilDate = RegistryFinder.today()
    ) async throws -> EpisodeRecord {
        let householdID = try household.requireID()
        return try await db.audited(by: actor) { tx, audit in
            let existing = try await EpisodeRecord.query(on: tx).filter(\.$householdID == householdID).all()
            let transition = try MonitoringEpisode.open(
                channel: channel, on: date, warningIDs: warningIDs, note: note, by: Self.actor(caller), existing: existing.map(\.episode),
                today: today)
            let own = Set(try await WarningRecord.query(on: tx).filter(\.$householdID == householdID).all().compactMap(\.id))
            let foreign = transition.episode.warningIDs.enumerated().filter { !own.contains($0.element) }
            if !foreign.isEmpty {
                throw Refusal.invalid(foreign.map { FieldProblem(field: "warning_ids.\($0.offset)", message: "该预警不存在或不属于此农户") })
            }
            if !household.isActive { throw Refusal.conflict("该户已销户,不能发起监测") }
            let record = EpisodeRecord(householdID: householdID, transition.episode)
            try await record.create(on: tx)
            try await append(transition.record, to: record, actor: actor, on: tx)
            var diff = AuditDiff()
            diff.created("household_code", household.code)
            diff.created("channel", channel.rawValue)
            diff.created("date", date.description)
            audit.record(
                "episode.open", entityType: "episode", entityID: record.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes)
            return record
        }
    }

    /// Takes one step; refused with every unmet condition.
    static func step(
        _ episode: EpisodeRecord, household: Household, step: EpisodeStep, on date: CivilDate, note: String, caller: Caller,
        expectedVersion: Int? = nil, actor: AuditActor, on db: any Database, today: CivilDate = RegistryFinder.today()
    ) async throws {
        try await db.audited(by: actor) { tx, audit in
            // Re-read inside the write lock: another step may have been taken meanwhile. A
            // client that sent If-Match wants its step only on the version it read.
            guard let fresh = try await EpisodeRecord.find(episode.id, on: tx) else { throw Refusal.notFound }
            if let expectedVersion, fresh.version != expectedVersion { throw Refusal.staleVersion }
            let context = try await context(for: fresh, household: household, today: today, on: tx)
            let transition = try fresh.episode.apply(step, on: date, note: note, by: Self.actor(caller), context: context)
            let before = fresh.state
            fresh.apply(transition.episode)
            try await fresh.saveVersioned(on: tx)
            episode.apply(transition.episode)
            episode.version = fresh.version
            try await append(transition.record, to: fresh, actor: actor, on: tx)
            var diff = AuditDiff()
            diff.created("step", step.kind.rawValue)
            diff.created("date", date.description)
            diff.add("state", before: before, after: fresh.state)
            if case .approve(let category, let types) = transition.record.step {
                diff.created("category", category.rawValue)
                diff.created("risk_types", types.map(\.rawValue).joined(separator: ","))
            }
            audit.record(
                "episode.step", entityType: "episode", entityID: fresh.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes)
        }
    }

    /// Appends a step record and moves the household's state timeline on: the step in force
    /// until now ends on the new step's date.
    static func append(_ record: EpisodeStepRecord, to episode: EpisodeRecord, actor: AuditActor, on tx: any Database) async throws {
        let episodeID = try episode.requireID()
        try await tx.sql.raw(
            """
            UPDATE episode_steps SET next_date = \(bind: record.date.description)
            WHERE household_id = \(bind: episode.householdID) AND next_date = \(bind: StepRecord.openEnd)
            """
        ).run()
        let seq = try await StepRecord.query(on: tx).filter(\.$episodeID == episodeID).count() + 1
        let row = StepRecord()
        row.episodeID = episodeID
        row.householdID = episode.householdID
        row.seq = seq
        row.step = record.step.kind.rawValue
        row.date = record.date.description
        row.nextDate = StepRecord.openEnd
        row.note = record.note
        row.fromState = record.from?.rawValue
        row.toState = record.to.rawValue
        row.details = Details(record.step).json
        row.actor = actor.name
        try await row.create(on: tx)
        try await MonitoringSpans.refresh([episode.householdID], on: tx)
    }

    /// The facts a step's conditions are checked against, for the household on `today`.
    static func context(for episode: EpisodeRecord, household: Household, today: CivilDate, on db: any Database) async throws -> EpisodeContext {
        let householdID = try household.requireID()
        let config = try await MonitoringConfig.load(on: db)
        let latest = try await AssessmentRecord.query(on: db).filter(\.$householdID == householdID).sort(\.$assessedOn, .descending).first()
        let warnings = try await WarningRecord.query(on: db).filter(\.$householdID == householdID).all().compactMap(\.warning)
        let measures = try await MeasureRecord.query(on: db).filter(\.$episodeID == episode.requireID()).all().map(\.measure)
        let members = try await RegistryReads.assessedMembers(of: household, ring: nil, on: db)
        return EpisodeContext(
            today: today, settings: config.settings(for: household.division), latestAssessment: latest?.assessment,
            lineFen: latest.flatMap { config.lineFen(for: household.division, year: $0.date.year) }, warnings: warnings, measures: measures,
            members: members)
    }

    // MARK: measures

    static func addMeasure(
        _ measure: AssistanceMeasure, to episode: EpisodeRecord, household: Household, actor: AuditActor, on db: any Database
    ) async throws -> MeasureRecord {
        try await db.audited(by: actor) { tx, audit in
            guard let fresh = try await EpisodeRecord.find(episode.id, on: tx) else { throw Refusal.notFound }
            guard fresh.episode.acceptsMeasures else { throw Refusal.conflict("本次监测已结束,不能再登记帮扶措施") }
            let record = MeasureRecord()
            record.episodeID = try fresh.requireID()
            record.householdID = fresh.householdID
            record.apply(measure)
            try await record.create(on: tx)
            try await MonitoringSpans.refresh([fresh.householdID], on: tx)
            var diff = AuditDiff()
            diff.created("measure_id", record.id!.uuidString)
            diff.created("type", measure.type.rawValue)
            diff.created("start", measure.startOn.description)
            diff.created("end", measure.endOn?.description)
            diff.created("amount_fen", String(measure.amountFen))
            audit.record(
                "measure.add", entityType: "episode", entityID: fresh.id!.uuidString, divisionCode: household.divisionCode, changes: diff.changes)
            return record
        }
    }

    static func endMeasure(_ record: MeasureRecord, on date: CivilDate, household: Household, actor: AuditActor, on db: any Database) async throws {
        let ended = try record.measure.ending(on: date)
        try await db.audited(by: actor) { tx, audit in
            let before = record.endOn
            record.apply(ended)
            try await record.save(on: tx)
            var diff = AuditDiff()
            diff.add("end", before: before, after: date.description)
            audit.record(
                "measure.end", entityType: "episode", entityID: record.episodeID.uuidString, divisionCode: household.divisionCode,
                changes: diff.changes)
        }
    }

    // MARK: reading

    static func find(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> (EpisodeRecord, Household) {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let record = try await EpisodeRecord.find(id, on: db),
            let household = try await Household.find(record.householdID, on: db), scope.contains(household.divisionCode)
        else { throw Refusal.notFound }
        return (record, household)
    }

    static func steps(of episode: EpisodeRecord, on db: any Database) async throws -> [StepRecord] {
        try await StepRecord.query(on: db).filter(\.$episodeID == episode.requireID()).sort(\.$seq).all()
    }

    static func measures(of episode: EpisodeRecord, on db: any Database) async throws -> [MeasureRecord] {
        try await MeasureRecord.query(on: db).filter(\.$episodeID == episode.requireID()).sort(\.$startOn).sort(\.$createdAt).all()
    }
}
