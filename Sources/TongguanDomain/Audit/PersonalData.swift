/// Kinds of personal data that never enter the audit trail or the logs in full.
public enum PersonalData: String, Sendable {
    case residentID, phone, name, address, secret

    /// Keeps just enough to tell records apart when reading the trail.
    public func mask(_ value: String) -> String {
        let chars = Array(value)
        switch self {
        case .residentID:
            guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
            return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
        case .phone:
            guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
            return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
        case .name:
            guard let first = chars.first else { return "" }
            return String(first) + String(repeating: "*", count: max(chars.count - 1, 1))
        case .address:
            return String(chars.prefix(6)) + (chars.count > 6 ? "***" : "")
        case .secret:
            return "******"
        }
    }
}
