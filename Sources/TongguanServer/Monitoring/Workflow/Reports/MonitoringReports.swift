import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The monitoring reports: households (and their present members) per state, category, risk
/// type or lower division as of a day, and the monthly flow of identifications, risk
/// eliminations and warnings. Each is one SQL statement over the same filters the episode
/// and warning lists use (`EpisodeFilter`, `WarningFilter`), so every figure links to the
/// list that shows exactly the households or warnings it counts. Computed when asked, never
/// cached.
enum MonitoringReports {
    enum Grouping: String, CaseIterable, Sendable { case state, category, riskType = "risk_type", division }

    /// The summary's question: as of `date`, in `division` (inside the caller's scope).
    struct SummaryRequest: Sendable {
        var division: DivisionCode
        var date: CivilDate
        var groupBy: Grouping = .state
        /// Restricts the households counted; without it, every state for `state` and the
        /// 监测对象 (phase `monitoring`) for the other groupings.
        var phase: EpisodePhase?

        init(division: DivisionCode, date: CivilDate, groupBy: Grouping = .state, phase: EpisodePhase? = nil) {
            self.division = division; self.date = date; self.groupBy = groupBy; self.phase = phase
        }

        /// The phase the summary counts.
        var effectivePhase: EpisodePhase? { phase ?? (groupBy == .state ? nil : .monitoring) }

        /// The episode list's filter for the households of one row (before its group).
        var filter: EpisodeFilter { EpisodeFilter(phase: effectivePhase, division: division, asOf: date) }
    }

    struct SummaryRow: Sendable, Equatable {
        var group: String
        var label: String
        var households: Int
        var members: Int
        /// The episode list holding exactly these households.
        var link: String
    }

    /// Reads `division`, `date`, `group_by` and `phase`; a division outside the caller's
    /// scope (or unknown) is 404, like every division elsewhere.
    static func summaryRequest(_ req: Request, caller: Caller, today: CivilDate) async throws -> SummaryRequest {
        var q = QueryReader(req)
        let division = q.divisionCode("division")
        let date = q.date("date")
        let groupBy = q.enumeration("group_by", Grouping.self) ?? .state
        let phase = q.enumeration("phase", EpisodePhase.self)
        if groupBy == .division, let division, division.level == .village { q.add("group_by", "村级区划没有下级区划,不能按区划分组") }
        try q.finish()
        let place = try await Self.division(division, caller: caller, on: req.db)
        return SummaryRequest(division: place.code, date: date ?? today, groupBy: groupBy, phase: phase)
    }

    /// The requested division (the scope's root when absent), 404 when unknown or outside.
    static func division(_ code: DivisionCode?, caller: Caller, on db: any Database) async throws -> Division {
        guard let division = try await Division.find((code ?? caller.scope.root).rawValue, in: caller.scope, on: db) else {
            throw Refusal.notFound
        }
        return division
    }

    /// `column LIKE prefix%`, and for a county or lower also as a range of village codes (all
    /// 12 digits), which an index can read (SQLite's `LIKE` cannot).
    static func within(_ column: SQLQueryString, _ prefix: String) -> SQLQueryString {
        var sql: SQLQueryString = " AND \(column) LIKE \(bind: prefix + "%")"
        if prefix.count >= 6, prefix.count < 12 {
            sql += " AND \(column) BETWEEN \(bind: prefix) AND \(bind: prefix + String(repeating: "9", count: 12 - prefix.count))"
        }
        return sql
    }

    /// `FROM … WHERE …` over the reports' spans (`p`, `MonitoringSpans`) in force on the
    /// filter's day (today without one): one row per household, in the state it was in that
    /// day, with its present members that day. The same households `filter` lists.
    static func spans(_ filter: EpisodeFilter, scope: DivisionScope, today: CivilDate) -> SQLQueryString {
        assert(filter.channel == nil && filter.household == nil && filter.identifiedFrom == nil && filter.identifiedTo == nil)
        assert(filter.eliminatedFrom == nil && filter.eliminatedTo == nil)
        let d = (filter.asOf ?? today).description
        var sql: SQLQueryString = "FROM monitoring_spans p WHERE p.start_on <= \(bind: d) AND p.end_on > \(bind: d)"
        sql += within("p.division_code", scope.prefix)
        if let division = filter.division { sql += within("p.division_code", division.significantPrefix) }
        if let state = filter.state { sql += " AND p.state = \(bind: state.rawValue)" }
        if let phase = filter.phase { sql += " AND p.state IN (\(binds: phase.states.map(\.rawValue)))" }
        if let category = filter.category { sql += " AND p.category = \(bind: category.rawValue) AND p.identified_on <= \(bind: d)" }
        if let riskType = filter.riskType {
            sql += " AND (',' || p.risk_types || ',') LIKE \(bind: "%," + riskType.rawValue + ",%") AND p.identified_on <= \(bind: d)"
        }
        if let hasMeasure = filter.hasMeasure {
            sql += hasMeasure ? " AND p.first_measure_on <= \(bind: d)" : " AND (p.first_measure_on IS NULL OR p.first_measure_on > \(bind: d))"
        }
        return sql
    }

