import Foundation
import SQLKit
import TongguanDomain

/// `LedgerAggregateQuery` in SQL, on both engines. The common shapes — counts and sums by
/// division, state or a choice, with at most one choice or yes/no condition — read the
/// tallies (a few rows per division and state, whatever the number of items); every other
/// shape (`count_distinct`, several conditions, `as_of`, text conditions) reads the items
/// with their value rows through the indexes. Both answer exactly what
/// `LedgerAggregateQuery.run` answers over the same items (the property tests hold them to
/// it).
enum LedgerAggregateSQL {
    /// One group's raw figures before they become the domain's row.
    struct Partial: Sendable {
        var count: Int64 = 0
        var total: Int64 = 0
        /// Decimal sums by scale, added exactly afterwards.
        var decimals: [Int: Int64] = [:]
    }

    static func run(
        _ query: LedgerAggregateQuery, ctx: LedgerContext, scope: DivisionScope, keys: KeyRing?, on sql: any SQLDatabase,
        allowTallies: Bool = true
    ) async throws -> [LedgerAggregateRow] {
        let definition = ctx.definition
        guard placement(query, ctx: ctx, scope: scope) != nil else { return try query.run([], definition: definition) }
        let partials: [String?: Partial]
        do {
            if allowTallies, talliesAnswer(query, definition: definition) {
                partials = try await fromTallies(query, ctx: ctx, scope: scope, on: sql)
            } else {
                partials = try await fromItems(query, ctx: ctx, scope: scope, keys: keys, on: sql)
            }
        } catch let error where "\(error)".lowercased().contains("overflow") || "\(error)".contains("out of range") {
            throw Refusal.conflict("合计超出可计算的范围")
        }
        return try rows(query, partials: partials, definition: definition)
    }

    /// The range of divisions counted, nil when the asked division lies outside the scope.
    static func placement(_ query: LedgerAggregateQuery, ctx: LedgerContext, scope: DivisionScope) -> SQLQueryString? {
        LedgerFilterSQL.placed(item: "i", ledgerID: ctx.id, scope: scope, division: query.division)
    }

    static func talliesAnswer(_ query: LedgerAggregateQuery, definition: LedgerDefinition) -> Bool {
        guard query.asOf == nil else { return false }
        switch query.measure {
        case .countDistinct: return false
        case .sum: return query.filters.isEmpty && !isChoice(query.grouping)
        case .count:
            if isChoice(query.grouping) { return query.filters.isEmpty }
            return query.filters.count <= 1 && query.filters.allSatisfy { LedgerFilterSQL.isTallied($0, definition: definition) }
        }
    }

    static func isChoice(_ grouping: LedgerAggregateQuery.Grouping) -> Bool {
        if case .choice = grouping { return true }
        return false
    }

    /// The SQL expression of a division group: the code one level below `base`, taken from
    /// the item's code (village 141124100201 under the city 141100 → 141124).
    static func divisionGroup(_ column: any SQLExpression, base: DivisionCode) -> SQLQueryString {
        switch base.level {
        case .province: return "substr(\(column), 1, 4) || '00'"
        case .city: return "substr(\(column), 1, 6)"
        case .county: return "substr(\(column), 1, 9)"
        case .township, .village: return "substr(\(column), 1, 12)"
        }
    }

    static func base(_ query: LedgerAggregateQuery, definition: LedgerDefinition) -> DivisionCode {
        query.division ?? definition.divisionCode
    }

    // MARK: the tallies

