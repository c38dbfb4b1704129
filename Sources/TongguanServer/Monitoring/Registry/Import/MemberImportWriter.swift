import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// Applies a checked member sheet inside the import's transaction: matches it to the
/// registry, refuses what the registry forbids (an ID present in another household, a
/// household out of the importer's scope, a change the household rules refuse), updates
/// known households in place member by member, and writes new households in bulk with
/// codes from `HouseholdCodeAllocator`.
struct MemberImportWriter {
    let tx: any Database
    let audit: AuditRecorder
    let ring: KeyRing
    let scope: DivisionScope
    let today: CivilDate
    let progress: Progress
    /// Members per write batch (nil: the engine's).
    var batchSize: Int? = nil

    /// Households whose changes are loaded and checked together.
    static let updateBatch = 200

    mutating func apply(_ file: MemberSheet.Households) async throws -> MemberImport.Outcome {
        progress.update("比对", done: 0, total: file.memberCount)
        let matches = try await MemberMatches.find(file, ring: ring, on: tx)
        var tally = RowProblemTally()
        var fresh: [Int] = []
        var known: [(file: Int, household: MemberMatches.Household)] = []
        var claimed: [UUID: Int] = [:]
        let residentColumn = MemberSheet.Column.residentID.rawValue
        func elsewhere(_ line: Int, _ household: MemberMatches.Household) -> RowProblem {
            if scope.contains(household.division), let code = HouseholdCode(household.code) {
                return MemberSheet.residentElsewhereProblem(line: line, code: code)
            }
            return RowProblem(row: line, column: residentColumn, message: "该身份证号已是管辖范围外某户的在户成员,须由该户所在区划办理转移")
        }
        for (i, household) in file.enumerated() {
            var problems: [RowProblem] = []
            let headPosition = household.members.startIndex
            if let (_, existing) = matches[headPosition] {
                if !scope.contains(existing.division) {
                    problems.append(elsewhere(household.head.line, existing))
                } else if let other = claimed[existing.id] {
                    problems.append(
                        RowProblem(
                            row: household.head.line, column: residentColumn,
                            message: "与第\(file[other].head.line)行的户主同为户码\(existing.code)的在户成员;一户只能有一名户主"))
                } else {
                    claimed[existing.id] = i
                    known.append((i, existing))
                }
                for (position, draft) in zip(household.members.indices, household.members).dropFirst() {
                    if let (_, holder) = matches[position], holder.id != existing.id { problems.append(elsewhere(draft.line, holder)) }
                }
            } else {
                for (position, draft) in zip(household.members.indices, household.members) {
                    if let (_, holder) = matches[position] { problems.append(elsewhere(draft.line, holder)) }
                }
                if problems.isEmpty { fresh.append(i) }
            }
            for problem in problems { tally.add(problem) }
        }
        guard tally.isEmpty else { throw MemberImport.Refused(tally: tally) }

        var outcome = MemberImport.Outcome()
        try await update(known, file: file, matches: matches, outcome: &outcome, tally: &tally)
        guard tally.isEmpty else { throw MemberImport.Refused(tally: tally) }
        try await create(fresh, file: file, outcome: &outcome, tally: &tally)
        guard tally.isEmpty else { throw MemberImport.Refused(tally: tally) }
        return outcome
    }

    // MARK: known households

