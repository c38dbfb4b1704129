/// How imported rows become items. Rows are matched to existing items by the ledger's
/// unique fields, so importing an exported file again changes nothing; a ledger without
/// unique fields can only add items. The server applies nothing while any row has a
/// problem.
///
/// Per file: `LedgerSheet.locate` → `LedgerSheet.draft` per row → `duplicates` across
/// rows. Per row: `matchKeys` → the server looks each up (a resident ID through its blind
/// index) → `matchedItem` → the server loads that item → `plan`.
public enum LedgerImport {
    /// One unique value of a row to look up: `uniqueKey` is `LedgerValue.uniqueKey` (for a
    /// resident ID, the clear number whose blind index the server looks up).
    public struct MatchKey: Hashable, Sendable {
        public let fieldKey: String
        public let uniqueKey: String
    }

    /// What importing one row does.
    public enum Action: Hashable, Sendable {
        case create(LedgerItemContent, LedgerStateEvent)
        /// The item changes; `event` is set when its state changes.
        case update(itemID: String, LedgerItemContent, event: LedgerStateEvent?)
        /// The row equals the item: no new version, no audit entry.
        case unchanged(itemID: String)
    }

    /// The row's filled, unmasked values of active unique fields.
    public static func matchKeys(_ draft: LedgerSheet.Draft, definition: LedgerDefinition) -> [MatchKey] {
        definition.uniqueFields.compactMap { field in
            draft.values[field.key].map { MatchKey(fieldKey: field.key, uniqueKey: $0.uniqueKey) }
        }
    }

    /// Rows of one file that repeat another row's value of a unique field; the later row is
    /// reported, naming the earlier one. Masked resident IDs are compared as written.
    public static func duplicates(_ drafts: [LedgerSheet.Draft], definition: LedgerDefinition) -> [RowProblem] {
        var problems: [RowProblem] = []
        for field in definition.uniqueFields {
            var firstLine: [String: Int] = [:]
            for draft in drafts {
                guard
                    let key = draft.values[field.key]?.uniqueKey ?? draft.maskedResidentIDs[field.key].map({ "*" + $0 })
                        ?? draft.maskedPeople[field.key].map({ "*" + $0.joined(separator: "\n") })
                else { continue }
                if let earlier = firstLine[key] {
                    problems.append(RowProblem(row: draft.line, column: field.label, message: "与第\(earlier)行相同,该字段的值不能重复"))
                } else {
                    firstLine[key] = draft.line
                }
            }
        }
        return problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
    }

    /// The existing item a row updates (nil: a new item), from the items the server found
    /// per unique field (`found[fieldKey]` = item id). Unique values that point at different
    /// items are refused, and so is a row whose only unique values are masked resident IDs.
    public static func matchedItem(
        _ draft: LedgerSheet.Draft, found: [String: String],
        definition: LedgerDefinition
    ) -> Result<String?, ImportProblems> {
        let keys = matchKeys(draft, definition: definition)
        let ids = keys.compactMap { found[$0.fieldKey] }
        if let first = ids.first, ids.contains(where: { $0 != first }) {
            let labels = keys.filter { found[$0.fieldKey] != nil }.compactMap { definition.field($0.fieldKey)?.label }
            let column = labels.first ?? ""
            return .failure(
                ImportProblems([
                    RowProblem(
                        row: draft.line, column: column,
                        message: labels.map { "「\($0)」" }.joined(separator: "、") + "分别对应不同的已有记录,无法确定要更新哪一条")
                ]))
        }
        if keys.isEmpty,
            let masked = definition.uniqueFields.first(where: { draft.maskedResidentIDs[$0.key] != nil || draft.maskedPeople[$0.key] != nil })
        {
            let what: String =
                switch masked.type {
                case .person: "此人的姓名或电话"
                case .name: "姓名"
                default: "身份证号"
                }
            return .failure(
                ImportProblems([
                    RowProblem(
                        row: draft.line, column: masked.label,
                        message: "\(what)是脱敏显示的,无法据此匹配已有记录,请填写完整" + (masked.type == .residentID ? "号码" : "内容"))
                ]))
        }
        return .success(ids.first)
    }

    /// What to do with one row, given the item it matched (id and content, or nil) and the
    /// importing user's role: state changes follow `LedgerStateTransition` (an import cannot
    /// reopen a final state, which needs a reason).
    public static func plan(
        _ draft: LedgerSheet.Draft, matched: (id: String, content: LedgerItemContent)?,
        definition: LedgerDefinition, role: Role
    ) -> Result<Action, ImportProblems> {
        let resolved: LedgerSheet.Draft
        switch draft.resolvingMasks(existing: matched?.content, definition: definition) {
        case .success(let d): resolved = d
        case .failure(let problems): return .failure(problems)
        }
        func refused(_ refusal: Refusal) -> Result<Action, ImportProblems> {
            let message = refusal.problems.first?.message ?? refusal.message
            return .failure(ImportProblems([RowProblem(row: draft.line, column: LedgerSheet.FixedColumn.state.rawValue, message: message)]))
        }
        guard role.canEditRecords else { return refused(.forbidden) }
        let content = resolved.content(existing: matched?.content, definition: definition)
        guard let matched else {
            do {
                return .success(.create(content, try LedgerStateTransition.created(definition: definition, in: content.stateCode, role: role)))
            } catch {
                return refused(error)
            }
        }
        if content == matched.content { return .success(.unchanged(itemID: matched.id)) }
        var event: LedgerStateEvent?
        if content.stateCode != matched.content.stateCode {
            do {
                event = try LedgerStateTransition.check(definition: definition, from: matched.content.stateCode, to: content.stateCode, role: role)
            } catch {
                return refused(error)
            }
        }
        return .success(.update(itemID: matched.id, content, event: event))
    }
}
