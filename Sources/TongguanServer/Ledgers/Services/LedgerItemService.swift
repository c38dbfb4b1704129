import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// A ledger as the item services need it: the record, its id and current definition.
struct LedgerContext: Sendable {
    let ledger: Ledger
    let id: UUID
    let definition: LedgerDefinition

    init(_ ledger: Ledger, _ definition: LedgerDefinition) throws {
        self.ledger = ledger
        self.id = try ledger.requireID()
        self.definition = definition
    }

    var hasResidentIDs: Bool { definition.fields.contains { $0.type == .residentID } }
}

/// The resident-ID key, fetched only when a ledger has resident IDs (so the other ledgers
/// work on a server without one).
struct LedgerProtection: Sendable {
    let load: @Sendable () throws -> KeyRing

    init(_ app: Application) { load = { try app.dataKeys } }
    init(ring: KeyRing) { load = { ring } }

    func ring() throws -> KeyRing { try load() }
}

/// An item's values as stored: the API's `values` object with each resident ID sealed.
enum LedgerItemCodec {
    static func encode(_ values: LedgerValueMap, protection: LedgerProtection) throws -> String {
        var members: [String: LedgerInput] = [:]
        for (key, value) in values {
            if case .residentID(let id) = value {
                members[key] = .string(try protection.ring().seal(id))
            } else {
                members[key] = value.json(revealing: true)
            }
        }
        return LedgerJSON.text(.object(members))
    }

    static func decode(_ record: LedgerItemRecord, definition: LedgerDefinition, protection: LedgerProtection) throws -> LedgerItemContent {
        guard case .object(var members) = try LedgerJSON.parse(Data(record.data.utf8)) else {
            throw LedgerStorageError(message: "台账记录 \(record.seq) 的数据无法读取")
        }
        for field in definition.fields where field.type == .residentID {
            guard case .string(let sealed) = members[field.key] else { continue }
            do { members[field.key] = .string(try protection.ring().open(sealed)) } catch let problem as FieldCipher.Problem {
                throw LedgerStorageError(message: "台账记录 \(record.seq) 的身份证号无法解密:" + problem.message)
            }
        }
        let (values, problems) = LedgerValues.decodeStored(members, definition: definition)
        guard problems.isEmpty else { throw LedgerStorageError(message: "台账记录 \(record.seq) 的数据不符合当前定义") }
        guard let division = DivisionCode(record.divisionCode) else { throw LedgerStorageError(message: "台账记录 \(record.seq) 的区划无效") }
        return LedgerItemContent(
            divisionCode: division, stateCode: record.state, values: values, dueDate: record.dueDate.flatMap(CivilDate.init(iso:)),
            ownerUnit: record.ownerUnit, ownerPerson: record.ownerPerson)
    }
}

/// Creating and changing items — values, state (with its event), due date, owner — with
/// the value rows, unique rows and tallies in the same audited transaction. The API, the
/// pages, the import and the demo all write through here.
enum LedgerItemService {
    static func scoped(_ ctx: LedgerContext, _ scope: DivisionScope, on db: any Database) -> QueryBuilder<LedgerItemRecord> {
        LedgerItemRecord.query(on: db).filter(\.$ledgerID == ctx.id).filter(\.$divisionCode =~ scope.prefix)
    }

    /// The item, or `notFound` when it is missing, in another ledger or outside the scope.
    static func find(_ raw: String?, in ctx: LedgerContext, scope: DivisionScope, on db: any Database) async throws -> LedgerItemRecord {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let item = try await LedgerItemRecord.find(id, on: db), item.ledgerID == ctx.id,
            scope.contains(item.divisionCode)
        else { throw Refusal.notFound }
        return item
    }

