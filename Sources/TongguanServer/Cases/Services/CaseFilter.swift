import Fluent
import FluentSQL
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The case list's filters, shared by the API, the pages and the supervision lists.
struct CaseFilter: Sendable {
    /// `owner_leader=`: one leader, or every leader-owned case.
    enum Owner: Sendable, Equatable {
        case any
        case leader(UUID)
    }

    var source: CaseSource?
    var state: CaseState?
    var kind: CaseKind?
    var division: DivisionCode?
    var unit: UUID?
    var owner: Owner?
    var backlog: Bool?
    var flagged: Bool?
    var overdueOn: CivilDate?
    var dueWithin: Int?
    var q: String?
    /// Received between (by the original received date when `backlog` is true, as the
    /// statistics count).
    var from: CivilDate?
    var to: CivilDate?
    /// The cases behind one statistics figure (see `CaseStats.Measure`).
    var measure: CaseStats.Measure?
    var handedDownBy: String?
    /// Open cases only (the unit's and the leader's lists).
    var openOnly = false
    /// Cases of units whose division's parent is this division (escalation to the level above).
    var escalatedTo: DivisionCode?

    init() {}

    init(from req: Request) throws {
        var query = QueryReader(req)
        source = query.enumeration("source", CaseSource.self)
        state = query.enumeration("state", CaseState.self)
        if let raw = query.text("kind") {
            kind = CaseKind(label: raw)
            if kind == nil { query.add("kind", "类别应为 " + CaseKind.allCases.map(\.label).joined(separator: "、")) }
        }
        division = query.divisionCode("division")
        unit = query.uuid("unit", label: "承办单位编号")
        if let raw = query.text("owner_leader") {
            if raw == "any" {
                owner = .any
            } else if let id = UUID(uuidString: raw) {
                owner = .leader(id)
            } else {
                query.add("owner_leader", "应为领导编号或 any")
            }
        }
        backlog = query.bool("backlog")
        flagged = query.bool("flagged")
        overdueOn = query.date("overdue_on")
        if let raw = query.text("due_within") {
            if let n = Int(raw), (0...250).contains(n) { dueWithin = n } else { query.add("due_within", "应为0到250之间的整数(工作日)") }
        }
        q = query.text("q")
        (from, to) = query.dateRange()
        measure = query.enumeration("measure", CaseStats.Measure.self)
        handedDownBy = query.text("handed_down_by")
        try query.finish()
    }

    /// True when the list is ordered by due date (the supervision lists).
    var byDeadline: Bool { overdueOn != nil || dueWithin != nil || escalatedTo != nil }

    /// Narrows a case query; `today` and `calendar` resolve `due_within` (working days).
    func apply(to query: QueryBuilder<CaseRecord>, today: CivilDate, calendar: WorkingCalendar) -> QueryBuilder<CaseRecord> {
        var query = query
        if let source { query = query.filter(\.$source == source.rawValue) }
        if let state { query = query.filter(\.$state == state.rawValue) }
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        if let division { query = query.filter(\.$divisionCode =~ division.significantPrefix) }
        if let unit { query = query.filter(\.$unitID == unit) }
        switch owner {
        case .any: query = query.filter(\.$ownerLeaderID != nil)
        case .leader(let id): query = query.filter(\.$ownerLeaderID == id)
        case nil: break
        }
        if let backlog { query = query.filter(\.$backlog == backlog) }
        if let flagged { query = query.filter(\.$flagged == flagged) }
        if let overdueOn { query = query.filter(\.$pendingDue < overdueOn.description) }
        if let dueWithin {
            let end = calendar.addingWorkingDays(dueWithin, after: today).date
            query = query.filter(\.$pendingDue >= today.description).filter(\.$pendingDue <= end.description)
        }
        let dateField = backlog == true ? "count_on" : "received_on"
        if let from { query = query.filter(.sql(embed: "\(ident: CaseRecord.schema).\(ident: dateField) >= \(bind: from.description)")) }
        if let to { query = query.filter(.sql(embed: "\(ident: CaseRecord.schema).\(ident: dateField) <= \(bind: to.description)")) }
        if let condition = measure?.condition(today: today) { query = query.filter(.sql(embed: condition)) }
        if let handedDownBy { query = query.filter(\.$handedDownBy == handedDownBy) }
        if openOnly { query = query.filter(\.$state != CaseState.closed.rawValue) }
        if let escalatedTo {
            query = query.filter(\.$pendingDue < today.description)
            query = query.filter(
                .sql(
                    embed:
                        "\(ident: CaseRecord.schema).\(ident: "unit_division_code") IN (SELECT \(ident: "code") FROM \(ident: "divisions") WHERE \(ident: "parent_code") = \(bind: escalatedTo.rawValue))"
                ))
        }
        if let q {
            query = query.filter(
                .sql(embed: "(\(TextSearch.contains(CaseRecord.schema, "title", q)) OR \(TextSearch.contains(CaseRecord.schema, "number", q)))"))
        }
        return query
    }

    func sorted(_ query: QueryBuilder<CaseRecord>) -> QueryBuilder<CaseRecord> {
        byDeadline
            ? query.sort(\.$pendingDue).sort(\.$number)
            : query.sort(\.$receivedOn, .descending).sort(\.$number, .descending)
    }

    /// One page of the list, in the list's order: the page's case numbers are cut first
    /// (from an index alone where it holds the order and the filters, as the supervision
    /// lists' `cases_pending_due_number` does), then only those rows are read. Reading the
    /// rows in the same statement made PostgreSQL fetch every skipped row of a deep page
    /// from the table (~21,000 for the overdue list's last page at 1,000,000 cases).
    func page(_ query: QueryBuilder<CaseRecord>, offset: Int, per: Int, on db: any Database) async throws -> [CaseRecord] {
        let numbers = try await sorted(query.copy()).range(offset..<(offset + per)).all(\.$number)
        guard !numbers.isEmpty else { return [] }
        // The number is unique, so these are the page's rows whatever the filters were.
        let rows = try await CaseRecord.query(on: db).filter(\.$number ~~ numbers).all()
        let position = Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ($1, $0) })
        return rows.sorted { position[$0.number] ?? 0 < position[$1.number] ?? 0 }
    }

    /// The filters as `?k=v&…` (for links and paging).
    func queryString(adding extra: [(String, String)] = []) -> String {
        let owner: String? =
            switch self.owner {
            case .any: "any"
            case .leader(let id): id.uuidString
            case nil: nil
            }
        let items: [(String, String?)] = [
            ("source", source?.rawValue), ("state", state?.rawValue), ("kind", kind?.label), ("division", division?.rawValue),
            ("unit", unit?.uuidString), ("owner_leader", owner), ("backlog", backlog.map { String($0) }),
            ("flagged", flagged.map { String($0) }), ("overdue_on", overdueOn?.description), ("due_within", dueWithin.map(String.init)),
            ("q", q), ("from", from?.description), ("to", to?.description), ("measure", measure?.rawValue), ("handed_down_by", handedDownBy),
        ]
        return QueryString.encode(items.compactMap { k, v in v.map { (k, $0) } } + extra)
    }
}
