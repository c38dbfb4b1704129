import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The figures of 诉求, computed when asked by one statement over the tallies the case
/// write path keeps (`CaseTally`) and the case rows' covering indexes: the cases received in a
/// period (backlog cases by their original received date when `backlog=true`), and of
/// those how many are closed (办结), resolved (化解, never the same figure: a case closed as
/// `explained` is closed, not resolved), answered on time, open past a due date, rated
/// satisfied (满意 or 基本满意) and followed up.
enum CaseStats {
    /// What a figure counts. Each measure is one condition on a case row, used both to sum
    /// the figure and to list the cases behind it (`measure=` on the case list), so a
    /// figure and its list always agree.
    enum Measure: String, CaseIterable, Sendable {
        case received, closed, resolved
        /// Replied (at least once and not reopened since): the base of the on-time rate.
        case answered
        case onTime = "on_time"
        case overdueOpen = "overdue_open"
        case satisfied
        case followUps = "follow_ups"
        /// Liaison-station cases with a visit batch (the figure counts distinct batches).
        case batches

        var label: String {
            switch self {
            case .received: "登记"
            case .closed: "办结"
            case .resolved: "化解"
            case .answered: "已答复"
            case .onTime: "按期答复"
            case .overdueOpen: "逾期未办"
            case .satisfied: "满意(含基本满意)"
            case .followUps: "已回访"
            case .batches: "联络站接待批次"
            }
        }

        /// The row condition, columns qualified by the cases table; nil for every case.
        func condition(today: CivilDate) -> SQLQueryString? {
            let t = CaseRecord.schema
            switch self {
            case .received: return nil
            case .closed: return "\(ident: t).\(ident: "state") = 'closed'"
            case .resolved: return "(\(ident: t).\(ident: "outcome") = 'resolved' AND \(ident: t).\(ident: "state") IN ('replied', 'closed'))"
            case .answered: return "\(ident: t).\(ident: "on_time") IS NOT NULL"
            case .onTime: return "\(ident: t).\(ident: "on_time") = \(bind: true)"
            case .overdueOpen: return "\(ident: t).\(ident: "pending_due") < \(bind: today.description)"
            case .satisfied: return "\(ident: t).\(ident: "satisfaction") IN ('satisfied', 'basically_satisfied')"
            case .followUps: return "\(ident: t).\(ident: "followed_up_on") IS NOT NULL"
            case .batches: return "\(ident: t).\(ident: "station_batch") IS NOT NULL"
            }
        }

        /// `SUM(CASE WHEN … THEN 1 ELSE 0 END)`, or the count of distinct batches.
        func sum(today: CivilDate) -> SQLQueryString {
            switch self {
            case .received: "COUNT(*)"
            case .batches: "COUNT(DISTINCT \(ident: CaseRecord.schema).\(ident: "station_batch"))"
            default: "SUM(CASE WHEN \(condition(today: today)!) THEN 1 ELSE 0 END)"
            }
        }
    }

    enum Grouping: String, CaseIterable, Sendable {
        case source, division, kind, unit, month
        /// The body that handed backlog cases down (for the article's sentence).
        case handedDownBy = "handed_down_by"
    }

    struct Request: Sendable {
        var from: CivilDate?
        var to: CivilDate?
        var source: CaseSource?
        var division: DivisionCode?
        var backlog: Bool?
        var owner: CaseFilter.Owner?
        var handedDownBy: String?
        var groupBy: Grouping?

        init(
            from: CivilDate? = nil, to: CivilDate? = nil, source: CaseSource? = nil, division: DivisionCode? = nil, backlog: Bool? = nil,
            owner: CaseFilter.Owner? = nil, handedDownBy: String? = nil, groupBy: Grouping? = nil
        ) {
            self.from = from; self.to = to; self.source = source; self.division = division; self.backlog = backlog; self.owner = owner
            self.handedDownBy = handedDownBy; self.groupBy = groupBy
        }

        /// The case list showing the cases behind one measure of this request.
        func filter(_ measure: Measure) -> CaseFilter {
            var f = CaseFilter()
            f.from = from; f.to = to; f.source = source; f.division = division; f.backlog = backlog; f.owner = owner
            f.handedDownBy = handedDownBy
            f.measure = measure == .received ? nil : measure
            return f
        }

        init(from req: Vapor.Request) throws {
            var q = QueryReader(req)
            (from, to) = q.dateRange()
            source = q.enumeration("source", CaseSource.self)
            division = q.divisionCode("division")
            backlog = q.bool("backlog")
            if let raw = q.text("owner_leader") {
                if raw == "any" {
                    owner = .any
                } else if let id = UUID(uuidString: raw) {
                    owner = .leader(id)
                } else {
                    q.add("owner_leader", "应为领导编号或 any")
                }
            }
            handedDownBy = q.text("handed_down_by")
            groupBy = q.enumeration("group_by", Grouping.self)
            try q.finish()
        }
    }

