/// One difference between two versions of a ledger definition. A PATCH is stored as a new
/// definition version; its list of changes is what the audit trail records, and what
/// `LedgerDefinitionUpdate` checks against the items that exist.
public enum LedgerDefinitionChange: Hashable, Sendable {
    case renamed(from: String, to: String)
    case describedAnew
    case divisionChanged(from: DivisionCode, to: DivisionCode)
    case dueDateToggled(Bool)
    case ownerToggled(Bool)
    case stateAdded(code: String)
    case stateRemoved(code: String, name: String)
    case stateRenamed(code: String, from: String, to: String)
    case stateFinalChanged(code: String, final: Bool)
    case statesReordered
    case fieldAdded(key: String)
    case fieldRemoved(key: String, label: String)
    case fieldRelabelled(key: String, from: String, to: String)
    case fieldRetyped(key: String, label: String, from: LedgerFieldType, to: LedgerFieldType)
    case optionsAdded(key: String, options: [String])
    case optionsRemoved(key: String, label: String, options: [String])
    case optionsReordered(key: String)
    case scaleChanged(key: String, label: String, from: Int?, to: Int?)
    case requiredChanged(key: String, label: String, required: Bool)
    case uniqueChanged(key: String, label: String, unique: Bool)
    case archivedChanged(key: String, archived: Bool)
    case listedChanged(key: String, label: String, listed: Bool)
    case fieldsReordered

    /// Every change from `old` to `new`, in a stable order: ledger, states, fields. Fields
    /// and states are matched by key and code; a changed key is a removal and an addition.
    /// A field whose type changed reports only the retyping (its options and scale follow
    /// the type).
    public static func between(_ old: LedgerDefinition, _ new: LedgerDefinition) -> [LedgerDefinitionChange] {
        var changes: [LedgerDefinitionChange] = []
        if old.name != new.name { changes.append(.renamed(from: old.name, to: new.name)) }
        if old.description != new.description { changes.append(.describedAnew) }
        if old.divisionCode != new.divisionCode { changes.append(.divisionChanged(from: old.divisionCode, to: new.divisionCode)) }
        if old.hasDueDate != new.hasDueDate { changes.append(.dueDateToggled(new.hasDueDate)) }
        if old.hasOwner != new.hasOwner { changes.append(.ownerToggled(new.hasOwner)) }

        for state in old.states where new.state(state.code) == nil { changes.append(.stateRemoved(code: state.code, name: state.name)) }
        for state in new.states {
            guard let before = old.state(state.code) else { changes.append(.stateAdded(code: state.code)); continue }
            if before.name != state.name { changes.append(.stateRenamed(code: state.code, from: before.name, to: state.name)) }
            if before.final != state.final { changes.append(.stateFinalChanged(code: state.code, final: state.final)) }
        }
        let keptStates = Set(old.states.map(\.code)).intersection(new.states.map(\.code))
        if old.states.map(\.code).filter(keptStates.contains) != new.states.map(\.code).filter(keptStates.contains) {
            changes.append(.statesReordered)
        }

        for field in old.fields where new.field(field.key) == nil { changes.append(.fieldRemoved(key: field.key, label: field.label)) }
        for field in new.fields {
            guard let before = old.field(field.key) else { changes.append(.fieldAdded(key: field.key)); continue }
            changes += fieldChanges(before, field)
        }
        let keptFields = Set(old.fields.map(\.key)).intersection(new.fields.map(\.key))
        if old.fields.map(\.key).filter(keptFields.contains) != new.fields.map(\.key).filter(keptFields.contains) {
            changes.append(.fieldsReordered)
        }
        return changes
    }

    private static func fieldChanges(_ before: LedgerField, _ after: LedgerField) -> [LedgerDefinitionChange] {
        var changes: [LedgerDefinitionChange] = []
        let key = after.key
        if before.label != after.label { changes.append(.fieldRelabelled(key: key, from: before.label, to: after.label)) }
        if before.type != after.type {
            changes.append(.fieldRetyped(key: key, label: after.label, from: before.type, to: after.type))
        } else {
            let added = after.options.filter { !before.options.contains($0) }
            let removed = before.options.filter { !after.options.contains($0) }
            if !added.isEmpty { changes.append(.optionsAdded(key: key, options: added)) }
            if !removed.isEmpty { changes.append(.optionsRemoved(key: key, label: after.label, options: removed)) }
            let kept = Set(before.options).intersection(after.options)
            if before.options.filter(kept.contains) != after.options.filter(kept.contains) { changes.append(.optionsReordered(key: key)) }
            if before.scale != after.scale { changes.append(.scaleChanged(key: key, label: after.label, from: before.scale, to: after.scale)) }
        }
        if before.required != after.required { changes.append(.requiredChanged(key: key, label: after.label, required: after.required)) }
        if before.unique != after.unique { changes.append(.uniqueChanged(key: key, label: after.label, unique: after.unique)) }
        if before.archived != after.archived { changes.append(.archivedChanged(key: key, archived: after.archived)) }
        if before.listed != after.listed { changes.append(.listedChanged(key: key, label: after.label, listed: after.listed)) }
        return changes
    }

