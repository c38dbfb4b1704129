import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The warning list's filters, shared by the API, the page and the dashboard's links.
struct WarningFilter: Sendable {
    var rule: EarlyWarningRule?
    var status: WarningStatus?
    var division: DivisionCode?
    var assessedOn: CivilDate?
    var household: String?
    /// Raised within (the dashboard's monthly flow).
    var raisedFrom: CivilDate?
    var raisedTo: CivilDate?
    /// Resolved (by a person or automatically) within.
    var resolvedFrom: CivilDate?
    var resolvedTo: CivilDate?

    init() {}

    init(from req: Request) throws {
        var query = QueryReader(req)
        rule = query.enumeration("rule", EarlyWarningRule.self)
        status = query.enumeration("status", WarningStatus.self)
        division = query.divisionCode("division")
        assessedOn = query.date("assessed_on")
        household = query.text("household", maxLength: 17)
        (raisedFrom, raisedTo) = query.dateRange(from: "raised_from", to: "raised_to")
        (resolvedFrom, resolvedTo) = query.dateRange(from: "resolved_from", to: "resolved_to")
        try query.finish()
    }

    static let queryParameters: [APIOperation.Parameter] = [
        .init(name: "rule", description: "规则", schema: .string(values: EarlyWarningRule.allCases.map(\.rawValue))),
        .init(name: "status", description: "状态", schema: .string(values: WarningStatus.allCases.map(\.rawValue))),
        .init(name: "division", description: "区划代码(含下级)"), .init(name: "assessed_on", description: "评估日期", schema: .date),
        .init(name: "household", description: "户码"), .init(name: "raised_from", description: "预警日期起", schema: .date),
        .init(name: "raised_to", description: "预警日期止(含)", schema: .date),
        .init(name: "resolved_from", description: "解除日期起", schema: .date),
        .init(name: "resolved_to", description: "解除日期止(含)", schema: .date),
    ]

    /// The condition on `early_warnings w` alone (the village is the warning's own copy of its
    /// household's), so counts need no join.
    func condition(scope: DivisionScope) -> SQLQueryString {
        var sql: SQLQueryString = "w.division_code IS NOT NULL" + MonitoringReports.within("w.division_code", scope.prefix)
        if let division { sql += MonitoringReports.within("w.division_code", division.significantPrefix) }
        if let rule { sql += " AND w.rule = \(bind: rule.rawValue)" }
        if let status { sql += " AND w.status = \(bind: status.rawValue)" }
        if let assessedOn { sql += " AND w.assessed_on = \(bind: assessedOn.description)" }
        if let household { sql += " AND w.household_id IN (SELECT id FROM households WHERE household_code = \(bind: household))" }
        if let raisedFrom { sql += " AND w.raised_on >= \(bind: raisedFrom.description)" }
        if let raisedTo { sql += " AND w.raised_on <= \(bind: raisedTo.description)" }
        if resolvedFrom != nil || resolvedTo != nil { sql += " AND w.status = 'resolved'" }
        if let resolvedFrom { sql += " AND w.closed_on >= \(bind: resolvedFrom.description)" }
        if let resolvedTo { sql += " AND w.closed_on <= \(bind: resolvedTo.description)" }
        return sql
    }

    func queryString(adding extra: [(String, String)] = []) -> String {
        let items: [(String, String?)] = [
            ("rule", rule?.rawValue), ("status", status?.rawValue), ("division", division?.rawValue), ("assessed_on", assessedOn?.description),
            ("household", household), ("raised_from", raisedFrom?.description), ("raised_to", raisedTo?.description),
            ("resolved_from", resolvedFrom?.description), ("resolved_to", resolvedTo?.description),
        ]
        return QueryString.encode(items.compactMap { k, v in v.map { (k, $0) } } + extra)
    }

    struct Row: Sendable {
        var warning: WarningRecord
        var householdCode: String
        var divisionCode: String
    }

    func run(scope: DivisionScope, paging: PageRequest, on db: any Database) async throws -> (rows: [Row], total: Int) {
        let condition = condition(scope: scope)
        struct Count: Decodable { var n: Int }
        let total =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM early_warnings w WHERE \(condition)")
            .first(decoding: Count.self)?.n ?? 0
        struct IDRow: Decodable { var id: UUID; var household_code: String; var division_code: String }
        let ids = try await db.sql.raw(
            """
            SELECT w.id, h.household_code, h.division_code FROM early_warnings w JOIN households h ON h.id = w.household_id
            WHERE \(condition) ORDER BY w.raised_on DESC, w.assessed_on DESC, h.household_code, w.rule
            LIMIT \(literal: paging.per) OFFSET \(literal: paging.offset)
            """
        ).all(decoding: IDRow.self)
        let records = Dictionary(
            try await WarningRecord.query(on: db).filter(\.$id ~~ ids.map(\.id)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return (ids.compactMap { r in records[r.id].map { Row(warning: $0, householdCode: r.household_code, divisionCode: r.division_code) } }, total)
    }
}