    struct Row: Sendable, Equatable {
        var group: String
        var label: String
        var received: Int
        var closed: Int
        var resolved: Int
        var answered: Int
        var onTime: Int
        var overdueOpen: Int
        var satisfied: Int
        var followUps: Int
        /// Distinct liaison-station visit batches among the cases.
        var batches: Int

        func value(_ m: Measure) -> Int {
            switch m {
            case .received: received
            case .closed: closed
            case .resolved: resolved
            case .answered: answered
            case .onTime: onTime
            case .overdueOpen: overdueOpen
            case .satisfied: satisfied
            case .followUps: followUps
            case .batches: batches
            }
        }
    }

    /// A grouping by period for the indicator series: the expression of the period a
    /// `YYYY-MM-DD` date expression falls in. When every period is whole months, the
    /// monthly tallies answer with a month's first day standing for the month.
    struct Bucketing: Sendable {
        var expression: @Sendable (SQLQueryString) -> SQLQueryString
        var wholeMonths: Bool
    }

    /// The figures of a request, computed when asked in one statement (so every part reads
    /// the same snapshot): the counting measures from the monthly tally of the family that
    /// has the request's dimensions, plus the edge days of the range from the case rows;
    /// `overdue_open` from the overdue cases' index; batches from their presence by day.
    /// Kind and unit below a county (a township scope or filter) are counted from the case
    /// rows. `bucket`, when given, replaces an absent `groupBy` (the indicator series groups
    /// by period this way; the rows are not labelled). `only`, when given, computes just
    /// those measures (the others are 0).
    static func run(
        _ r: Request, scope: DivisionScope, today: CivilDate = CaseClock.today(), bucket: Bucketing? = nil, only: Set<Measure>? = nil,
        on db: any Database
    ) async throws -> [Row] {
        let wanted = only ?? Set(Measure.allCases)
        let childLength: Int =
            switch scope.root.level {
            case .province: 4
            case .city: 6
            case .county: 9
            case .township, .village: 12
            }
        let sqlite = db.sql.isSQLite
        var parts: [SQLQueryString] = []
        let base = (bucket?.wholeMonths ?? true) ? family(for: r, scope: scope, childLength: childLength) : nil
        // A plain tally (fewer rows) when the request neither filters nor groups by the
        // owner leader or the 交办机关.
        let plain = r.owner == nil && r.handedDownBy == nil && r.groupBy != .handedDownBy
        func narrowest(_ f: CaseTally.Family) -> CaseTally.Family { plain ? CaseTally.plainVariant(of: f) ?? f : f }
        let family = base.map(narrowest)
        let split = MonthSplit(from: r.from, to: r.to)
        // The whole years of the range from a year tally, when neither the rows nor the
        // buckets are by month; the months left at either end from the month tally.
        var yearTally: CaseTally.Family?
        var years: (first: String?, last: String?)?
        var months = split.months.map { [$0] } ?? []
        if let family, let whole = split.months, bucket == nil, r.groupBy != .month, let byYear = base.flatMap(CaseTally.byYear).map(narrowest) {
            (years, months) = Self.years(in: whole)
            if years != nil { yearTally = byYear }
        }
        if !wanted.isDisjoint(with: CaseTally.measures) {
            if let family {
                if let yearTally, let years {
                    parts.append(
                        part(r, .tally(yearTally, first: years.first, last: years.last), wanted, childLength, scope, today, bucket, sqlite: sqlite))
                }
                for months in months {
                    parts.append(
                        part(r, .tally(family, first: months.first, last: months.last), wanted, childLength, scope, today, bucket, sqlite: sqlite))
                }
                for days in split.edges {
                    parts.append(part(r, .cases(from: days.from, to: days.to), wanted, childLength, scope, today, bucket, sqlite: sqlite))
                }
            } else {
                parts.append(part(r, .cases(from: r.from, to: r.to), wanted, childLength, scope, today, bucket, sqlite: sqlite))
            }
        }
        if wanted.contains(.overdueOpen) { parts.append(part(r, .overdue, wanted, childLength, scope, today, bucket, sqlite: sqlite)) }
        if wanted.contains(.batches) {
            if let family, yearTally != nil || family.keepsBatch {
                // A batch counts once however many parts hold it: the (group, batch) pairs of
                // the whole periods from the tallies that keep the batch, and of the other
                // days from the batches by day, counted distinct together.
                var pairs: [SQLQueryString] = []
                if let yearTally, let years {
                    pairs.append(
                        part(
                            r, .tally(yearTally, first: years.first, last: years.last), wanted, childLength, scope, today, bucket, sqlite: sqlite,
                            batchPairs: true))
                }
                for months in months {
                    // A month's days as `YYYY-MM-01` … `YYYY-MM-31`: the bounds compare as text.
                    let source: Source =
                        family.keepsBatch
                        ? .tally(family, first: months.first, last: months.last)
                        : .batches(from: months.first.map { "\($0)-01" }, to: months.last.map { "\($0)-31" })
                    pairs.append(part(r, source, wanted, childLength, scope, today, bucket, sqlite: sqlite, batchPairs: true))
                }
                for days in split.edges {
                    pairs.append(
                        part(
                            r, .batches(from: days.from?.description, to: days.to?.description), wanted, childLength, scope, today, bucket,
                            sqlite: sqlite, batchPairs: true))
                }
                let figures: [SQLQueryString] = Measure.allCases.map { m in
                    let figure: SQLQueryString = m == .batches ? "COUNT(DISTINCT \(ident: "batch"))" : "0"
                    return "CAST(\(figure) AS BIGINT) AS \(ident: m.rawValue)"
                }
                if !pairs.isEmpty {
                    parts.append(
                        """
                        SELECT \(ident: "grp"), \(figures.joined(separator: ", "))
                        FROM (\(pairs.joined(separator: " UNION ALL "))) AS \(ident: "pairs") GROUP BY \(ident: "grp")
                        """)
                }
            } else {
                parts.append(
                    part(r, .batches(from: r.from?.description, to: r.to?.description), wanted, childLength, scope, today, bucket, sqlite: sqlite))
            }
        }
        var sums: [SQLQueryString] = []
        for m in Measure.allCases { sums.append("CAST(SUM(\(ident: m.rawValue)) AS BIGINT) AS \(ident: m.rawValue)") }
        var query: SQLQueryString = """
            SELECT \(ident: "grp"), \(sums.joined(separator: ", "))
            FROM (\(parts.joined(separator: " UNION ALL "))) AS \(ident: "parts")
            GROUP BY \(ident: "grp")
            """
        // A group is a group of cases: one whose tally rows all fell to zero is none.
        if wanted.contains(.received) { query += " HAVING SUM(\(ident: "received")) > 0" }
        query += " ORDER BY \(ident: "grp")"
        let raw = try await db.sql.raw(query).all()
        var rows: [Row] = []
        for row in raw {
            func int(_ c: String) throws -> Int { Int(try row.decode(column: c, as: Int64?.self) ?? 0) }
            let g: String
            if r.groupBy == .unit {
                let unit = try row.decode(column: "grp", as: UUID?.self)
                g = unit == CaseTally.none ? "" : unit?.uuidString ?? ""
            } else {
                g = try row.decode(column: "grp", as: String?.self) ?? ""
            }
            rows.append(
                Row(
                    group: g, label: g, received: try int("received"), closed: try int("closed"), resolved: try int("resolved"),
                    answered: try int("answered"), onTime: try int("on_time"), overdueOpen: try int("overdue_open"), satisfied: try int("satisfied"),
                    followUps: try int("follow_ups"), batches: try int("batches")))
        }
        return try await labelled(rows, by: r.groupBy, on: db)
    }