    /// Households and present members per value of `keys` (one row per combination), over
    /// the households `filter` lists as of its day; `extra` narrows further.
    static func aggregate(
        _ filter: EpisodeFilter, keys: [SQLQueryString], extra: SQLQueryString = "", scope: DivisionScope, today: CivilDate,
        on db: any Database
    ) async throws -> [(keys: [String], households: Int, members: Int)] {
        var query: SQLQueryString = "SELECT "
        for (i, key) in keys.enumerated() { query += key + " AS \(ident: "k\(i)"), " }
        query += "COUNT(*) AS hh, CAST(COALESCE(SUM(p.members), 0) AS BIGINT) AS mm " + spans(filter, scope: scope, today: today) + extra
        if !keys.isEmpty {
            query += " GROUP BY " + keys.indices.map { "\(ident: "k\($0)")" as SQLQueryString }.joined(separator: ", ")
        }
        var out: [(keys: [String], households: Int, members: Int)] = []
        for row in try await db.sql.raw(query).all() {
            var values: [String] = []
            for i in keys.indices {
                values.append(try row.decodeNil(column: "k\(i)") ? "" : try row.decode(column: "k\(i)", as: String.self))
            }
            out.append((values, Int(try row.decode(column: "hh", as: Int64.self)), Int(try row.decode(column: "mm", as: Int64.self))))
        }
        return out
    }

    /// The next level below a division: how many leading digits of a village code name the
    /// child, and the child's code from those digits.
    static func childDigits(of division: DivisionCode) -> Int? {
        switch division.level {
        case .province: 4
        case .city: 6
        case .county: 9
        case .township: 12
        case .village: nil
        }
    }

    static func childCode(_ digits: String) -> String { digits.count == 4 ? digits + "00" : digits }

    static func summary(_ r: SummaryRequest, scope: DivisionScope, today: CivilDate, on db: any Database) async throws -> [SummaryRow] {
        let base = r.filter
        func link(_ adjust: (inout EpisodeFilter) -> Void) -> String {
            var f = base
            adjust(&f)
            return "/monitoring/episodes" + f.queryString()
        }
        let identifiedBy: SQLQueryString = " AND p.identified_on <= \(bind: r.date.description)"
        switch r.groupBy {
        case .state:
            return stateRows(r, try await aggregate(base, keys: ["p.state"], scope: scope, today: today, on: db))
        case .category:
            let rows = try await aggregate(base, keys: ["p.category"], extra: identifiedBy, scope: scope, today: today, on: db)
            return MonitoringCategory.allCases.map { category in
                let row = rows.first { $0.keys[0] == category.rawValue }
                return SummaryRow(
                    group: category.rawValue, label: category.label, households: row?.households ?? 0, members: row?.members ?? 0,
                    link: link { $0.category = category })
            }
        case .riskType:
            // Grouped by the stored set of types (a few dozen combinations); a household with
            // two types counts under each.
            let rows = try await aggregate(base, keys: ["p.risk_types"], extra: identifiedBy, scope: scope, today: today, on: db)
            return MonitoringRiskType.allCases.map { type in
                let matching = rows.filter { $0.keys[0].split(separator: ",").contains { $0 == type.rawValue } }
                return SummaryRow(
                    group: type.rawValue, label: type.label, households: matching.reduce(0) { $0 + $1.households },
                    members: matching.reduce(0) { $0 + $1.members }, link: link { $0.riskType = type })
            }
        case .division:
            guard let digits = childDigits(of: r.division) else { return [] }
            let rows = try await aggregate(base, keys: ["SUBSTR(p.division_code, 1, \(literal: digits))"], scope: scope, today: today, on: db)
            let children = try await Division.scoped(scope, on: db).filter(\.$parentCode == r.division.rawValue).sort(\.$id).limit(1000).all()
            var codes = children.compactMap(\.id)
            for row in rows where !codes.contains(childCode(row.keys[0])) { codes.append(childCode(row.keys[0])) }
            let names = try await Division.names(of: Set(codes), on: db)
            return codes.sorted().map { code in
                let row = rows.first { childCode($0.keys[0]) == code }
                return SummaryRow(
                    group: code, label: names[code] ?? code, households: row?.households ?? 0, members: row?.members ?? 0,
                    link: link { $0.division = DivisionCode(code) })
            }
        }
    }

