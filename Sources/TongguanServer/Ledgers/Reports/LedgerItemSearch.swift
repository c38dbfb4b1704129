import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// `GET …/items`: one page of a ledger's items in (division, number) order, and the total.
///
/// A field condition that few items pass (a name, a number) drives the query from the value
/// index; conditions that many items pass (a common option) are checked per item while the
/// list index is walked in order, so the page fills after a few probes. Totals come from the
/// tallies where they can (no condition, or one choice or yes/no condition), else from a
/// count.
enum LedgerItemSearch {
    struct Result: Sendable {
        var items: [LedgerItemRecord]
        var total: Int
    }

    /// Up to this many matches, a condition drives the query.
    static let drivingLimit = 5000

    static func run(
        _ query: LedgerItemQuery, ctx: LedgerContext, scope: DivisionScope, paging: PageRequest, keys: KeyRing?,
        on sql: any SQLDatabase, drivingLimit: Int = LedgerItemSearch.drivingLimit, allowTallies: Bool = true
    ) async throws -> Result {
        guard var conditions = LedgerFilterSQL.placed(item: "i", ledgerID: ctx.id, scope: scope, division: query.division) else {
            return Result(items: [], total: 0)
        }
        if let code = query.stateCode { conditions = conditions + " AND i.state = \(bind: code)" }
        if let day = query.overdueOn {
            let open = ctx.definition.openStateCodes
            conditions = conditions + " AND i.due_date IS NOT NULL AND i.due_date < \(bind: day.description) AND i.state IN (\(binds: open))"
        }
        if let day = query.dueFrom { conditions = conditions + " AND i.due_date >= \(bind: day.description)" }
        if let day = query.dueTo { conditions = conditions + " AND i.due_date <= \(bind: day.description)" }
        if let q = query.q { conditions = conditions + " AND " + TextSearch.contains("i", "search", q) }

        // The most selective field condition, if it is selective enough to drive.
        var driver: (index: Int, count: Int)?
        for (i, filter) in query.filters.enumerated() {
            let n = try await boundedCount(filter, ctx: ctx, keys: keys, limit: drivingLimit, on: sql)
            if n <= drivingLimit, driver.map({ n < $0.count }) ?? true { driver = (i, n) }
        }
        var from: SQLQueryString = "\(ident: LedgerItemRecord.schema) i"
        var where_ = conditions
        for (i, filter) in query.filters.enumerated() where i != driver?.index {
            where_ = where_ + " AND " + (try LedgerFilterSQL.exists(filter, item: "i", keys: keys))
        }
        if let driver {
            let filter = query.filters[driver.index]
            // CROSS JOIN keeps SQLite from walking the items first.
            from = "\(ident: LedgerStore.values) d CROSS JOIN \(ident: LedgerItemRecord.schema) i"
            where_ =
                "d.ledger_id = \(bind: ctx.id) AND d.field_key = \(bind: filter.key) AND "
                + (try LedgerFilterSQL.match(filter, alias: "d", keys: keys))
                + " AND i.seq = d.item_seq AND " + where_
        }
        let total: Int
        if driver == nil, allowTallies, let tallied = try await talliedTotal(query, ctx: ctx, scope: scope, on: sql) {
            total = tallied
        } else {
            struct Row: Decodable { var c: Int64 }
            total = Int(try await sql.raw("SELECT COUNT(*) AS c FROM " + from + " WHERE " + where_).first(decoding: Row.self)?.c ?? 0)
        }
        let page: SQLQueryString =
            "SELECT i.* FROM " + from + " WHERE " + where_
            + " ORDER BY i.division_code, i.seq LIMIT \(literal: paging.per) OFFSET \(literal: paging.offset)"
        let items = total == 0 ? [] : try await withoutParallelWorkers(on: sql) { try await $0.raw(page).all(decodingFluent: LedgerItemRecord.self) }
        return Result(items: items, total: total)
    }

    private struct Setting: Decodable { var value: String }

    /// Runs `body` with PostgreSQL's parallel workers off for its queries, and restores the
    /// session's setting afterwards (also when `body` throws); on SQLite it just runs `body`.
    ///
    /// The page query walks the list index in order and stops after one page. With a rare
    /// option (2 % of 1,000,000 items, too many to drive from the value index) PostgreSQL plans
    /// that walk as a parallel query, and starting and merging two workers per request costs
    /// more than the ~1,000 probes they share (BENCHMARKS.md, 台账: p95 172 ms with workers,
    /// 25 ms without). Counts and aggregates keep their parallel plans.
    static func withoutParallelWorkers<R: Sendable>(
        on sql: any SQLDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        guard sql.dialect.name == "postgresql" else { return try await body(sql) }
        return try await sql.withSession { session in
            let before =
                try await session.raw("SELECT current_setting('max_parallel_workers_per_gather') AS value").first(decoding: Setting.self)?.value
                ?? "2"
            try await session.raw("SELECT set_config('max_parallel_workers_per_gather', '0', false)").run()
            let restore: SQLQueryString = "SELECT set_config('max_parallel_workers_per_gather', \(bind: before), false)"
            let result: R
            do {
                result = try await body(session)
            } catch {
                // A failed statement inside a caller's transaction aborts it; its rollback
                // then undoes the setting too, so a failed restore here changes nothing.
                try? await session.raw(restore).run()
                throw error
            }
            try await session.raw(restore).run()
            return result
        }
    }

    /// How many value rows pass the condition, counted no further than past the limit.
    static func boundedCount(_ filter: LedgerFieldFilter, ctx: LedgerContext, keys: KeyRing?, limit: Int, on sql: any SQLDatabase) async throws -> Int
    {
        struct Row: Decodable { var c: Int64 }
        let q: SQLQueryString =
            "SELECT COUNT(*) AS c FROM (SELECT 1 FROM \(ident: LedgerStore.values) d WHERE d.ledger_id = \(bind: ctx.id) AND d.field_key = \(bind: filter.key) AND "
            + (try LedgerFilterSQL.match(filter, alias: "d", keys: keys)) + " LIMIT \(literal: limit + 1)) x"
        return Int(try await sql.raw(q).first(decoding: Row.self)?.c ?? 0)
    }

    /// The total from the tallies, when the conditions are ones they count.
    static func talliedTotal(_ query: LedgerItemQuery, ctx: LedgerContext, scope: DivisionScope, on sql: any SQLDatabase) async throws -> Int? {
        guard query.q == nil, query.overdueOn == nil, query.dueFrom == nil, query.dueTo == nil, query.filters.count <= 1,
            query.filters.allSatisfy({ LedgerFilterSQL.isTallied($0, definition: ctx.definition) })
        else { return nil }
        let aggregate = LedgerAggregateQuery(
            measure: .count, grouping: .none, filters: query.filters, stateCode: query.stateCode, division: query.division)
        let rows = try await LedgerAggregateSQL.run(aggregate, ctx: ctx, scope: scope, keys: nil, on: sql)
        if case .count(let n) = rows.first?.value { return n }
        return nil
    }
}
