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

    init(_ app: Application) { load = { try app.ledgerKeys } }
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
        let data = try LedgerItemCodec.encode(content.values, protection: protection)
        let keys = try ctx.hasResidentIDs ? protection.ring() : nil
        return try await db.audited(by: actor) { tx, audit in
            let sql = tx.sql
            if let field = try await LedgerStore.takenUniqueField(
                content.values, except: nil, ledgerID: ctx.id, definition: ctx.definition, keys: keys, on: sql)
            {
                throw LedgerValues.duplicate(field)
            }
            let seq = try await LedgerStore.nextSeq(on: sql)
            let now = Date()
            let record = LedgerItemRecord()
            record.id = UUID()
            record.ledgerID = ctx.id
            record.seq = seq
            record.version = 1
            record.createdAt = now
            record.createdBy = actor.name
            fill(record, with: content, data: data, definition: ctx.definition, at: now, by: actor.name)
            try await record.create(on: tx)
            try await LedgerStore.insertRows([(seq, content.values)], ledgerID: ctx.id, definition: ctx.definition, keys: keys, on: sql)
            var delta = LedgerStore.TallyDelta()
            delta.replace(nil, with: content)
            try await delta.write(ledgerID: ctx.id, on: sql)
            try await recordEvent(event, item: record, ordinal: 1, ledgerID: ctx.id, actor: actor, at: now, on: tx)
            audit.record(
                "ledger_item.create", entityType: "ledger_item", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                changes: changes(from: nil, to: content, definition: ctx.definition) + [
                    AuditChange(field: "ledger", before: nil, after: ctx.definition.code)
                ])
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
        let valuesChanged = old.values != new.values
        let data = valuesChanged ? try LedgerItemCodec.encode(new.values, protection: protection) : record.data
        let keys = try ctx.hasResidentIDs && valuesChanged ? protection.ring() : nil
        let movedFrom = record.divisionCode
        try await db.audited(by: actor) { tx, audit in
            let sql = tx.sql
            if valuesChanged,
                let field = try await LedgerStore.takenUniqueField(
                    new.values, except: record.seq, ledgerID: ctx.id, definition: ctx.definition, keys: keys, on: sql)
            {
                throw LedgerValues.duplicate(field)
            }
            let now = Date()
            fill(record, with: new, data: data, definition: ctx.definition, at: now, by: actor.name)
            try await record.saveVersioned(on: tx)
            if valuesChanged {
                try await LedgerStore.deleteRows(items: [record.seq], on: sql)
                try await LedgerStore.insertRows([(record.seq, new.values)], ledgerID: ctx.id, definition: ctx.definition, keys: keys, on: sql)
            }
            var delta = LedgerStore.TallyDelta()
            delta.replace(old, with: new)
            try await delta.write(ledgerID: ctx.id, on: sql)
            let id = record.id!.uuidString
            var contentChanges = changes(from: old, to: new, definition: ctx.definition)
            if let event {
                try await recordEvent(event, item: record, ordinal: nil, ledgerID: ctx.id, actor: actor, at: now, on: tx)
                contentChanges.removeAll { $0.field == "state" }
                audit.record(
                    "ledger_item.state", entityType: "ledger_item", entityID: id, divisionCode: record.divisionCode, changes: stateChanges(event))
            }
            if !contentChanges.isEmpty {
                audit.record(
                    "ledger_item.update", entityType: "ledger_item", entityID: id, divisionCode: record.divisionCode, changes: contentChanges)
            }
            if movedFrom != record.divisionCode {
                audit.record("ledger_item.moved_out", entityType: "ledger_item", entityID: id, divisionCode: movedFrom, changes: contentChanges)
            }
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
