/// A question about existing items that decides whether a definition change is safe. The
/// server answers each with a count (SQL, or `count(in:)` over loaded items).
public enum LedgerUsageQuery: Hashable, Sendable {
    /// Items with any value for the field.
    case valuesPresent(key: String)
    /// Items whose choice is the option, or whose multi-choice includes it.
    case optionUsed(key: String, option: String)
    /// Items in the state.
    case itemsInState(code: String)
    /// Items whose decimal value uses more places than `scale`.
    case decimalsBeyond(key: String, scale: Int)
    /// Items without a value for the field.
    case valuesMissing(key: String)
    /// Items whose value for the field equals another item's (by `LedgerValue.uniqueKey`;
    /// by the blind index for a resident ID).
    case duplicatedValues(key: String)
    /// Items whose division is not `code` or below it.
    case outsideDivision(code: DivisionCode)

    /// The count over items held in memory (tests, small ledgers, the CLI).
    public func count(in items: [LedgerItemContent]) -> Int {
        switch self {
        case .valuesPresent(let key):
            return items.count { $0.values[key] != nil }
        case .optionUsed(let key, let option):
            return items.count {
                switch $0.values[key] {
                case .choice(let chosen): chosen == option
                case .multiChoice(let chosen): chosen.contains(option)
                default: false
                }
            }
        case .itemsInState(let code):
            return items.count { $0.stateCode == code }
        case .decimalsBeyond(let key, let scale):
            return items.count { if case .decimal(let d) = $0.values[key] { d.scale > scale } else { false } }
        case .valuesMissing(let key):
            return items.count { $0.values[key] == nil }
        case .duplicatedValues(let key):
            var seen: [String: Int] = [:]
            for item in items { if let value = item.values[key] { seen[value.uniqueKey, default: 0] += 1 } }
            return seen.values.filter { $0 > 1 }.reduce(0, +)
        case .outsideDivision(let code):
            return items.count { !code.contains($0.divisionCode) }
        }
    }
}

/// A PATCH of a ledger definition, checked in two steps so the server can count items
/// asynchronously in between: `init` refuses what is wrong on its face (an invalid
/// definition, a changed code) and lists the counts it needs; `decide` refuses changes
/// that would strand existing values. Adding fields, options and states and renaming
/// labels never needs a count.
public struct LedgerDefinitionUpdate: Sendable {
    public let old: LedgerDefinition
    public let new: LedgerDefinition
    /// What the new version changes; empty when nothing did (the server stores no version).
    public let changes: [LedgerDefinitionChange]

    public init(from old: LedgerDefinition, to new: LedgerDefinition) throws(Refusal) {
        var problems = new.problems
        if new.code != old.code { problems.insert(FieldProblem(field: "code", message: "台账代码创建后不能修改"), at: 0) }
        if !problems.isEmpty { throw .invalid(problems) }
        self.old = old
        self.new = new
        self.changes = LedgerDefinitionChange.between(old, new)
    }

    /// The counts `decide` will ask for, each once.
    public var queries: [LedgerUsageQuery] {
        var result: [LedgerUsageQuery] = []
        for check in checks where !result.contains(check.query) { result.append(check.query) }
        return result
    }

    /// Refuses (`.conflict`, with one problem per blocked change at its JSON path) when
    /// existing items hold values a change would strand; returns the changes otherwise.
    public func decide(_ count: (LedgerUsageQuery) -> Int) throws(Refusal) -> [LedgerDefinitionChange] {
        var problems: [FieldProblem] = []
        for check in checks {
            let n = count(check.query)
            if n > 0 { problems.append(FieldProblem(field: check.path, message: check.message(n))) }
        }
        guard problems.isEmpty else {
            throw Refusal(.conflict, problems.map(\.message).joined(separator: ";"), problems: problems)
        }
        return changes
    }

    private struct Check {
        let query: LedgerUsageQuery
        let path: String
        let message: (Int) -> String
    }

    private var checks: [Check] {
        var checks: [Check] = []
        func path(_ key: String, _ member: String) -> String {
            "fields." + String(new.fields.firstIndex { $0.key == key } ?? 0) + "." + member
        }
        for change in changes {
            switch change {
            case .fieldRemoved(let key, let label):
                checks.append(Check(query: .valuesPresent(key: key), path: "fields") { "字段「\(label)」已有 \($0) 条记录填写,不能删除或改类型,请改为归档" })
            case .fieldRetyped(let key, let label, _, _):
                checks.append(Check(query: .valuesPresent(key: key), path: path(key, "type")) { "字段「\(label)」已有 \($0) 条记录填写,不能删除或改类型,请改为归档" })
            case .optionsRemoved(let key, let label, let options):
                for option in options {
                    checks.append(
                        Check(query: .optionUsed(key: key, option: option), path: path(key, "options")) {
                            "字段「\(label)」的选项「\(option)」已有 \($0) 条记录使用,不能删除"
                        })
                }
            case .stateRemoved(let code, let name):
                checks.append(Check(query: .itemsInState(code: code), path: "states") { "状态「\(name)」下还有 \($0) 条记录,不能删除" })
            case .scaleChanged(let key, let label, let from, let to):
                if let from, let to, to < from {
                    checks.append(
                        Check(query: .decimalsBeyond(key: key, scale: to), path: path(key, "scale")) {
                            "字段「\(label)」有 \($0) 条记录的小数超过 \(to) 位,不能减少小数位数"
                        })
                }
            case .divisionChanged(let from, let to):
                if !to.contains(from) {
                    checks.append(Check(query: .outsideDivision(code: to), path: "division_code") { "有 \($0) 条记录的区划不在 \(to) 之内,不能把台账改属该区划" })
                }
            default:
                break
            }
        }
        // Required and unique bind only active fields, so unarchiving one binds it anew.
        for field in new.activeFields {
            let before = old.field(field.key)
            let wasActive = before.map { !$0.archived && $0.type == field.type } ?? false
            if field.required && !(wasActive && before?.required == true) {
                let label = field.label
                let message: (Int) -> String =
                    before == nil
                    ? { "已有 \($0) 条记录,新增的必填字段「\(label)」在这些记录中没有值,请先设为选填,补齐后再设为必填" }
                    : { "字段「\(label)」有 \($0) 条记录未填写,不能设为必填" }
                checks.append(Check(query: .valuesMissing(key: field.key), path: path(field.key, "required"), message: message))
            }
            if field.unique && before != nil && !(wasActive && before?.unique == true) {
                let label = field.label
                checks.append(
                    Check(query: .duplicatedValues(key: field.key), path: path(field.key, "unique")) { "字段「\(label)」有 \($0) 条记录的值与其他记录重复,不能设为唯一" })
            }
        }
        return checks
    }
}
