/// The part of the division tree a user works in. Every record carries a `division_code`;
/// a user sees and changes a record exactly when the record's code starts with the scope's
/// significant prefix.
public struct DivisionScope: Hashable, Sendable {
    public let root: DivisionCode

    public init(_ root: DivisionCode) { self.root = root }

    /// For SQL `LIKE prefix || '%'` filters; digits only, so no LIKE escaping is needed.
    public var prefix: String { root.significantPrefix }

    public func contains(_ code: DivisionCode) -> Bool { root.contains(code) }

    public func contains(_ rawCode: String) -> Bool {
        guard let code = DivisionCode(rawCode) else { return false }
        return contains(code)
    }

    /// A scope may hand out only scopes inside itself (an admin of 临县 cannot create a
    /// user scoped to 吕梁市 or to another county).
    public func encloses(_ other: DivisionScope) -> Bool { contains(other.root) }
}
