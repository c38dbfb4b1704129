import TongguanDomain

/// An `audit_events` row as SQLKit reads and writes it. The trail has no Fluent model on
/// purpose: nothing in the application updates or deletes an event.
struct AuditEventRow: Codable, Sendable {
    var seq: Int64
    var occurred_at: String
    var actor: String
    var action: String
    var entity_type: String
    var entity_id: String
    var division_code: String
    var changes: String
    var request_id: String
    var client_address: String
    var prev_hash: String
    var hash: String

    init(_ r: AuditRecord) {
        seq = r.seq; occurred_at = r.occurredAt; actor = r.actor; action = r.action
        entity_type = r.entityType; entity_id = r.entityID; division_code = r.divisionCode
        changes = r.changes; request_id = r.requestID; client_address = r.clientAddress
        prev_hash = r.prevHash; hash = r.hash
    }

    var record: AuditRecord {
        AuditRecord(
            seq: seq, occurredAt: occurred_at, actor: actor, action: action, entityType: entity_type,
            entityID: entity_id, divisionCode: division_code, changes: changes, requestID: request_id,
            clientAddress: client_address, prevHash: prev_hash, hash: hash)
    }
}
