import TongguanDomain

/// Builds the changed-fields list of an audit event. Fields holding personal data name
/// their kind and are masked here, before anything is stored or hashed: the trail keeps
/// that a resident ID changed, never the ID itself.
struct AuditDiff: Sendable {
    private(set) var changes: [AuditChange] = []

    mutating func add(_ field: String, before: String?, after: String?, personal: PersonalData? = nil) {
        guard before != after else { return }
        let mask = { (value: String?) in personal.flatMap { kind in value.map(kind.mask) } ?? value }
        changes.append(AuditChange(field: field, before: mask(before), after: mask(after)))
    }

    /// For a new record: every field, from nothing.
    mutating func created(_ field: String, _ value: String?, personal: PersonalData? = nil) {
        add(field, before: nil, after: value, personal: personal)
    }

    var isEmpty: Bool { changes.isEmpty }
}