    static func fromTallies(
        _ query: LedgerAggregateQuery, ctx: LedgerContext, scope: DivisionScope, on sql: any SQLDatabase
    ) async throws -> [String?: Partial] {
        let tally = SQLIdentifier(LedgerStore.tallies)
        let division = LedgerFilterSQL.column("k", "division_code"), state = LedgerFilterSQL.column("k", "state")
        let group: SQLQueryString =
            switch query.grouping {
            case .none, .choice: "''"
            case .state: "\(state)"
            case .division: divisionGroup(division, base: base(query, definition: ctx.definition))
            }
        var place: SQLQueryString = "k.ledger_id = \(bind: ctx.id) AND " + LedgerSQL.within(division, prefix: scope.prefix)
        if let d = query.division, scope.contains(d) { place = place + " AND " + LedgerSQL.within(division, prefix: d.significantPrefix) }
        if let code = query.stateCode { place = place + " AND \(state) = \(bind: code)" }

        struct Row: Decodable { var g: String?; var b: String?; var c: Int64?; var t: Int64? }
        func fetch(field: String, bucket: String?, byBucket: Bool) async throws -> [Row] {
            var q: SQLQueryString =
                "SELECT \(group) AS g, " + (byBucket ? "k.bucket" : "''")
                + " AS b, CAST(SUM(k.items) AS BIGINT) AS c, CAST(SUM(k.total) AS BIGINT) AS t FROM \(tally) k WHERE "
            q = q + place + " AND k.field_key = \(bind: field)"
            if let bucket { q = q + " AND k.bucket = \(bind: bucket)" }
            q = q + " GROUP BY 1, 2"
            return try await sql.raw(q).all(decoding: Row.self)
        }
        func key(_ row: Row) -> String? {
            if case .none = query.grouping { return nil }
            return row.g
        }
        var partials: [String?: Partial] = [:]
        switch query.measure {
        case .count:
            if case .choice(let key) = query.grouping {
                var total: Int64 = 0
                for row in try await fetch(field: "", bucket: "", byBucket: false) { total += row.c ?? 0 }
                var chosen: Int64 = 0
                for row in try await fetch(field: key, bucket: nil, byBucket: true) where (row.c ?? 0) != 0 {
                    partials[row.b, default: Partial()].count += row.c ?? 0
                    chosen += row.c ?? 0
                }
                if total - chosen > 0 { partials[nil] = Partial(count: total - chosen) }
            } else if let filter = query.filters.first {
                for row in try await fetch(field: filter.key, bucket: LedgerFilterSQL.bucket(filter), byBucket: false) {
                    partials[key(row), default: Partial()].count += row.c ?? 0
                }
            } else {
                for row in try await fetch(field: "", bucket: "", byBucket: false) { partials[key(row), default: Partial()].count += row.c ?? 0 }
            }
        case .sum(let field):
            for row in try await fetch(field: "", bucket: "", byBucket: false) { partials[key(row), default: Partial()].count += row.c ?? 0 }
            let decimal = ctx.definition.field(field)?.type == .decimal
            for row in try await fetch(field: field, bucket: nil, byBucket: decimal) {
                if decimal, let scale = row.b.flatMap({ Int($0.dropFirst()) }) {
                    partials[key(row), default: Partial()].decimals[scale, default: 0] += row.t ?? 0
                } else {
                    partials[key(row), default: Partial()].total += row.t ?? 0
                }
            }
        case .countDistinct:
            break
        }
        // A group shows only when it counts an item (divisions) — states and options are
        // listed anyway by `rows`.
        return partials.filter { $0.value.count != 0 || $0.key == nil }
    }

    // MARK: the items

