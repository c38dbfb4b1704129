/// One row of an aggregate answer: `{"group", "value"}`.
public struct LedgerAggregateRow: Hashable, Sendable {
    /// A division code, a state code or an option text; nil for the whole (no grouping) or
    /// for items without a value of the grouping choice.
    public let group: String?
    public let value: LedgerAggregateValue

    public init(group: String?, value: LedgerAggregateValue) {
        self.group = group
        self.value = value
    }

    public var json: LedgerInput { .object(["group": group.map(LedgerInput.string) ?? .null, "value": value.json]) }
}

/// A count or an exact sum in the field's own terms.
public enum LedgerAggregateValue: Hashable, Sendable {
    case count(Int)
    case integer(Int64)
    case decimal(LedgerDecimal)
    /// 分.
    case money(Int64)

    /// Numbers as JSON integers, decimals as strings (as values travel in the API).
    public var json: LedgerInput {
        switch self {
        case .count(let n): .integer(Int64(n))
        case .integer(let n), .money(let n): .integer(n)
        case .decimal(let d): .string(d.description)
        }
    }
}

extension LedgerAggregateQuery {
    /// The answer over the items the server loaded (already limited to the caller's scope
    /// and, with `as_of`, to the items that existed then in the state they had then).
    /// Groups of states and options come in definition order, including empty ones; division
    /// groups come in code order; the null group of a choice comes last, only when used.
    public func run(_ items: [LedgerItemContent], definition: LedgerDefinition) throws(Refusal) -> [LedgerAggregateRow] {
        let counted = items.filter(includes)
        var groups: [String?: [LedgerItemContent]] = [:]
        var order: [String?] = []
        switch grouping {
        case .none:
            order = [nil]
            groups[nil] = counted
        case .state:
            order = definition.states.map(\.code)
            for item in counted { groups[item.stateCode, default: []].append(item) }
        case .division:
            let base = division ?? definition.divisionCode
            for item in counted { groups[Self.divisionGroup(item.divisionCode, under: base).rawValue, default: []].append(item) }
            order = groups.keys.compactMap { $0 }.sorted()
        case .choice(let key):
            order = definition.field(key)?.options ?? []
            for item in counted {
                if case .choice(let option) = item.values[key] {
                    groups[option, default: []].append(item)
                } else {
                    groups[nil, default: []].append(item)
                }
            }
            if groups[nil] != nil { order.append(nil) }
        }
        var rows: [LedgerAggregateRow] = []
        for group in order {
            rows.append(LedgerAggregateRow(group: group, value: try value(of: groups[group] ?? [], definition: definition)))
        }
        return rows
    }

    /// `{"rows": [...]}`.
    public static func json(_ rows: [LedgerAggregateRow]) -> LedgerInput { .object(["rows": .array(rows.map(\.json))]) }

    private func value(of items: [LedgerItemContent], definition: LedgerDefinition) throws(Refusal) -> LedgerAggregateValue {
        switch measure {
        case .count:
            return .count(items.count)
        case .countDistinct(let key):
            return .count(Set(items.compactMap { $0.values[key]?.uniqueKey }).count)
        case .sum(let key):
            let tooLarge = Refusal.conflict("合计超出可计算的范围")
            switch definition.field(key)?.type {
            case .decimal:
                let decimals = items.compactMap { if case .decimal(let d) = $0.values[key] { d } else { nil } }
                guard let total = LedgerDecimal.sum(decimals) else { throw tooLarge }
                return .decimal(total)
            case .money, .integer:
                var total: Int64 = 0
                for item in items {
                    let n: Int64? =
                        switch item.values[key] {
                        case .integer(let n), .money(let n): n;
                        default: nil
                        }
                    guard let n else { continue }
                    let (next, overflow) = total.addingReportingOverflow(n)
                    if overflow { throw tooLarge }
                    total = next
                }
                return definition.field(key)?.type == .money ? .money(total) : .integer(total)
            default:
                return .count(0)
            }
        }
    }

    /// The division one level below `base` that `code` lies in (`base` itself for items
    /// recorded at `base`): 141124100201 under 141100 groups as 141124.
    public static func divisionGroup(_ code: DivisionCode, under base: DivisionCode) -> DivisionCode {
        if code == base { return base }
        var current = code
        while let parent = current.parent {
            if parent == base { return current }
            current = parent
        }
        return code
    }
}

/// The state an item had on a past day, from its state events (created included).
public enum LedgerItemHistory {
    /// The target of the last event on or before `day`; nil when the item did not exist yet.
    /// Events need not be sorted; two on the same day keep their given order.
    public static func state(asOf day: CivilDate, events: [(day: CivilDate, to: String)]) -> String? {
        var result: (day: CivilDate, to: String)?
        for event in events where event.day <= day {
            if result == nil || event.day >= result!.day { result = event }
        }
        return result?.to
    }
}