    /// A stable name for the audit trail and clients (`field_added`, `options_removed`).
    public var kind: String {
        switch self {
        case .renamed: "renamed"
        case .describedAnew: "description_changed"
        case .divisionChanged: "division_changed"
        case .dueDateToggled: "due_date_toggled"
        case .ownerToggled: "owner_toggled"
        case .stateAdded: "state_added"
        case .stateRemoved: "state_removed"
        case .stateRenamed: "state_renamed"
        case .stateFinalChanged: "state_final_changed"
        case .statesReordered: "states_reordered"
        case .fieldAdded: "field_added"
        case .fieldRemoved: "field_removed"
        case .fieldRelabelled: "field_relabelled"
        case .fieldRetyped: "field_retyped"
        case .optionsAdded: "options_added"
        case .optionsRemoved: "options_removed"
        case .optionsReordered: "options_reordered"
        case .scaleChanged: "scale_changed"
        case .requiredChanged: "required_changed"
        case .uniqueChanged: "unique_changed"
        case .archivedChanged: "archived_changed"
        case .listedChanged: "listed_changed"
        case .fieldsReordered: "fields_reordered"
        }
    }

    /// One Chinese line for the audit trail. Definitions hold no personal data, so names
    /// and options are spelt out.
    public var summary: String {
        func flag(_ on: Bool) -> String { on ? "开启" : "关闭" }
        switch self {
        case .renamed(let from, let to): return "台账名称由「\(from)」改为「\(to)」"
        case .describedAnew: return "修改了台账说明"
        case .divisionChanged(let from, let to): return "所属区划由 \(from) 改为 \(to)"
        case .dueDateToggled(let on): return "\(flag(on))截止日期"
        case .ownerToggled(let on): return "\(flag(on))责任单位和责任人"
        case .stateAdded(let code): return "新增状态 \(code)"
        case .stateRemoved(let code, let name): return "删除状态「\(name)」(\(code))"
        case .stateRenamed(_, let from, let to): return "状态「\(from)」改名为「\(to)」"
        case .stateFinalChanged(let code, let final): return "状态 \(code) " + (final ? "设为完成状态" : "设为未完成状态")
        case .statesReordered: return "调整了状态顺序"
        case .fieldAdded(let key): return "新增字段 \(key)"
        case .fieldRemoved(let key, let label): return "删除字段「\(label)」(\(key))"
        case .fieldRelabelled(_, let from, let to): return "字段「\(from)」改名为「\(to)」"
        case .fieldRetyped(_, let label, let from, let to): return "字段「\(label)」的类型由\(from.label)改为\(to.label)"
        case .optionsAdded(let key, let options): return "字段 \(key) 新增选项:" + options.joined(separator: "、")
        case .optionsRemoved(_, let label, let options): return "字段「\(label)」删除选项:" + options.joined(separator: "、")
        case .optionsReordered(let key): return "调整了字段 \(key) 的选项顺序"
        case .scaleChanged(_, let label, let from, let to):
            return "字段「\(label)」的小数位数由\(from.map(String.init) ?? "无")改为\(to.map(String.init) ?? "无")"
        case .requiredChanged(_, let label, let on): return "字段「\(label)」" + (on ? "设为必填" : "改为选填")
        case .uniqueChanged(_, let label, let on): return "字段「\(label)」" + (on ? "设为唯一" : "取消唯一")
        case .archivedChanged(let key, let on): return "字段 \(key) " + (on ? "已归档" : "取消归档")
        case .listedChanged(_, let label, let on): return "字段「\(label)」" + (on ? "在列表中显示" : "不在列表中显示")
        case .fieldsReordered: return "调整了字段顺序"
        }
    }
}
