import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Where an episode's state is in the workflow, for filters and the reports' default set.
enum EpisodePhase: String, CaseIterable, Sendable {
    /// candidate … township_checked: being identified.
    case identifying
    /// monitored, elimination_proposed, elimination_notice: 监测对象 under assistance.
    case monitoring
    /// not_included, risk_eliminated.
    case closed

    var states: [EpisodeState] {
        switch self {
        case .identifying: [.candidate, .verifying, .publicNotice, .townshipChecked]
        case .monitoring: [.monitored, .eliminationProposed, .eliminationNotice]
        case .closed: [.notIncluded, .riskEliminated]
        }
    }

    var label: String {
        switch self {
        case .identifying: "识别中"
        case .monitoring: "监测帮扶中(含拟消除、消除公示)"
        case .closed: "已结束"
        }
    }
}

/// The episode list's filters, shared by the API, the pages, the reports and 指标's links.
///
/// With `as_of` the list holds each household's episode in force on that day, in the state
/// it had then (read from the steps' spans), exactly the set the summary counts; without it,
/// every episode in its current state.
struct EpisodeFilter: Sendable, Equatable {
    var state: EpisodeState?
    var phase: EpisodePhase?
    var category: MonitoringCategory?
    var riskType: MonitoringRiskType?
    var channel: MonitoringChannel?
    var division: DivisionCode?
    var household: String?
    var asOf: CivilDate?
    /// Has (or lacks) an assistance measure started by `as_of` (or today).
    var hasMeasure: Bool?
    var identifiedFrom: CivilDate?
    var identifiedTo: CivilDate?
    var eliminatedFrom: CivilDate?
    var eliminatedTo: CivilDate?

    init(
        state: EpisodeState? = nil, phase: EpisodePhase? = nil, category: MonitoringCategory? = nil, riskType: MonitoringRiskType? = nil,
        division: DivisionCode? = nil, asOf: CivilDate? = nil
    ) {
        self.state = state; self.phase = phase; self.category = category; self.riskType = riskType; self.division = division
        self.asOf = asOf
    }

    init(from req: Request) throws {
        var query = QueryReader(req)
        state = query.enumeration("state", EpisodeState.self)
        phase = query.enumeration("phase", EpisodePhase.self)
        category = query.enumeration("category", MonitoringCategory.self)
        riskType = query.enumeration("risk_type", MonitoringRiskType.self)
        channel = query.enumeration("channel", MonitoringChannel.self)
        division = query.divisionCode("division")
        household = query.text("household", maxLength: 17)
        asOf = query.date("as_of")
        hasMeasure = query.bool("has_measure")
        (identifiedFrom, identifiedTo) = query.dateRange(from: "identified_from", to: "identified_to")
        (eliminatedFrom, eliminatedTo) = query.dateRange(from: "eliminated_from", to: "eliminated_to")
        try query.finish()
    }

    static let queryParameters: [APIOperation.Parameter] = [
        .init(name: "state", description: "状态", schema: .string(values: EpisodeState.allCases.map(\.rawValue))),
        .init(name: "phase", description: "阶段:识别中、监测帮扶中、已结束", schema: .string(values: EpisodePhase.allCases.map(\.rawValue))),
        .init(name: "category", description: "监测对象类别", schema: .string(values: MonitoringCategory.allCases.map(\.rawValue))),
        .init(name: "risk_type", description: "风险类型", schema: .string(values: MonitoringRiskType.allCases.map(\.rawValue))),
        .init(name: "channel", description: "发起渠道", schema: .string(values: MonitoringChannel.allCases.map(\.rawValue))),
        .init(name: "division", description: "区划代码(含下级)"), .init(name: "household", description: "户码"),
        .init(name: "as_of", description: "截至日期:各户当日所处的监测及其当日状态", schema: .date),
        .init(name: "has_measure", description: "是否已有开始实施的帮扶措施", schema: .boolean),
        .init(name: "identified_from", description: "识别纳入日期起", schema: .date),
        .init(name: "identified_to", description: "识别纳入日期止(含)", schema: .date),
        .init(name: "eliminated_from", description: "风险消除日期起", schema: .date),
        .init(name: "eliminated_to", description: "风险消除日期止(含)", schema: .date),
    ]

    /// The state column in force: the step's on `as_of`, else the episode's now.
    var stateColumn: SQLQueryString { asOf != nil ? "s.to_state" : "e.state" }