    /// The summary's rows by state from counts whose first key is the state (summed over
    /// the other keys).
    static func stateRows(_ r: SummaryRequest, _ rows: [(keys: [String], households: Int, members: Int)]) -> [SummaryRow] {
        (r.effectivePhase?.states ?? EpisodeState.allCases).map { state in
            let matching = rows.filter { $0.keys[0] == state.rawValue }
            var f = r.filter
            f.state = state
            f.phase = nil
            return SummaryRow(
                group: state.rawValue, label: state.label, households: matching.reduce(0) { $0 + $1.households },
                members: matching.reduce(0) { $0 + $1.members }, link: "/monitoring/episodes" + f.queryString())
        }
    }

    /// The dashboard's figures as of the day: the state funnel (the summary by state), the
    /// 监测对象 with a measure, and 监测对象 per lower division and category, each with the
    /// list behind it. PostgreSQL reads them in one statement grouped by state, lower division,
    /// category and whether a measure had started (one scan of the spans in force, hashed);
    /// SQLite groups by sorting, and sorting every span in force on four keys costs about
    /// twice as much as two statements: the spans by state, and the 监测对象's spans by lower
    /// division, category and measure.
    static func dashboard(
        _ r: SummaryRequest, scope: DivisionScope, today: CivilDate, on db: any Database
    ) async throws -> (
        byState: [SummaryRow], covered: Int, byDivision: [(division: String, category: MonitoringCategory, households: Int, link: String)]
    ) {
        var all = r
        all.groupBy = .state
        all.phase = nil
        let digits = childDigits(of: r.division)
        let child: SQLQueryString = digits.map { "SUBSTR(p.division_code, 1, \(literal: $0))" } ?? "p.division_code"
        let covered: SQLQueryString = "CASE WHEN p.first_measure_on <= \(bind: r.date.description) THEN 'y' ELSE 'n' END"
        let states: [(keys: [String], households: Int, members: Int)]
        /// 监测对象 by lower division, category and measure ("y"/"n").
        let monitored: [(keys: [String], households: Int, members: Int)]
        if db.sql.isSQLite {
            states = try await aggregate(all.filter, keys: ["p.state"], scope: scope, today: today, on: db)
            var monitoring = all.filter
            monitoring.phase = .monitoring
            monitored = try await aggregate(monitoring, keys: [child, "p.category", covered], scope: scope, today: today, on: db)
        } else {
            states = try await aggregate(all.filter, keys: ["p.state", child, "p.category", covered], scope: scope, today: today, on: db)
            let phase = Set(EpisodePhase.monitoring.states.map(\.rawValue))
            monitored = states.filter { phase.contains($0.keys[0]) }.map { (Array($0.keys.dropFirst()), $0.households, $0.members) }
        }
        var byDivision: [(division: String, category: MonitoringCategory, households: Int, link: String)] = []
        if digits != nil {
            var base = r.filter
            base.phase = .monitoring
            for (key, group) in Dictionary(grouping: monitored, by: { [childCode($0.keys[0]), $0.keys[1]] }).sorted(by: {
                $0.key.lexicographicallyPrecedes($1.key)
            }) {
                guard let category = MonitoringCategory(rawValue: key[1]) else { continue }
                var f = base
                f.division = DivisionCode(key[0])
                f.category = category
                byDivision.append((key[0], category, group.reduce(0) { $0 + $1.households }, "/monitoring/episodes" + f.queryString()))
            }
        }
        return (stateRows(all, states), monitored.filter { $0.keys[2] == "y" }.reduce(0) { $0 + $1.households }, byDivision)
    }

    // MARK: flow

    struct FlowRequest: Sendable {
        var from: CivilDate
        var to: CivilDate
        var division: DivisionCode
    }

    /// One calendar month of the flow (cut to the requested range at both ends).
    struct FlowRow: Sendable, Equatable {
        var month: String
        var from: CivilDate
        var to: CivilDate
        var identified = 0
        var eliminated = 0
        var warningsRaised = 0
        var warningsResolved = 0

        func episodeFilter(_ division: DivisionCode, eliminated: Bool) -> EpisodeFilter {
            var f = EpisodeFilter(division: division)
            if eliminated { (f.eliminatedFrom, f.eliminatedTo) = (from, to) } else { (f.identifiedFrom, f.identifiedTo) = (from, to) }
            return f
        }

