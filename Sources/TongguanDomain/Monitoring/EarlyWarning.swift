/// Where a warning stands. `resolved` is closed by a person with a note, or automatically
/// when a later assessment no longer triggers the rule; `superseded` is closed because a
/// later assessment raised the same rule again (the newer warning carries on), so a
/// household has at most one open warning per rule.
public enum WarningStatus: String, CaseIterable, Sendable, Codable {
    case open, resolved, superseded

    public var label: String {
        switch self {
        case .open: "未解除"
        case .resolved: "已解除"
        case .superseded: "已被取代"
        }
    }
}

/// A warning is identified by its rule and the assessment it was raised on (the household
/// is implied): the same rule on the same assessment is never raised twice.
public struct WarningKey: Hashable, Sendable {
    public let rule: EarlyWarningRule
    public let assessedOn: CivilDate

    public init(rule: EarlyWarningRule, assessedOn: CivilDate) {
        self.rule = rule
        self.assessedOn = assessedOn
    }
}

/// One early warning of one household.
public struct EarlyWarning: Hashable, Sendable {
    public var rule: EarlyWarningRule
    public var assessedOn: CivilDate
    public var facts: WarningFacts
    public var status: WarningStatus
    public var raisedOn: CivilDate
    public var closedOn: CivilDate?
    /// Why it was closed: the person's note, or the automatic explanation.
    public var note: String?

    public init(
        rule: EarlyWarningRule, assessedOn: CivilDate, facts: WarningFacts, status: WarningStatus = .open,
        raisedOn: CivilDate, closedOn: CivilDate? = nil, note: String? = nil
    ) {
        self.rule = rule
        self.assessedOn = assessedOn
        self.facts = facts
        self.status = status
        self.raisedOn = raisedOn
        self.closedOn = closedOn
        self.note = note
    }

    public var key: WarningKey { WarningKey(rule: rule, assessedOn: assessedOn) }
    public var isOpen: Bool { status == .open }

    public static let maximumNoteLength = 500

    /// A person closes an open warning, saying why (the note is required: it is the only
    /// record of how the risk went away).
    public func resolved(note raw: String, on date: CivilDate) throws(Refusal) -> EarlyWarning {
        guard isOpen else { throw Refusal.conflict("该预警\(status.label),不能再次解除") }
        let note: String
        do { note = try TextPolicy.multiLine(raw) } catch { throw Refusal.invalid("note", error.message) }
        if note.isEmpty { throw Refusal.invalid("note", "请填写解除说明") }
        if note.count > Self.maximumNoteLength { throw Refusal.invalid("note", "解除说明不能超过\(Self.maximumNoteLength)个字符") }
        if date < raisedOn { throw Refusal.invalid("date", "解除日期不能早于预警日期") }
        var next = self
        next.status = .resolved
        next.closedOn = date
        next.note = note
        return next
    }
}
