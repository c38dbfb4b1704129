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

    /// Where a part of the figures is read from (see `run`).
    private enum Source {
        /// The case rows of a day range, through the covering stats indexes: the edge days
        /// of a range that are not whole months, or everything no tally can answer.
        case cases(from: CivilDate?, to: CivilDate?)
        /// A tally (`CaseTally`), whole periods (months `YYYY-MM` or years `YYYY`, the
        /// family's) from `first` to `last`.
        case tally(CaseTally.Family, first: String?, last: String?)
        /// The overdue open cases (`pending_due < today`) through their covering index.
        case overdue
        /// The visit batches' presence by day, from `from` to `to` (`YYYY-MM-DD`).
        case batches(from: String?, to: String?)
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

    /// Whole months `first`…`last` (`YYYY-MM`, nil ends open) cut into the whole years they
    /// hold (`YYYY`; nil when none) and the months left at either end.
    static func years(
        in months: (first: String?, last: String?)
    ) -> (years: (first: String?, last: String?)?, months: [(first: String?, last: String?)]) {
        let y1 = months.first.map { m in Int(m.prefix(4))! + (m.hasSuffix("-01") ? 0 : 1) }
        let y2 = months.last.map { m in Int(m.prefix(4))! - (m.hasSuffix("-12") ? 0 : 1) }
        if let y1, let y2, y2 < y1 { return (nil, [months]) }
        var rest: [(first: String?, last: String?)] = []
        if let first = months.first, let y1, first < "\(y1)-01" { rest.append((first, "\(y1 - 1)-12")) }
        if let last = months.last, let y2, last > "\(y2)-12" { rest.append(("\(y2 + 1)-01", last)) }
        return ((y1.map(String.init), y2.map(String.init)), rest)
    }

    /// The tally that holds the request's grouping and filters, nil when none does (kind or
    /// unit below a county). The kinds tally, counted by county, is the smallest for every
    /// grouping it can answer.
    private static func family(for r: Request, scope: DivisionScope, childLength: Int) -> CaseTally.Family? {
        let countyLevel = scope.prefix.count <= 6 && (r.division?.significantPrefix.count ?? 0) <= 6
        switch r.groupBy {
        case .kind: return countyLevel ? CaseTally.kinds : nil
        case .unit: return countyLevel ? CaseTally.units : nil
        case .division: return countyLevel && childLength <= 6 ? CaseTally.kinds : CaseTally.divisions
        case .source, .month, .handedDownBy, nil: return countyLevel ? CaseTally.kinds : CaseTally.divisions
        }
    }

    /// One part of the statement: the group and every measure (0 where this part does not
    /// count it) under the request's filters. The tallies and the batches store "none" as
    /// `CaseTally.none` and no 交办机关 as ''; the case rows as NULL. With `batchPairs`, the
    /// (group, batch) pairs present instead (from the batches or a year tally), ungrouped.
    private static func part(
        _ r: Request, _ source: Source, _ wanted: Set<Measure>, _ childLength: Int, _ scope: DivisionScope, _ today: CivilDate,
        _ bucket: Bucketing?, sqlite: Bool, batchPairs: Bool = false
    ) -> SQLQueryString {
        let dateColumn = r.backlog == true ? "count_on" : "received_on"
        let table: String
        let rowsOfCases: Bool
        let day: SQLQueryString
        let month: SQLQueryString
        var low: String? = r.from?.description
        var high: String? = r.to?.description
        switch source {
        case .cases(let from, let to):
            (table, rowsOfCases) = (CaseRecord.schema, true)
            (low, high) = (from?.description, to?.description)
        case .overdue: (table, rowsOfCases) = (CaseRecord.schema, true)
        case .batches(let from, let to):
            (table, rowsOfCases) = (CaseTally.batches, false)
            (low, high) = (from, to)
        case .tally(let family, let first, let last):
            (table, rowsOfCases) = (family.table, false)
            (low, high) = (first, last)
        }
        if case .tally(let family, _, _) = source {
            // A year tally is read only when neither the rows nor the buckets are by month.
            let column = r.backlog == true ? family.columns.count : family.columns.received
            (day, month) = ("\(ident: column) || '-01'", "\(ident: column)")
        } else {
            (day, month) = ("\(ident: dateColumn)", "SUBSTR(\(ident: dateColumn), 1, 7)")
        }
        let group: SQLQueryString =
            switch r.groupBy {
            case .source: "\(ident: "source")"
            case .division: "SUBSTR(\(ident: "division_code"), 1, \(literal: childLength))"
            case .kind: "\(ident: "kind")"
            case .unit: rowsOfCases ? "COALESCE(\(ident: "unit_id"), \(bind: CaseTally.none))" : "\(ident: "unit_id")"
            case .month: month
            case .handedDownBy: "COALESCE(\(ident: "handed_down_by"), '')"
            case nil: bucket?.expression(day) ?? "'all'"
            }
        var query: SQLQueryString = "SELECT \(group) AS \(ident: "grp")"
        if batchPairs { query += ", \(ident: "station_batch") AS \(ident: "batch")" }
        for m in Measure.allCases where !batchPairs {
            var sum: SQLQueryString = "0"
            if wanted.contains(m) {
                switch source {
                case .cases: if CaseTally.measures.contains(m) { sum = m.sum(today: today) }
                case .tally: if CaseTally.measures.contains(m) { sum = "SUM(\(ident: m.rawValue))" }
                case .overdue: if m == .overdueOpen { sum = "COUNT(*)" }
                case .batches: if m == .batches { sum = "COUNT(DISTINCT \(ident: "station_batch"))" }
                }
            }
            query += ", CAST(\(sum) AS BIGINT) AS \(ident: m.rawValue)"
        }
        query += " FROM \(ident: table)"
        // A range of days or of pending_due: SQLite otherwise may pick an index that yields
        // the groups in order but is not covering (e.g. by source) and read every case row
        // (4 s instead of 20 ms at 1,000,000 cases).
        if sqlite {
            switch source {
            case .cases where low != nil || high != nil:
                query += " INDEXED BY \(ident: r.backlog == true ? "cases_stats_count_on" : "cases_stats_received")"
            case .overdue: query += " INDEXED BY \(ident: "cases_overdue_stats")"
            case .cases, .tally, .batches: break
            }
        }
        query += " WHERE \(ident: "division_code") LIKE \(bind: scope.prefix + "%")"
        if case .tally(let family, _, _) = source {
            let column = r.backlog == true ? family.columns.count : family.columns.received
            if let low { query += " AND \(ident: column) >= \(bind: low)" }
            if let high { query += " AND \(ident: column) <= \(bind: high)" }
        } else {
            if let low { query += " AND \(ident: dateColumn) >= \(bind: low)" }
            if let high { query += " AND \(ident: dateColumn) <= \(bind: high)" }
        }
        if let source = r.source { query += " AND \(ident: "source") = \(bind: source.rawValue)" }
        if let division = r.division { query += " AND \(ident: "division_code") LIKE \(bind: division.significantPrefix + "%")" }
        if let backlog = r.backlog { query += " AND \(ident: "backlog") = \(bind: backlog)" }
        if let by = r.handedDownBy { query += " AND \(ident: "handed_down_by") = \(bind: by)" }
        switch (r.owner, rowsOfCases) {
        case (.any, true): query += " AND \(ident: "owner_leader_id") IS NOT NULL"
        case (.any, false): query += " AND \(ident: "owner_leader_id") <> \(bind: CaseTally.none)"
        case (.leader(let id), _): query += " AND \(ident: "owner_leader_id") = \(bind: id)"
        case (nil, _): break
        }
        switch source {
        case .overdue: query += " AND \(ident: "pending_due") < \(bind: today.description)"
        case .batches: query += " AND \(ident: "cases") > 0"
        case .tally where batchPairs: query += " AND \(ident: "station_batch") <> '' AND \(ident: "received") > 0"
        case .cases, .tally: break
        }
        return batchPairs ? query : query + " GROUP BY \(ident: "grp")"
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

struct CaseStatsRowDTO: Content {
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
    var batches: Int

    init(_ r: CaseStats.Row) {
        group = r.group; label = r.label; received = r.received; closed = r.closed; resolved = r.resolved; answered = r.answered
        onTime = r.onTime; overdueOpen = r.overdueOpen; satisfied = r.satisfied; followUps = r.followUps; batches = r.batches
    }

    static let schema = JSONSchema.object(
        [
            ("group", .string(description: "分组值:来源、区划代码、类别、承办单位编号、月份(YYYY-MM)或 all")), ("label", .string(description: "分组的中文名")),
            ("received", .integer(description: "登记件数")), ("closed", .integer(description: "办结件数")),
            ("resolved", .integer(description: "化解件数(不同于办结)")),
            ("answered", .integer(description: "已答复件数(按期答复率的分母)")), ("on_time", .integer(description: "按期答复件数")),
            ("overdue_open", .integer(description: "逾期未办件数")), ("satisfied", .integer(description: "满意和基本满意件数")),
            ("follow_ups", .integer(description: "已回访件数")),
            ("batches", .integer(description: "联络站接待批次数")),
        ],
        required: ["group", "label", "received", "closed", "resolved", "answered", "on_time", "overdue_open", "satisfied", "follow_ups", "batches"])
}

struct CaseStatsDTO: Content {
    var rows: [CaseStatsRowDTO]
}