        func warningFilter(_ division: DivisionCode, resolved: Bool) -> WarningFilter {
            var f = WarningFilter()
            f.division = division
            if resolved { (f.resolvedFrom, f.resolvedTo) = (from, to) } else { (f.raisedFrom, f.raisedTo) = (from, to) }
            return f
        }
    }

    static let maxFlowMonths = 120

    /// `from` defaults to the first day of the 11th month before `to`'s (twelve months), `to`
    /// to today.
    static func flowRequest(_ req: Request, caller: Caller, today: CivilDate) async throws -> FlowRequest {
        var q = QueryReader(req)
        let (from, to) = q.dateRange()
        let division = q.divisionCode("division")
        let end = to ?? today
        let start = from ?? end.firstOfMonth.adding(months: -11)
        if from != nil, to == nil, end < start { q.add("from", "起始日期不能晚于截止日期(默认为今天)") }
        if start.firstOfMonth.adding(months: maxFlowMonths) <= end { q.add("from", "统计期间最长\(maxFlowMonths)个月") }
        try q.finish()
        let place = try await Self.division(division, caller: caller, on: req.db)
        return FlowRequest(from: start, to: end, division: place.code)
    }

    static func flow(_ r: FlowRequest, scope: DivisionScope, today: CivilDate, on db: any Database) async throws -> [FlowRow] {
        try await flow(r, counting: nil, scope: scope, on: db).rows
    }

    /// The flow, and in the same statement how many warnings `open` lists (the dashboard's).
    static func flow(
        _ r: FlowRequest, counting open: WarningFilter?, scope: DivisionScope, on db: any Database
    ) async throws -> (rows: [FlowRow], open: Int) {
        var openCount = 0
        var rows: [FlowRow] = []
        var month = r.from.firstOfMonth
        while month <= r.to {
            let last = month.adding(months: 1).adding(days: -1)
            rows.append(FlowRow(month: String(month.description.prefix(7)), from: max(month, r.from), to: min(last, r.to)))
            month = month.adding(months: 1)
        }
        var raised = WarningFilter()
        raised.division = r.division
        (raised.raisedFrom, raised.raisedTo) = (r.from, r.to)
        var resolved = WarningFilter()
        resolved.division = r.division
        (resolved.resolvedFrom, resolved.resolvedTo) = (r.from, r.to)
        let warnings: SQLQueryString = " FROM early_warnings w WHERE "
        // An episode is approved once and eliminated once: the step's first span says when.
        func steps(_ kind: EpisodeStepKind) -> SQLQueryString {
            "FROM monitoring_spans p WHERE p.step = \(bind: kind.rawValue) AND p.start_on >= \(bind: r.from.description)"
                + " AND p.start_on <= \(bind: r.to.description)" + within("p.division_code", scope.prefix)
                + within("p.division_code", r.division.significantPrefix) + " GROUP BY SUBSTR(p.start_on, 1, 7)"
        }
        var query: SQLQueryString =
            "SELECT 'i' AS k, SUBSTR(p.start_on, 1, 7) AS mo, COUNT(*) AS n " + steps(.approve)
            + " UNION ALL SELECT 'e' AS k, SUBSTR(p.start_on, 1, 7) AS mo, COUNT(*) AS n " + steps(.eliminate)
            + " UNION ALL SELECT 'r' AS k, SUBSTR(w.raised_on, 1, 7) AS mo, COUNT(*) AS n" + warnings + raised.condition(scope: scope)
            + " GROUP BY SUBSTR(w.raised_on, 1, 7)"
            + " UNION ALL SELECT 's' AS k, SUBSTR(w.closed_on, 1, 7) AS mo, COUNT(*) AS n" + warnings + resolved.condition(scope: scope)
            + " GROUP BY SUBSTR(w.closed_on, 1, 7)"
        if let open {
            query += " UNION ALL SELECT 'o' AS k, '' AS mo, COUNT(*) AS n" + warnings + open.condition(scope: scope)
        }
        struct Cell: Decodable { var k: String; var mo: String; var n: Int64 }
        try await db.sql.tuneSQLiteCache(kibibytes: 65536)
        for cell in try await db.sql.raw(query).all(decoding: Cell.self) {
            if cell.k == "o" { openCount = Int(cell.n) }
            guard let i = rows.firstIndex(where: { $0.month == cell.mo }) else { continue }
            switch cell.k {
            case "i": rows[i].identified = Int(cell.n)
            case "e": rows[i].eliminated = Int(cell.n)
            case "r": rows[i].warningsRaised = Int(cell.n)
            default: rows[i].warningsResolved = Int(cell.n)
            }
        }
        return (rows, openCount)
    }
}
