/// A state change of one item, as the event the server records (with who and when).
public struct LedgerStateEvent: Hashable, Sendable {
    /// nil for the state an item was created in.
    public let from: String?
    public let to: String
    public let note: String
    /// A final state was left: only a supervisor may do that.
    public let reopened: Bool
}

/// Who may move an item between states. Editors move items between any states; leaving a
/// final state reopens work someone declared done, so it takes a supervisor and a reason.
public enum LedgerStateTransition {
    public static let maxNoteLength = 500

    /// The event for `from` → `to`, or why not: `.invalid` for an unknown state or a bad
    /// note, `.conflict` when nothing would change, `.forbidden` for the wrong role.
    public static func check(
        definition: LedgerDefinition, from: String, to: String, role: Role,
        note rawNote: String = ""
    ) throws(Refusal) -> LedgerStateEvent {
        guard let target = definition.state(to) else { throw .invalid("state", "没有这个状态") }
        let current = definition.state(from)
        if from == to { throw .conflict("记录已处于「\(target.name)」状态") }
        let note: String
        do { note = try TextPolicy.multiLine(rawNote) } catch { throw .invalid("note", error.message) }
        if note.count > maxNoteLength { throw .invalid("note", "说明不能超过\(maxNoteLength)个字符") }
        if let current, current.final {
            guard role.canSupervise else {
                throw .forbidden("「\(current.name)」是完成状态,只有督办人或管理员可以重新打开")
            }
            if note.isEmpty { throw .invalid("note", "重新打开「\(current.name)」的记录须说明原因") }
            return LedgerStateEvent(from: from, to: to, note: note, reopened: true)
        }
        guard role.canEditRecords else { throw .forbidden("您的角色不能修改记录状态") }
        return LedgerStateEvent(from: from, to: to, note: note, reopened: false)
    }

    /// The first event of a new item (created by an editor, in any state the ledger has).
    public static func created(
        definition: LedgerDefinition, in stateCode: String? = nil, role: Role,
        note rawNote: String = ""
    ) throws(Refusal) -> LedgerStateEvent {
        guard role.canEditRecords else { throw .forbidden }
        let code = stateCode ?? definition.initialState.code
        guard definition.state(code) != nil else { throw .invalid("state", "没有这个状态") }
        let note: String
        do { note = try TextPolicy.multiLine(rawNote) } catch { throw .invalid("note", error.message) }
        if note.count > maxNoteLength { throw .invalid("note", "说明不能超过\(maxNoteLength)个字符") }
        return LedgerStateEvent(from: nil, to: code, note: note, reopened: false)
    }
}
