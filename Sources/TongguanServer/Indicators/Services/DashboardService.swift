import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Dashboards: per division, the indicators an administrator chose, in their order, each
/// shown for one kind of period (months, quarters, half-years, years). A division without a
/// choice of its own shows its nearest ancestor's, computed for itself.
enum DashboardService {
    static let periodKinds: [Period.Kind] = [.month, .quarter, .halfYear, .year]
    static let sparklineLength = 12

    struct Item: Sendable {
        var record: IndicatorRecord
        var periodKind: Period.Kind
    }

    /// The items that apply to `division` and the division whose choice they are.
    static func items(for division: DivisionCode, scope: DivisionScope, on db: any Database) async throws -> (items: [Item], from: DivisionCode?) {
        for code in [division] + division.ancestors {
            let rows = try await DashboardItemRecord.query(on: db).filter(\.$divisionCode == code.rawValue).with(\.$indicator)
                .sort(\.$position).all()
            guard !rows.isEmpty else { continue }
            let items = rows.compactMap { row -> Item? in
                guard IndicatorService.isVisible(row.indicator, to: scope), let kind = Period.Kind(rawValue: row.periodKind) else { return nil }
                return Item(record: row.indicator, periodKind: kind)
            }
            return (items, code)
        }
        return ([], nil)
    }

    /// Replaces the division's choice (all in one audited write).
    static func set(_ division: DivisionCode, items: [Item], actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let before = try await DashboardItemRecord.query(on: tx).filter(\.$divisionCode == division.rawValue).with(\.$indicator)
                .sort(\.$position).all()
            try await DashboardItemRecord.query(on: tx).filter(\.$divisionCode == division.rawValue).delete()
            for (i, item) in items.enumerated() {
                try await DashboardItemRecord(
                    divisionCode: division.rawValue, indicatorID: item.record.requireID(), position: i + 1, periodKind: item.periodKind
                )
                .create(on: tx)
            }
            var diff = AuditDiff()
            diff.add(
                "items", before: before.map { "\($0.indicator.code)/\($0.periodKind)" }.joined(separator: ","),
                after: items.map { "\($0.record.code)/\($0.periodKind.rawValue)" }.joined(separator: ","))
            audit.record(
                "dashboard.set", entityType: "dashboard", entityID: division.rawValue, divisionCode: division.rawValue, changes: diff.changes)
        }
    }

    /// One tile: the domain's reading of the values, the periods' links, the target.
    struct Tile: Sendable {
        var record: IndicatorRecord
        var periodKind: Period.Kind
        var tile: DashboardTile
        var link: String?
        var target: Target?
    }

    static func tiles(
        _ items: [Item], division: DivisionCode, asOf: CivilDate, scope: DivisionScope, on db: any Database, logger: Logger? = nil
    ) async throws -> [Tile] {
        // The tiles of one kind that one statement answers read it once (`IndicatorSharedReads`).
        let evaluator = IndicatorEvaluator(db: db, scope: scope, logger: logger, shared: IndicatorSharedReads())
        // The division's targets of every tile, read once for the page.
        let ids = try items.map { try $0.record.requireID() }
        let targetRows =
            ids.isEmpty
            ? []
            : try await TargetRecord.query(on: db).filter(\.$indicator.$id ~~ ids).filter(\.$divisionCode == division.rawValue).sort(\.$due).all()
        let targets = Dictionary(grouping: targetRows, by: { $0.$indicator.id })
        // Tiles are independent reads: a few at a time, so that the database's connections
        // and threads work in parallel; the result keeps the chosen order.
        return try await withThrowingTaskGroup(of: (Int, Tile).self) { group in
            var result: [Tile?] = Array(repeating: nil, count: items.count)
            var next = 0
            func start() {
                guard next < items.count else { return }
                let (index, item) = (next, items[next])
                next += 1
                let targets = targets[ids[index]] ?? []
                group.addTask { (index, try await tile(item, division: division, asOf: asOf, targets: targets, evaluator: evaluator, on: db)) }
            }
            for _ in 0..<min(concurrentTiles, items.count) { start() }
            while let (index, tile) = try await group.next() {
                result[index] = tile
                start()
            }
            return result.compactMap { $0 }
        }
    }

    /// How many tiles are computed at once.
    static let concurrentTiles = 4

    /// The periods of `kind` ending on or before `asOf`, newest first.
    static func periods(_ kind: Period.Kind, endingBy asOf: CivilDate, count: Int) -> [Period] {
        guard var p = Period.unit(kind, containing: asOf) else { return [] }
        if p.end > asOf, let before = p.previous { p = before }
        var result: [Period] = []
        var cursor: Period? = p
        while let c = cursor, result.count < count {
            result.append(c)
            cursor = c.previous
        }
        return result
    }

    /// One tile; `targets` are the division's target rows of this indicator, by due date.
    static func tile(
        _ item: Item, division: DivisionCode, asOf: CivilDate, targets: [TargetRecord], evaluator: IndicatorEvaluator, on db: any Database
    ) async throws -> Tile {
        let record = item.record
        let indicator = record.indicator
        var values: [Period: ExactDecimal] = [:]
        var link: String?
        if indicator.source.isManual {
            // The latest entered period within two years, then twelve periods up to it, from one read.
            let window = periods(item.periodKind, endingBy: asOf, count: 2 * sparklineLength + 1)
            if let oldest = window.last, let newest = window.first {
                let span = try Period.range(from: Period.day(oldest.start), to: Period.day(newest.end))
                let entries = try await ValueService.entries(try record.requireID(), division: division, within: span, on: db)
                let latest = window.first { p in (try? indicator.rollUp.value(for: p, entries: entries))?.value != nil }
                if let latest {
                    var wanted = periods(item.periodKind, endingBy: latest.end, count: sparklineLength)
                    if let lastYear = latest.sameLastYear { wanted.append(lastYear) }
                    for p in wanted {
                        if let v = (try? indicator.rollUp.value(for: p, entries: entries))?.value { values[p] = v }
                    }
                    link =
                        "/indicators/\(indicator.code.rawValue)/history"
                        + QueryString.encode([("division", division.rawValue), ("period", latest.description)])
                }
            }
        } else {
            var wanted = periods(item.periodKind, endingBy: asOf, count: sparklineLength)
            if let latest = wanted.first, let lastYear = latest.sameLastYear, !wanted.contains(lastYear) { wanted.append(lastYear) }
            // One series per query kind for all the periods (IndicatorQueryKind.series).
            let evaluated = try await evaluator.evaluate(record, periods: wanted, division: division)
            for (p, e) in zip(wanted, evaluated) {
                if let v = e.exact { values[p] = v }
            }
            if let first = evaluated.first { link = first.link.isEmpty ? nil : first.link }
        }
        let target = targets.compactMap { $0.target(code: indicator.code) }
        let chosen = target.first { $0.due >= asOf } ?? target.last
        let tile = DashboardTile(indicator: indicator, values: values, target: chosen, today: asOf, sparklineLength: sparklineLength)
        return Tile(record: record, periodKind: item.periodKind, tile: tile, link: link, target: chosen)
    }
}

extension Period.Kind {
    var label: String {
        switch self {
        case .day: "日"
        case .month: "月度"
        case .quarter: "季度"
        case .halfYear: "半年"
        case .year: "年度"
        case .range: "区间"
        }
    }
}
