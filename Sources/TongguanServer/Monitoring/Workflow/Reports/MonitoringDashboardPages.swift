import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 监测 dashboard per scope, as of a day: the figures of `MonitoringReports` (state
/// funnel, twelve months of flow, 监测对象 by category per lower division, measure coverage)
/// drawn as server-side SVG with the platform's `BarChart`, every figure and bar linking to
/// the episode or warning list that shows exactly what it counts; and the same figures as a
/// printable A4 county report.
struct MonitoringDashboardPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("monitoring", "dashboard", use: dashboard)
        routes.get("monitoring", "dashboard", "print", use: printable)
    }

    struct Figure: Encodable, Sendable {
        var id: String
        var label: String
        var value: String
        var href: String
        var note: String?
    }

    struct Chart: Encodable, Sendable {
        var title: String
        var svg: String
    }

    struct Cell: Encodable, Sendable {
        var value: String
        var href: String?
    }

    struct Table: Encodable, Sendable {
        var id: String
        var title: String
        var head: [String]
        var rows: [[Cell]]
    }

    struct Body: Encodable, Sendable {
        var division: String
        var divisionName: String
        var date: String
        var from: String
        var figures: [Figure]
        var charts: [Chart]
        var tables: [Table]
        var printHref: String
        var dashboardHref: String
    }

    func dashboard(req: Request) async throws -> Response {
        let body = try await Self.body(req)
        return try await req.page("monitoring/dashboard", title: "监测统计", active: "/monitoring", body)
    }

    func printable(req: Request) async throws -> Response {
        let body = try await Self.body(req)
        return try await req.page("monitoring/dashboard-print", title: "防返贫动态监测统计表", active: "/monitoring", body)
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    static func body(_ req: Request) async throws -> Body {
        let caller = try req.caller
        let today = RegistryFinder.today()
        var q = QueryReader(req)
        let code = q.divisionCode("division")
        let date = q.date("date") ?? today
        try q.finish()
        let division = try await MonitoringReports.division(code, caller: caller, on: req.db)
        let place = division.code
        let scope = caller.scope, db = req.db

        // As of the day: every state (the funnel), and the 监测对象 with a measure started.
        let states = MonitoringReports.SummaryRequest(division: place, date: date, groupBy: .state)
        let counts = try await MonitoringReports.dashboard(states, scope: scope, today: today, on: db)
        let byState = counts.byState, coverage = counts.covered
        func phase(_ p: EpisodePhase) -> (households: Int, members: Int) {
            byState.filter { row in p.states.contains { $0.rawValue == row.group } }.reduce((0, 0)) { ($0.0 + $1.households, $0.1 + $1.members) }
        }
        let monitoring = phase(.monitoring), identifying = phase(.identifying)
        let eliminated = byState.first { $0.group == EpisodeState.riskEliminated.rawValue }
        let monitored = EpisodeFilter(phase: .monitoring, division: place, asOf: date)
        var covered = monitored
        covered.hasMeasure = true
        var uncovered = monitored
        uncovered.hasMeasure = false
        func episodes(_ f: EpisodeFilter) -> String { "/monitoring/episodes" + f.queryString() }

        // Twelve months of flow up to the day.
        let flowRequest = MonitoringReports.FlowRequest(from: date.firstOfMonth.adding(months: -11), to: date, division: place)
        var open = WarningFilter()
        open.division = place
        open.status = .open
        let (flow, openWarnings) = try await MonitoringReports.flow(flowRequest, counting: open, scope: scope, on: db)
        let whole = MonitoringReports.FlowRow(month: "", from: flowRequest.from, to: flowRequest.to)
        func warnings(_ f: WarningFilter) -> String { "/monitoring/warnings" + f.queryString() }

        let sum = { (k: KeyPath<MonitoringReports.FlowRow, Int>) in flow.reduce(0) { $0 + $1[keyPath: k] } }
        let period = "\(flowRequest.from) 至 \(date)"
        let figures = [
            Figure(
                id: "fig-monitored", label: "监测对象", value: "\(monitoring.households)户", href: episodes(monitored),
                note: "\(monitoring.members)人;含拟消除风险、消除公示中的农户"),
            Figure(
                id: "fig-coverage", label: "帮扶措施覆盖", value: "\(coverage)户", href: episodes(covered),
                note: "已开始至少一项帮扶措施的监测对象,占\(percent(coverage, of: monitoring.households))"),
            Figure(id: "fig-uncovered", label: "尚无帮扶措施", value: "\(monitoring.households - coverage)户", href: episodes(uncovered)),
            Figure(
                id: "fig-identifying", label: "识别中", value: "\(identifying.households)户",
                href: episodes(EpisodeFilter(phase: .identifying, division: place, asOf: date)), note: "\(identifying.members)人"),
            Figure(
                id: "fig-eliminated", label: "风险已消除", value: "\(eliminated?.households ?? 0)户",
                href: eliminated?.link ?? episodes(EpisodeFilter(state: .riskEliminated, division: place, asOf: date)),
                note: "截至当日最近一次监测已消除风险的农户"),
            Figure(
                id: "fig-identified-12", label: "识别纳入", value: "\(sum(\.identified))户",
                href: episodes(whole.episodeFilter(place, eliminated: false)), note: period),
            Figure(
                id: "fig-eliminated-12", label: "风险消除", value: "\(sum(\.eliminated))户", href: episodes(whole.episodeFilter(place, eliminated: true)),
                note: period),
            Figure(
                id: "fig-raised-12", label: "发出预警", value: "\(sum(\.warningsRaised))条", href: warnings(whole.warningFilter(place, resolved: false)),
                note: period),
            Figure(
                id: "fig-resolved-12", label: "解除预警", value: "\(sum(\.warningsResolved))条",
                href: warnings(whole.warningFilter(place, resolved: true)), note: period),
            Figure(id: "fig-open-warnings", label: "未解除预警", value: "\(openWarnings)条", href: warnings(open), note: "当前"),
        ]

        // 监测对象 by category per lower division.
        var byDivision: [(division: String, category: MonitoringCategory, households: Int, link: String)] = []
        var children: [Division] = []
        if MonitoringReports.childDigits(of: place) != nil {
            byDivision = counts.byDivision
            children = try await Division.scoped(scope, on: db).filter(\.$parentCode == place.rawValue).sort(\.$id).limit(1000).all()
        }
        var childCodes = children.compactMap(\.id)
        for row in byDivision where !childCodes.contains(row.division) { childCodes.append(row.division) }
        childCodes.sort()
        let names = try await Division.names(of: Set(childCodes), on: db)

        var charts: [Chart] = []
        func chart(_ title: String, _ bars: [BarChart.Bar], _ barClass: String = "bar") {
            charts.append(Chart(title: title, svg: BarChart(title: title, bars: bars, barClass: barClass).svg()))
        }
        chart(
            "各状态农户数(截至\(date))",
            byState.map { .init(label: $0.label, value: Int64($0.households), valueText: "\($0.households)户", href: $0.link) })
        let flowCharts: [(String, KeyPath<MonitoringReports.FlowRow, Int>, String, (MonitoringReports.FlowRow) -> String)] = [
            ("逐月识别纳入户数", \.identified, "户", { episodes($0.episodeFilter(place, eliminated: false)) }),
            ("逐月风险消除户数", \.eliminated, "户", { episodes($0.episodeFilter(place, eliminated: true)) }),
            ("逐月发出预警数", \.warningsRaised, "条", { warnings($0.warningFilter(place, resolved: false)) }),
            ("逐月解除预警数", \.warningsResolved, "条", { warnings($0.warningFilter(place, resolved: true)) }),
        ]
        for (i, (title, key, unit, link)) in flowCharts.enumerated() {
            chart(
                title,
                flow.map { .init(label: $0.month, value: Int64($0[keyPath: key]), valueText: "\($0[keyPath: key])\(unit)", href: link($0)) },
                ["bar", "bar-2", "bar-3", "bar"][i])
        }
        for (i, category) in MonitoringCategory.allCases.enumerated() {
            chart(
                "\(category.label):各下级区划监测对象户数",
                childCodes.map { code in
                    let row = byDivision.first { $0.division == code && $0.category == category }
                    var f = monitored
                    f.division = DivisionCode(code)
                    f.category = category
                    let n = row?.households ?? 0
                    return .init(label: names[code] ?? code, value: Int64(n), valueText: "\(n)户", href: row?.link ?? episodes(f))
                }, ["bar", "bar-2", "bar-3"][i % 3])
        }
        chart(
            "帮扶措施覆盖(监测对象)",
            [
                .init(label: "已有措施", value: Int64(coverage), valueText: "\(coverage)户", href: episodes(covered)),
                .init(
                    label: "尚无措施", value: Int64(monitoring.households - coverage), valueText: "\(monitoring.households - coverage)户",
                    href: episodes(uncovered)),
            ], "bar-3")

        // The same figures as tables (the printable report).
        let stateTable = Table(
            id: "table-states", title: "各状态农户数(截至\(date))", head: ["状态", "户数", "人数"],
            rows: byState.map { [Cell(value: $0.label), Cell(value: "\($0.households)", href: $0.link), Cell(value: "\($0.members)")] })
        let flowTable = Table(
            id: "table-flow", title: "逐月流量(\(period))", head: ["月份", "识别纳入", "风险消除", "发出预警", "解除预警"],
            rows: flow.map { row in
                [Cell(value: row.month)]
                    + flowCharts.map { Cell(value: "\(row[keyPath: $0.1])", href: $0.3(row)) }
            })
        let categoryTable = Table(
            id: "table-categories", title: "各下级区划监测对象户数(按类别)", head: ["区划"] + MonitoringCategory.allCases.map(\.label),
            rows: childCodes.map { code in
                [Cell(value: names[code] ?? code)]
                    + MonitoringCategory.allCases.map { category in
                        let row = byDivision.first { $0.division == code && $0.category == category }
                        var f = monitored
                        f.division = DivisionCode(code)
                        f.category = category
                        return Cell(value: "\(row?.households ?? 0)", href: row?.link ?? episodes(f))
                    }
            })
        let query = QueryString.encode([("division", place.rawValue), ("date", date.description)])
        return Body(
            division: place.rawValue, divisionName: division.name, date: date.description, from: flowRequest.from.description,
            figures: figures, charts: charts, tables: [stateTable, flowTable, categoryTable],
            printHref: "/monitoring/dashboard/print" + query, dashboardHref: "/monitoring/dashboard" + query)
    }
}
