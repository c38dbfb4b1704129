import TongguanDomain

/// An `audit_events` row as SQLKit reads and writes it. The trail has no Fluent model on
/// purpose: nothing in the application updates or deletes an event.
struct AuditEventRow: Codable, Sendable {
    var seq: Int64
    var occurredAt: String
    var actor: String
    var action: String
    var entityType: String
    var entityID: String
    var divisionCode: String
    var changes: String
    var requestID: String
    var clientAddress: String
    var prevHash: String
    var hash: String

    /// The table's columns, in the order the bulk writers (`AuditRecorder`) send them:
    /// the one place they are named.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case seq
        case occurredAt = "occurred_at"
        case actor, action
        case entityType = "entity_type"
        case entityID = "entity_id"
        case divisionCode = "division_code"
        case changes
        case requestID = "request_id"
        case clientAddress = "client_address"
        case prevHash = "prev_hash"
        case hash
    }

    static let columns = CodingKeys.allCases.map(\.rawValue)

    init(_ r: AuditRecord) {
        seq = r.seq; occurredAt = r.occurredAt; actor = r.actor; action = r.action
        entityType = r.entityType; entityID = r.entityID; divisionCode = r.divisionCode
        changes = r.changes; requestID = r.requestID; clientAddress = r.clientAddress
        prevHash = r.prevHash; hash = r.hash
    }

    var record: AuditRecord {
        AuditRecord(
            seq: seq, occurredAt: occurredAt, actor: actor, action: action, entityType: entityType,
            entityID: entityID, divisionCode: divisionCode, changes: changes, requestID: requestID,
            clientAddress: clientAddress, prevHash: prevHash, hash: hash)
    }
}

extension AuditRecord {
    /// The text columns after `seq`, in `AuditEventRow.columns` order.
    var columnTexts: [String] {
        [occurredAt, actor, action, entityType, entityID, divisionCode, changes, requestID, clientAddress, prevHash, hash]
    }
}
