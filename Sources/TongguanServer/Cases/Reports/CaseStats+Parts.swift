import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// The parts `CaseStats.run` joins into its one statement: where each part reads from and
/// the SQL of one part.
extension CaseStats {
    /// Where a part of the figures is read from (see `run`).
    enum Source {
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
    static func family(for r: Request, scope: DivisionScope, childLength: Int) -> CaseTally.Family? {
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
    static func part(
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
}