    private func update(
        _ known: [(file: Int, household: MemberMatches.Household)], file: MemberSheet.Households, matches: MemberMatches,
        outcome: inout MemberImport.Outcome, tally: inout RowProblemTally
    ) async throws {
        var start = 0
        while start < known.count {
            let batch = known[start..<min(start + Self.updateBatch, known.count)]
            start += Self.updateBatch
            let ids = batch.map(\.household.id)
            let households = Dictionary(uniqueKeysWithValues: try await Household.query(on: tx).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
            let rows = Dictionary(grouping: try await Member.query(on: tx).filter(\.$householdID ~~ ids).all(), by: \.householdID)
            for (fileIndex, match) in batch {
                guard let household = households[match.id] else { continue }
                let draft = file[fileIndex]
                try await update(household, rows: rows[match.id] ?? [], with: draft, matches: matches, outcome: &outcome, tally: &tally)
            }
            try await audit.flush(on: tx.sql)
            progress.update("更新", done: min(start, known.count), total: known.count)
        }
    }

    private func update(
        _ household: Household, rows: [Member], with draft: HouseholdDraft, matches: MemberMatches,
        outcome: inout MemberImport.Outcome, tally: inout RowProblemTally
    ) async throws {
        var snapshot = RegistryFinder.snapshot(household, rows)
        var changed = false
        let column = MemberSheet.Column.relation.rawValue
        func refuse(_ line: Int, _ error: any Error) {
            let message = (error as? Refusal).map { r in r.conditions.isEmpty ? r.message : r.conditions.map(\.message).joined(separator: ";") }
            tally.add(RowProblem(row: line, column: column, message: message ?? "无法应用到已登记的户"))
        }
        // The household's own facts, from the head's row (blank cells keep what is stored).
        var diff = AuditDiff()
        let before = household.divisionCode
        if draft.village.rawValue != household.divisionCode {
            do { snapshot = try snapshot.relocating(to: draft.village) } catch {
                refuse(draft.head.line, error)
                return
            }
            diff.add("division_code", before: household.divisionCode, after: draft.village.rawValue)
            household.divisionCode = draft.village.rawValue
        }
        if let phone = draft.phone, phone != household.phone {
            diff.add("phone", before: household.phone, after: phone, personal: .phone)
            household.phone = phone
        }
        if let address = draft.address, address != household.address {
            diff.add("address", before: household.address, after: address, personal: .address)
            household.address = address
        }
        if !diff.isEmpty {
            changed = true
            audit.record(
                "household.update", entityType: "household", entityID: household.code, divisionCode: household.divisionCode, changes: diff.changes)
            if before != household.divisionCode {
                audit.record("household.moved_out", entityType: "household", entityID: household.code, divisionCode: before, changes: diff.changes)
            }
        }
        // Members: the head first (so a new head's relation is settled before the others').
        for (position, member) in zip(draft.members.indices, draft.members) {
            let fields = RegistryForms.MemberFields(member)
            if let (memberID, _) = matches[position], let row = rows.first(where: { $0.id == memberID }) {
                let changes = RegistryService.memberChanges(row, fields)
                guard !changes.isEmpty else { continue }
                do { snapshot = try snapshot.updating(fields.snapshot(id: memberID)) } catch {
                    refuse(member.line, error)
                    continue
                }
                var memberDiff = AuditDiff()
                memberDiff.created("member_id", memberID.uuidString)
                for c in changes { memberDiff.add(c.field, before: c.before, after: c.after, personal: c.field == "name" ? .name : nil) }
                row.apply(fields)
                row.version += 1
                try await row.save(on: tx)
                audit.record(
                    "member.update", entityType: "household", entityID: household.code, divisionCode: household.divisionCode,
                    changes: memberDiff.changes)
                outcome.membersUpdated += 1
                changed = true
            } else {
                let id = UUID()
                do { snapshot = try snapshot.adding(fields.snapshot(id: id)) } catch {
                    refuse(member.line, error)
                    continue
                }
                let row = Member()
                row.id = id
                row.householdID = household.id!
                row.apply(fields)
                RegistryService.seal(row, member.resident, ring: ring)
                row.status = MemberStatus.present.rawValue
                row.version = 1
                try await row.create(on: tx)
                var memberDiff = AuditDiff()
                memberDiff.created("member_id", id.uuidString)
                memberDiff.created("name", member.name, personal: .name)
                memberDiff.created("resident_id", member.resident.id, personal: .residentID)
                memberDiff.created("relation", member.relation.rawValue)
                audit.record(
                    "member.add", entityType: "household", entityID: household.code, divisionCode: household.divisionCode,
                    changes: memberDiff.changes)
                outcome.membersCreated += 1
                changed = true
            }
        }
        if changed {
            household.version += 1
            try await household.save(on: tx)
            try await MonitoringSpans.refresh([household.id!], on: tx)
            outcome.householdsUpdated += 1
        } else {
            outcome.householdsUnchanged += 1
        }
    }

    // MARK: new households

    private func create(
        _ fresh: [Int], file: MemberSheet.Households, outcome: inout MemberImport.Outcome, tally: inout RowProblemTally
    )
        async throws
    {
        guard !fresh.isEmpty else { return }
        var allocator = HouseholdCodeAllocator(highestUsed: try await Self.highestSequences(on: tx))
        var pipeline = BulkRows.Pipeline(tx: tx, audit: audit)
        var uuids = ImportUUIDs()
        let chunk = batchSize ?? BulkRows.chunk(for: tx.sql)
        var batch = BulkRows.Batch()
        var written = 0
        do {
            for i in fresh {
                let draft = file[i]
                let code: HouseholdCode
                do { code = try allocator.next(in: draft.village) } catch {
                    tally.add(RowProblem(row: draft.head.line, column: MemberSheet.Column.village.rawValue, message: error.message))
                    continue
                }
                let householdID = uuids.next().text
                batch.households.append(
                    .init(id: householdID, code: code.rawValue, division: draft.village.rawValue, address: draft.address, phone: draft.phone))
                for member in draft.members {
                    let clear = member.resident.id
                    batch.members.append(
                        .init(
                            id: uuids.next().text, household: householdID, name: member.name, sealed: ring.seal(clear), index: ring.blindIndex(clear),
                            birthDate: member.resident.birthDate.description, sex: member.resident.sex.rawValue,
                            relation: member.relation.rawValue, labourCapacity: member.labourCapacity.rawValue,
                            disability: member.disability, chronicIllness: member.chronicIllness, schoolStage: member.schoolStage.rawValue,
                            workStatus: member.workStatus.rawValue, basicMedicalInsurance: member.basicMedicalInsurance))
                }
                var diff = AuditDiff()
                diff.created("division_code", draft.village.rawValue)
                diff.created("members", String(draft.members.count))
                diff.created("head.name", draft.head.name, personal: .name)
                diff.created("head.resident_id", draft.head.resident.id, personal: .residentID)
                audit.record(
                    "household.create", entityType: "household", entityID: code.rawValue, divisionCode: draft.village.rawValue,
                    changes: diff.changes)
                outcome.householdsCreated += 1
                outcome.membersCreated += draft.members.count
                written += draft.members.count
                if batch.members.count >= chunk, tally.isEmpty {
                    try await pipeline.send(batch)
                    batch = BulkRows.Batch()
                    progress.update("写入", done: written, total: file.memberCount)
                }
            }
            guard tally.isEmpty else {
                await pipeline.abandon()
                return
            }
            try await pipeline.send(batch)
            try await pipeline.drain()
        } catch {
            await pipeline.abandon()
            throw error
        }
        progress.update("写入", done: written, total: file.memberCount)
    }

    /// The highest sequence ever issued per village (closed households included).
    static func highestSequences(on db: any Database) async throws -> [DivisionCode: Int] {
        struct Row: Decodable { var code: String }
        let rows = try await db.sql.raw(
            "SELECT MAX(household_code) AS code FROM \(ident: Household.schema) GROUP BY substr(household_code, 1, 12)"
        ).all(decoding: Row.self)
        var result: [DivisionCode: Int] = [:]
        for row in rows {
            guard let code = HouseholdCode(row.code) else { continue }
            result[code.village] = code.sequence
        }
        return result
    }
}
