/// One step an item can be in (待办, 进行中, 已完成). The definition's first state is where a
/// new item starts; a `final` state counts as done (no longer overdue) and only a
/// supervisor may move an item out of it.
public struct LedgerState: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var final: Bool

    public init(code: String, name: String, final: Bool) {
        self.code = code
        self.name = name
        self.final = final
    }

    /// 待办 → 进行中 → 已完成, used when a definition names no states.
    public static let defaults: [LedgerState] = [
        LedgerState(code: "todo", name: "待办", final: false),
        LedgerState(code: "in_progress", name: "进行中", final: false),
        LedgerState(code: "done", name: "已完成", final: true),
    ]

    public static let maxCount = 20
    public static let maxNameLength = 20
}
