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

    /// The members of a household present on the day (born by then and not left before it).
    static func presentMembers(on day: CivilDate) -> SQLQueryString {
        let d = day.description
        return """
            (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.birth_date <= \(bind: d)
            AND (m.left_on IS NULL OR m.left_on >= \(bind: d)))
            """
    }

    /// Households and present members per value of `keys` (one row per combination), over
    /// the households `filter` lists; `extra` narrows further.
    static func aggregate(
        _ filter: EpisodeFilter, keys: [SQLQueryString], extra: SQLQueryString = "", scope: DivisionScope, today: CivilDate,
        on db: any Database
    ) async throws -> [(keys: [String], households: Int, members: Int)] {
        let day = filter.asOf ?? today
        var select: SQLQueryString = "SELECT "
        var names: SQLQueryString = ""
        for (i, key) in keys.enumerated() {
            select += key + " AS \(ident: "k\(i)"), "
            names += "\(ident: "k\(i)"), "
        }
        let inner = select + presentMembers(on: day) + " AS n " + filter.fromWhere(scope: scope, today: today) + extra
        var query: SQLQueryString = "SELECT " + names + "COUNT(*) AS hh, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS mm FROM (" + inner + ") t"
        if !keys.isEmpty {
            query += " GROUP BY " + (0..<keys.count).map { "\(ident: "k\($0)")" as SQLQueryString }.joined(separator: ", ")
        }
        try await db.sql.tuneSQLiteCache(kibibytes: 65536)
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
        let identifiedBy: SQLQueryString = " AND e.identified_on <= \(bind: r.date.description)"
        switch r.groupBy {
        case .state:
            let rows = try await aggregate(base, keys: [base.stateColumn], scope: scope, today: today, on: db)
            let states = r.effectivePhase?.states ?? EpisodeState.allCases
            return states.map { state in
                let row = rows.first { $0.keys[0] == state.rawValue }
                return SummaryRow(
                    group: state.rawValue, label: state.label, households: row?.households ?? 0, members: row?.members ?? 0,
                    link: link {
                        $0.state = state; $0.phase = nil
                    })
            }
        case .category:
            let rows = try await aggregate(base, keys: ["e.category"], extra: identifiedBy, scope: scope, today: today, on: db)
            return MonitoringCategory.allCases.map { category in
                let row = rows.first { $0.keys[0] == category.rawValue }
                return SummaryRow(
                    group: category.rawValue, label: category.label, households: row?.households ?? 0, members: row?.members ?? 0,
                    link: link { $0.category = category })
            }
        case .riskType:
            // Grouped by the stored set of types (a few dozen combinations); a household with
            // two types counts under each.
            let rows = try await aggregate(base, keys: ["e.risk_types"], extra: identifiedBy, scope: scope, today: today, on: db)
            return MonitoringRiskType.allCases.map { type in
                let matching = rows.filter { $0.keys[0].split(separator: ",").contains { $0 == type.rawValue } }
                return SummaryRow(
                    group: type.rawValue, label: type.label, households: matching.reduce(0) { $0 + $1.households },
                    members: matching.reduce(0) { $0 + $1.members }, link: link { $0.riskType = type })
            }
        case .division:
            guard let digits = childDigits(of: r.division) else { return [] }
            let rows = try await aggregate(base, keys: ["SUBSTR(h.division_code, 1, \(literal: digits))"], scope: scope, today: today, on: db)
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

    /// 监测对象 per lower division and category as of the day (the dashboard's chart), with
    /// the list behind each figure.
    static func categoriesByDivision(
        _ r: SummaryRequest, scope: DivisionScope, today: CivilDate, on db: any Database
    ) async throws -> [(division: String, category: MonitoringCategory, households: Int, link: String)] {
        guard let digits = childDigits(of: r.division) else { return [] }
        var request = r
        request.phase = .monitoring
        let base = request.filter
        let rows = try await aggregate(
            base, keys: ["SUBSTR(h.division_code, 1, \(literal: digits))", "e.category"],
            extra: " AND e.identified_on <= \(bind: r.date.description)", scope: scope, today: today, on: db)
        return rows.compactMap { row in
            guard let category = MonitoringCategory(rawValue: row.keys[1]) else { return nil }
            var f = base
            f.division = DivisionCode(childCode(row.keys[0]))
            f.category = category
            return (childCode(row.keys[0]), category, row.households, "/monitoring/episodes" + f.queryString())
        }
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
        var rows: [FlowRow] = []
        var month = r.from.firstOfMonth
        while month <= r.to {
            let last = month.adding(months: 1).adding(days: -1)
            rows.append(FlowRow(month: String(month.description.prefix(7)), from: max(month, r.from), to: min(last, r.to)))
            month = month.adding(months: 1)
        }
        var identified = EpisodeFilter(division: r.division)
        (identified.identifiedFrom, identified.identifiedTo) = (r.from, r.to)
        var eliminated = EpisodeFilter(division: r.division)
        (eliminated.eliminatedFrom, eliminated.eliminatedTo) = (r.from, r.to)
        var raised = WarningFilter()
        raised.division = r.division
        (raised.raisedFrom, raised.raisedTo) = (r.from, r.to)
        var resolved = WarningFilter()
        resolved.division = r.division
        (resolved.resolvedFrom, resolved.resolvedTo) = (r.from, r.to)
        let warnings: SQLQueryString = " FROM early_warnings w JOIN households h ON h.id = w.household_id WHERE "
        let query: SQLQueryString =
            "SELECT 'i' AS k, SUBSTR(e.identified_on, 1, 7) AS mo, COUNT(*) AS n " + identified.fromWhere(scope: scope, today: today)
            + " GROUP BY SUBSTR(e.identified_on, 1, 7)"
            + " UNION ALL SELECT 'e' AS k, SUBSTR(e.closed_on, 1, 7) AS mo, COUNT(*) AS n " + eliminated.fromWhere(scope: scope, today: today)
            + " GROUP BY SUBSTR(e.closed_on, 1, 7)"
            + " UNION ALL SELECT 'r' AS k, SUBSTR(w.raised_on, 1, 7) AS mo, COUNT(*) AS n" + warnings + raised.condition(scope: scope)
            + " GROUP BY SUBSTR(w.raised_on, 1, 7)"
            + " UNION ALL SELECT 's' AS k, SUBSTR(w.closed_on, 1, 7) AS mo, COUNT(*) AS n" + warnings + resolved.condition(scope: scope)
            + " GROUP BY SUBSTR(w.closed_on, 1, 7)"
        struct Cell: Decodable { var k: String; var mo: String; var n: Int64 }
        try await db.sql.tuneSQLiteCache(kibibytes: 65536)
        for cell in try await db.sql.raw(query).all(decoding: Cell.self) {
            guard let i = rows.firstIndex(where: { $0.month == cell.mo }) else { continue }
            switch cell.k {
            case "i": rows[i].identified = Int(cell.n)
            case "e": rows[i].eliminated = Int(cell.n)
            case "r": rows[i].warningsRaised = Int(cell.n)
            default: rows[i].warningsResolved = Int(cell.n)
            }
        }
        return rows
    }
}