    /// The item's division must exist, lie in the caller's scope and in the ledger's division.
    static func divisionProblems(
        _ content: LedgerItemContent, ctx: LedgerContext, scope: DivisionScope, on db: any Database
    ) async throws -> [FieldProblem] {
        if let message = LedgerItemContent.divisionProblem(content.divisionCode, definition: ctx.definition) {
            return [FieldProblem(field: "division_code", message: message)]
        }
        guard scope.contains(content.divisionCode), try await Division.find(content.divisionCode.rawValue, on: db) != nil else {
            return [FieldProblem(field: "division_code", message: "区划不存在或不在您的管辖范围内")]
        }
        return []
    }

    /// `division` values name a code inside the caller's scope.
    static func valueProblems(_ content: LedgerItemContent, ctx: LedgerContext, scope: DivisionScope) -> [FieldProblem] {
        ctx.definition.activeFields.compactMap { field in
            guard case .division(let code) = content.values[field.key], !scope.contains(code) else { return nil }
            return FieldProblem(field: "values.\(field.key)", message: "区划不在您的管辖范围内")
        }
    }

    static func create(
        _ content: LedgerItemContent, event: LedgerStateEvent, in ctx: LedgerContext, actor: AuditActor, protection: LedgerProtection,
        on db: any Database
    ) async throws -> LedgerItemRecord {
        try await db.audited(by: actor) { tx, audit in
            var writer = try LedgerItemWriter(tx: tx, audit: audit, ctx: ctx, actor: actor, protection: protection)
            if let field = try await LedgerStore.takenUniqueField(
                content.values, except: nil, ledgerID: ctx.id, definition: ctx.definition, keys: writer.keys, on: tx.sql)
            {
                throw LedgerValues.duplicate(field)
            }
            let written = try await writer.insert([(content, event)])
            try await writer.finish()
            // Read back, so the record can be saved again as an existing row.
            guard let record = try await LedgerItemRecord.find(written[0].id, on: tx) else { throw Refusal.notFound }
            return record
        }
    }

    /// Replaces an item's content (the record must carry the version the caller read). A
    /// changed state needs its checked `event`. Nothing is written when nothing changed.
    static func update(
        _ record: LedgerItemRecord, from old: LedgerItemContent, to new: LedgerItemContent, event: LedgerStateEvent?,
        in ctx: LedgerContext, actor: AuditActor, protection: LedgerProtection, on db: any Database
    ) async throws {
        guard old != new else { return }
        try await db.audited(by: actor) { tx, audit in
            var writer = try LedgerItemWriter(tx: tx, audit: audit, ctx: ctx, actor: actor, protection: protection)
            if old.values != new.values,
                let field = try await LedgerStore.takenUniqueField(
                    new.values, except: record.seq, ledgerID: ctx.id, definition: ctx.definition, keys: writer.keys, on: tx.sql)
            {
                throw LedgerValues.duplicate(field)
            }
            try await writer.update(record, from: old, to: new, event: event)
            try await writer.finish()
        }
    }

    /// `POST …/state`: the item moves to the event's target state.
    static func changeState(
        _ record: LedgerItemRecord, from old: LedgerItemContent, event: LedgerStateEvent, in ctx: LedgerContext, actor: AuditActor,
        protection: LedgerProtection, on db: any Database
    ) async throws {
        var new = old
        new.stateCode = event.to
        try await update(record, from: old, to: new, event: event, in: ctx, actor: actor, protection: protection, on: db)
    }

    static func fill(
        _ record: LedgerItemRecord, with content: LedgerItemContent, data: String, definition: LedgerDefinition, at now: Date, by name: String
    ) {
        record.divisionCode = content.divisionCode.rawValue
        record.state = content.stateCode
        record.dueDate = content.dueDate?.description
        record.ownerUnit = content.ownerUnit
        record.ownerPerson = content.ownerPerson
        record.data = data
        record.search = LedgerValues.searchDocument(content.values, definition: definition)
        record.updatedAt = now
        record.updatedBy = name
    }