    /// `FROM … WHERE …` over `e` (episodes), `h` (households) and, with `as_of`, `s` (the
    /// step in force that day).
    func fromWhere(scope: DivisionScope, today: CivilDate) -> SQLQueryString {
        var sql: SQLQueryString
        if let day = asOf?.description {
            sql = """
                FROM episode_steps s JOIN monitoring_episodes e ON e.id = s.episode_id JOIN households h ON h.id = s.household_id
                WHERE s.next_date > \(bind: day) AND s.date <= \(bind: day) AND h.division_code LIKE \(bind: scope.prefix + "%")
                """
        } else {
            sql = "FROM monitoring_episodes e JOIN households h ON h.id = e.household_id WHERE h.division_code LIKE \(bind: scope.prefix + "%")"
        }
        if let division { sql += " AND h.division_code LIKE \(bind: division.significantPrefix + "%")" }
        if let state { sql += " AND \(stateColumn) = \(bind: state.rawValue)" }
        if let phase { sql += " AND \(stateColumn) IN (\(binds: phase.states.map(\.rawValue)))" }
        let identifiedBy = asOf.map { " AND e.identified_on <= \(bind: $0.description)" as SQLQueryString } ?? ""
        if let category { sql += " AND e.category = \(bind: category.rawValue)" + identifiedBy }
        if let riskType { sql += " AND (',' || e.risk_types || ',') LIKE \(bind: "%," + riskType.rawValue + ",%")" + identifiedBy }
        if let channel { sql += " AND e.channel = \(bind: channel.rawValue)" }
        if let household { sql += " AND h.household_code = \(bind: household)" }
        if let hasMeasure {
            let exists: SQLQueryString =
                "EXISTS (SELECT 1 FROM assistance_measures am WHERE am.episode_id = e.id AND am.start_on <= \(bind: (asOf ?? today).description))"
            sql += hasMeasure ? " AND " + exists : " AND NOT " + exists
        }
        if let identifiedFrom { sql += " AND e.identified_on >= \(bind: identifiedFrom.description)" }
        if let identifiedTo { sql += " AND e.identified_on <= \(bind: identifiedTo.description)" }
        if eliminatedFrom != nil || eliminatedTo != nil { sql += " AND e.state = 'risk_eliminated'" }
        if let eliminatedFrom { sql += " AND e.closed_on >= \(bind: eliminatedFrom.description)" }
        if let eliminatedTo { sql += " AND e.closed_on <= \(bind: eliminatedTo.description)" }
        return sql
    }

    func queryString(adding extra: [(String, String)] = []) -> String {
        let items: [(String, String?)] = [
            ("as_of", asOf?.description), ("state", state?.rawValue), ("phase", phase?.rawValue), ("category", category?.rawValue),
            ("risk_type", riskType?.rawValue), ("channel", channel?.rawValue), ("division", division?.rawValue), ("household", household),
            ("has_measure", hasMeasure.map { $0 ? "true" : "false" }), ("identified_from", identifiedFrom?.description),
            ("identified_to", identifiedTo?.description), ("eliminated_from", eliminatedFrom?.description),
            ("eliminated_to", eliminatedTo?.description),
        ]
        return QueryString.encode(items.compactMap { k, v in v.map { (k, $0) } } + extra)
    }

    struct Row: Sendable {
        var episode: EpisodeRecord
        var householdCode: String
        var divisionCode: String
        /// The state on `as_of` (else the current one).
        var state: EpisodeState
    }

    func run(
        scope: DivisionScope, paging: PageRequest, on db: any Database, today: CivilDate = RegistryFinder.today()
    ) async throws -> (
        rows: [Row], total: Int
    ) {
        let body = fromWhere(scope: scope, today: today)
        struct Count: Decodable { var n: Int }
        let total = try await db.sql.raw("SELECT COUNT(*) AS n " + body).first(decoding: Count.self)?.n ?? 0
        struct IDRow: Decodable { var id: UUID; var household_code: String; var division_code: String; var st: String }
        let ids = try await db.sql.raw(
            "SELECT e.id, h.household_code, h.division_code, \(stateColumn) AS st " + body
                + " ORDER BY e.opened_on DESC, h.household_code LIMIT \(literal: paging.per) OFFSET \(literal: paging.offset)"
        ).all(decoding: IDRow.self)
        let records = Dictionary(
            try await EpisodeRecord.query(on: db).filter(\.$id ~~ ids.map(\.id)).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = ids.compactMap { r in
            records[r.id].map {
                Row(episode: $0, householdCode: r.household_code, divisionCode: r.division_code, state: EpisodeState(rawValue: r.st) ?? .candidate)
            }
        }
        return (rows, total)
    }
}
