import Foundation

/// Events travel as JSON with ISO dates (`"on": "2024-10-08"`), in the API's history and in
/// the server's event column.
extension CaseEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, on, from, to, note, reason, days, outcome, text, satisfaction, level
        case unitId = "unit_id"
        case handleDue = "handle_due"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> CivilDate? {
            guard let raw = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let d = CivilDate(iso: raw) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected YYYY-MM-DD")
            }
            return d
        }
        guard let on = try date(.on) else {
            throw DecodingError.keyNotFound(CodingKeys.on, .init(codingPath: decoder.codingPath, debugDescription: "missing date"))
        }
        self.init(
            kind: try c.decode(Kind.self, forKey: .kind), on: on,
            from: try c.decodeIfPresent(CaseState.self, forKey: .from), to: try c.decode(CaseState.self, forKey: .to),
            note: try c.decodeIfPresent(String.self, forKey: .note), unitId: try c.decodeIfPresent(UUID.self, forKey: .unitId),
            reason: try c.decodeIfPresent(String.self, forKey: .reason), days: try c.decodeIfPresent(Int.self, forKey: .days),
            outcome: try c.decodeIfPresent(CaseOutcome.self, forKey: .outcome),
            text: try c.decodeIfPresent(String.self, forKey: .text),
            satisfaction: try c.decodeIfPresent(Satisfaction.self, forKey: .satisfaction),
            level: try c.decodeIfPresent(SupervisionLevel.self, forKey: .level), handleDue: try date(.handleDue))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(on.description, forKey: .on)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encodeIfPresent(unitId, forKey: .unitId)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(days, forKey: .days)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encodeIfPresent(satisfaction, forKey: .satisfaction)
        try c.encodeIfPresent(level, forKey: .level)
        try c.encodeIfPresent(handleDue?.description, forKey: .handleDue)
    }
}