    /// Names for the groups people read (the API's `group` keeps the code).
    static func labelled(_ rows: [Row], by grouping: Grouping?, on db: any Database) async throws -> [Row] {
        var rows = rows
        switch grouping {
        case .division:
            let names = try await Division.names(of: Set(rows.map(\.group)), on: db)
            for i in rows.indices { rows[i].label = names[rows[i].group] ?? rows[i].group }
        case .source:
            for i in rows.indices { rows[i].label = CaseSource(rawValue: rows[i].group)?.label ?? rows[i].group }
        case .kind:
            for i in rows.indices {
                rows[i].label = CaseKind(rawValue: rows[i].group)?.label ?? rows[i].group
                rows[i].group = rows[i].label
            }
        case .unit:
            let ids = rows.compactMap { UUID(uuidString: $0.group) }
            let names =
                ids.isEmpty
                ? [:]
                : Dictionary(uniqueKeysWithValues: try await CaseUnit.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!.uuidString, $0.name) })
            for i in rows.indices {
                let key = UUID(uuidString: rows[i].group)?.uuidString
                rows[i].label = key.flatMap { names[$0] } ?? "未交办"
                if rows[i].group.isEmpty { rows[i].group = "none" } else if let key { rows[i].group = key }
            }
        case .month, .handedDownBy, nil: break
        }
        return rows
    }

    /// The whole of a request in one row (zeros when nothing matched).
    static func total(_ r: Request, scope: DivisionScope, on db: any Database) async throws -> Row {
        var r = r
        r.groupBy = nil
        return try await run(r, scope: scope, on: db).first
            ?? Row(
                group: "all", label: "all", received: 0, closed: 0, resolved: 0, answered: 0, onTime: 0, overdueOpen: 0, satisfied: 0, followUps: 0,
                batches: 0)
    }
}
