import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// The writes of items inside one audited transaction: new items many per statement (an
/// import of 100,000 rows must not become a million round trips), changed items one by
/// one, and the tallies once at the end. `LedgerItemService` (one item) and the import
/// (a file) both write through here.
struct LedgerItemWriter {
    let tx: any Database
    let audit: AuditRecorder
    let ctx: LedgerContext
    let actor: AuditActor
    let keys: KeyRing?
    let protection: LedgerProtection
    private(set) var delta = LedgerStore.TallyDelta()

    init(tx: any Database, audit: AuditRecorder, ctx: LedgerContext, actor: AuditActor, protection: LedgerProtection) throws {
        self.tx = tx
        self.audit = audit
        self.ctx = ctx
        self.actor = actor
        self.protection = protection
        self.keys = ctx.hasResidentIDs ? try protection.ring() : nil
    }

    /// Items per INSERT: 15 columns × 300 stays well below either engine's bound-value limit.
    static let batch = 300

    /// Writes new items; returns their records in the given order.
    mutating func insert(_ items: [(content: LedgerItemContent, event: LedgerStateEvent)]) async throws -> [LedgerItemRecord] {
        guard !items.isEmpty else { return [] }
        let sql = tx.sql
        var seq = try await LedgerStore.nextSeq(on: sql)
        let now = Date()
        let day = LedgerItemService.chinaDay(now).description
        var records: [LedgerItemRecord] = []
        records.reserveCapacity(items.count)
        for start in stride(from: 0, to: items.count, by: Self.batch) {
            let slice = items[start..<min(start + Self.batch, items.count)]
            var itemRows: [[any SQLExpression]] = []
            var eventRows: [[any SQLExpression]] = []
            var valueItems: [(seq: Int64, values: LedgerValueMap)] = []
            for (content, event) in slice {
                let record = LedgerItemRecord()
                record.id = UUID()
                record.ledgerID = ctx.id
                record.seq = seq
                record.version = 1
                record.createdAt = now
                record.createdBy = actor.name
                LedgerItemService.fill(
                    record, with: content, data: try LedgerItemCodec.encode(content.values, protection: protection), definition: ctx.definition,
                    at: now, by: actor.name)
                itemRows.append([
                    SQLBind(record.id!), SQLBind(ctx.id), SQLBind(seq), SQLBind(record.divisionCode), SQLBind(record.state), SQLBind(record.dueDate),
                    SQLBind(record.ownerUnit), SQLBind(record.ownerPerson), SQLBind(record.data), SQLBind(record.search), SQLBind(1), SQLBind(now),
                    SQLBind(actor.name), SQLBind(now), SQLBind(actor.name),
                ])
                eventRows.append([
                    SQLBind(UUID()), SQLBind(ctx.id), SQLBind(seq), SQLBind(1), SQLBind(event.from), SQLBind(event.to), SQLBind(event.note),
                    SQLBind(event.reopened), SQLBind(actor.name), SQLBind(now), SQLBind(day),
                ])
                valueItems.append((seq, content.values))
                delta.add(content, sign: 1)
                audit.record(
                    "ledger_item.create", entityType: "ledger_item", entityID: record.id!.uuidString, divisionCode: record.divisionCode,
                    changes: LedgerItemService.changes(from: nil, to: content, definition: ctx.definition) + [
                        AuditChange(field: "ledger", before: nil, after: ctx.definition.code)
                    ])
                records.append(record)
                seq += 1
            }
            try await sql.insert(into: LedgerItemRecord.schema)
                .columns(
                    "id", "ledger_id", "seq", "division_code", "state", "due_date", "owner_unit", "owner_person", "data", "search", "version",
                    "created_at", "created_by", "updated_at", "updated_by"
                )
                .rows(itemRows).run()
            try await sql.insert(into: LedgerItemEvent.schema)
                .columns("id", "ledger_id", "item_seq", "ordinal", "from_state", "to_state", "note", "reopened", "actor", "occurred_at", "day")
                .rows(eventRows).run()
            try await LedgerStore.insertRows(valueItems, ledgerID: ctx.id, definition: ctx.definition, keys: keys, on: sql)
            try await audit.flush(on: sql)
        }
        return records
    }

    /// Changes one item (the record carries the version it was read at); a changed state
    /// needs its checked event. False when nothing changed.
    @discardableResult
    mutating func update(
        _ record: LedgerItemRecord, from old: LedgerItemContent, to new: LedgerItemContent, event: LedgerStateEvent?
    ) async throws
        -> Bool
    {
        guard old != new else { return false }
        let sql = tx.sql
        let valuesChanged = old.values != new.values
        let data = valuesChanged ? try LedgerItemCodec.encode(new.values, protection: protection) : record.data
        let movedFrom = record.divisionCode
        let now = Date()
        LedgerItemService.fill(record, with: new, data: data, definition: ctx.definition, at: now, by: actor.name)
        try await record.saveVersioned(on: tx)
        if valuesChanged {
            try await LedgerStore.deleteRows(items: [record.seq], on: sql)
            try await LedgerStore.insertRows([(record.seq, new.values)], ledgerID: ctx.id, definition: ctx.definition, keys: keys, on: sql)
        }
        delta.replace(old, with: new)
        let id = record.id!.uuidString
        var contentChanges = LedgerItemService.changes(from: old, to: new, definition: ctx.definition)
        if let event {
            try await LedgerItemService.recordEvent(event, item: record, ordinal: nil, ledgerID: ctx.id, actor: actor, at: now, on: tx)
            contentChanges.removeAll { $0.field == "state" }
            audit.record(
                "ledger_item.state", entityType: "ledger_item", entityID: id, divisionCode: record.divisionCode,
                changes: LedgerItemService.stateChanges(event))
        }
        if !contentChanges.isEmpty {
            audit.record("ledger_item.update", entityType: "ledger_item", entityID: id, divisionCode: record.divisionCode, changes: contentChanges)
        }
        if movedFrom != record.divisionCode {
            audit.record("ledger_item.moved_out", entityType: "ledger_item", entityID: id, divisionCode: movedFrom, changes: contentChanges)
        }
        return true
    }

    /// The tallies, once for everything written.
    func finish() async throws {
        try await delta.write(ledgerID: ctx.id, on: tx.sql)
    }
}