    static func recordEvent(
        _ event: LedgerStateEvent, item: LedgerItemRecord, ordinal: Int?, ledgerID: UUID, actor: AuditActor, at now: Date,
        on db: any Database
    ) async throws {
        var next = ordinal ?? 1
        if ordinal == nil {
            struct Row: Decodable { var m: Int? }
            let row = try await db.sql.raw("SELECT MAX(ordinal) AS m FROM \(ident: LedgerItemEvent.schema) WHERE item_seq = \(bind: item.seq)")
                .first(decoding: Row.self)
            next = (row?.m ?? 0) + 1
        }
        let e = LedgerItemEvent()
        e.id = UUID()
        e.ledgerID = ledgerID
        e.itemSeq = item.seq
        e.ordinal = next
        e.fromState = event.from
        e.toState = event.to
        e.note = event.note
        e.reopened = event.reopened
        e.actor = actor.name
        e.occurredAt = now
        e.day = chinaDay(now).description
        try await e.create(on: db)
    }

    /// The calendar day in China at an instant.
    static func chinaDay(_ instant: Date) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(ChinaDate.offset))!
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return CivilDate(year: c.year ?? 2000, month: c.month ?? 1, day: c.day ?? 1) ?? CivilDate(year: 2000, month: 1, day: 1)!
    }

    static func stateChanges(_ event: LedgerStateEvent) -> [AuditChange] {
        var diff = AuditDiff()
        diff.add("state", before: event.from, after: event.to)
        if !event.note.isEmpty { diff.add("note", before: nil, after: event.note) }
        if event.reopened { diff.add("reopened", before: nil, after: "true") }
        return diff.changes
    }

    /// What changed, field by field; names, phones and resident IDs masked.
    static func changes(from old: LedgerItemContent?, to new: LedgerItemContent, definition: LedgerDefinition) -> [AuditChange] {
        var diff = AuditDiff()
        diff.add("division_code", before: old?.divisionCode.rawValue, after: new.divisionCode.rawValue)
        diff.add("state", before: old?.stateCode, after: new.stateCode)
        for field in definition.fields {
            let before = old?.values[field.key], after = new.values[field.key]
            guard before != after else { continue }
            switch field.type {
            case .person:
                let b = before.flatMap { if case .person(let p) = $0 { p } else { nil } }
                let a = after.flatMap { if case .person(let p) = $0 { p } else { nil } }
                diff.add("values.\(field.key).name", before: b?.name, after: a?.name, personal: .name)
                diff.add("values.\(field.key).phone", before: b?.phone, after: a?.phone, personal: .phone)
            case .name:
                diff.add("values.\(field.key)", before: before?.cellTexts().first, after: after?.cellTexts().first, personal: .name)
            case .residentID:
                diff.add(
                    "values.\(field.key)", before: before?.cellTexts(revealing: true).first, after: after?.cellTexts(revealing: true).first,
                    personal: .residentID)
            default:
                diff.add("values.\(field.key)", before: before?.cellTexts().joined(separator: " "), after: after?.cellTexts().joined(separator: " "))
            }
        }
        diff.add("due_date", before: old?.dueDate?.description, after: new.dueDate?.description)
        diff.add("owner_unit", before: old?.ownerUnit, after: new.ownerUnit)
        diff.add("owner_person", before: old?.ownerPerson, after: new.ownerPerson, personal: .name)
        return diff.changes
    }

    /// An audited reveal of one resident ID (admin and supervisor, with a reason). The event
    /// names the item, the field and the reason, never the number.
    static func reveal(
        _ record: LedgerItemRecord, field: LedgerField, reason: String, content: LedgerItemContent, caller: Caller, actor: AuditActor,
        on db: any Database
    ) async throws -> String? {
        guard caller.role.canSupervise else { throw Refusal.forbidden("只有管理员和督办人可以查看完整身份证号") }
        guard case .residentID(let id) = content.values[field.key] else { return nil }
        try await db.audited(by: actor) { _, audit in
            audit.record(
                "ledger_item.reveal", entityType: "ledger_item", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                changes: [AuditChange(field: "field", before: nil, after: field.key), AuditChange(field: "reason", before: nil, after: reason)])
        }
        return id
    }
}