    static func fromItems(
        _ query: LedgerAggregateQuery, ctx: LedgerContext, scope: DivisionScope, keys: KeyRing?, on sql: any SQLDatabase
    ) async throws -> [String?: Partial] {
        guard var conditions = placement(query, ctx: ctx, scope: scope) else { return [:] }
        let items = SQLIdentifier(LedgerItemRecord.schema), values = SQLIdentifier(LedgerStore.values)
        let events = SQLIdentifier(LedgerItemEvent.schema)
        var from: SQLQueryString = "\(items) i"
        var state: SQLQueryString = "i.state"
        if let asOf = query.asOf {
            let day = asOf.description
            from =
                from
                    + """
                     JOIN (SELECT e.item_seq, e.to_state AS st FROM \(events) e WHERE e.ledger_id = \(bind: ctx.id) AND e.day <= \(bind: day) \
                    AND NOT EXISTS (SELECT 1 FROM \(events) e2 WHERE e2.item_seq = e.item_seq AND e2.day <= \(bind: day) \
                    AND (e2.day > e.day OR (e2.day = e.day AND e2.ordinal > e.ordinal)))) h ON h.item_seq = i.seq
                    """
            state = "h.st"
        }
        var measure: SQLQueryString = "COUNT(*)"
        var byScale = false
        switch query.measure {
        case .count: break
        case .countDistinct(let key):
            from = from + " LEFT JOIN \(values) m ON m.item_seq = i.seq AND m.field_key = \(bind: key) AND m.part = 'v'"
            measure = "COUNT(DISTINCT m.t)"
        case .sum(let key):
            from = from + " LEFT JOIN \(values) m ON m.item_seq = i.seq AND m.field_key = \(bind: key) AND m.part = 'v'"
            measure = "CAST(SUM(m.n) AS BIGINT)"
            byScale = ctx.definition.field(key)?.type == .decimal
        }
        let group: SQLQueryString
        switch query.grouping {
        case .none: group = "''"
        case .state: group = state
        case .division: group = divisionGroup(SQLRaw("i.division_code"), base: base(query, definition: ctx.definition))
        case .choice(let key):
            from = from + " LEFT JOIN \(values) c ON c.item_seq = i.seq AND c.field_key = \(bind: key) AND c.part = 'v'"
            group = "c.t"
        }
        if let code = query.stateCode { conditions = conditions + " AND \(state) = \(bind: code)" }
        for filter in query.filters { conditions = conditions + " AND " + (try LedgerFilterSQL.exists(filter, item: "i", keys: keys)) }

        struct Row: Decodable { var g: String?; var s: Int?; var c: Int64?; var v: Int64? }
        var q: SQLQueryString = "SELECT \(group) AS g, " + (byScale ? "m.s" : "NULL") + " AS s, COUNT(*) AS c, \(measure) AS v FROM " + from
        q = q + " WHERE " + conditions + " GROUP BY 1, 2"
        var partials: [String?: Partial] = [:]
        let none: Bool = if case .none = query.grouping { true } else { false }
        for row in try await sql.raw(q).all(decoding: Row.self) {
            let key: String? = none ? nil : row.g
            var p = partials[key] ?? Partial()
            p.count += row.c ?? 0
            switch query.measure {
            case .count: break
            case .countDistinct: p.total += row.v ?? 0
            case .sum:
                if byScale {
                    if let s = row.s { p.decimals[s, default: 0] += row.v ?? 0 }
                } else {
                    p.total += row.v ?? 0
                }
            }
            partials[key] = p
        }
        return partials
    }

    // MARK: the answer

    /// Groups in the domain's order (states and options as defined, divisions by code, the
    /// empty choice last), each with its value in the measure's terms.
    static func rows(_ query: LedgerAggregateQuery, partials: [String?: Partial], definition: LedgerDefinition) throws -> [LedgerAggregateRow] {
        var order: [String?]
        switch query.grouping {
        case .none: order = [nil]
        case .state: order = definition.states.map(\.code)
        case .division: order = partials.filter { $0.value.count > 0 }.keys.compactMap { $0 }.sorted()
        case .choice(let key):
            order = definition.field(key)?.options ?? []
            if let empty = partials[nil], empty.count > 0 { order.append(nil) }
        }
        return try order.map { group in
            let p = partials[group] ?? Partial()
            let value: LedgerAggregateValue
            switch query.measure {
            case .count: value = .count(Int(p.count))
            case .countDistinct: value = .count(Int(p.total))
            case .sum(let key):
                switch definition.field(key)?.type {
                case .decimal:
                    guard let total = LedgerDecimal.sum(p.decimals.map { LedgerDecimal(units: $0.value, scale: $0.key) }) else {
                        throw Refusal.conflict("合计超出可计算的范围")
                    }
                    value = .decimal(total)
                case .money: value = .money(p.total)
                default: value = .integer(p.total)
                }
            }
            return LedgerAggregateRow(group: group, value: value)
        }
    }
}
