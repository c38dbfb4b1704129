import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 诉求 dashboard (per scope, for a date range): figures linking to their lists, SVG
/// charts by source, division and month, the article's three sentences computed from the
/// records, and a flag for calendar years not loaded. And the public page (no sign-in):
/// monthly aggregates by county, never a case's text or a person.
struct CaseDashboardPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("cases", "dashboard", use: dashboard)
    }

    struct Figure: Encodable, Sendable {
        var label: String
        var value: String
        var href: String?
        var id: String
        var note: String?
    }

    struct Sentence: Encodable, Sendable {
        var text: String
        var href: String
        var id: String
    }

    struct DashboardBody: Encodable, Sendable {
        var from: String
        var to: String
        var figures: [Figure]
        var sentences: [Sentence]
        var charts: [String]
        var unloaded: [Int]?
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    /// The case list behind one measure of a statistics request.
    static func link(_ r: CaseStats.Request, _ m: CaseStats.Measure) -> String { "/cases" + r.filter(m).queryString() }

    /// The article's three sentences for a period: liaison-station visits, leader-owned cases,
    /// and backlog cases handed down (counted by their original received date), each linking
    /// to the cases it counts.
    static func sentences(from: CivilDate, to: CivilDate, scope: DivisionScope, on db: any Database) async throws -> [Sentence] {
        var out: [Sentence] = []
        let visitsRequest = CaseStats.Request(from: from, to: to, source: .liaisonStation)
        let visits = try await CaseStats.total(visitsRequest, scope: scope, on: db)
        out.append(
            Sentence(
                text: "先后\(visits.batches)批次深入人大代表联络站点,收集\(visits.received)个问题,办结\(visits.closed)个",
                href: link(visitsRequest, .received), id: "sentence-visits"))
        let ownedRequest = CaseStats.Request(from: from, to: to, owner: .any)
        let owned = try await CaseStats.total(ownedRequest, scope: scope, on: db)
        out.append(Sentence(text: "领导包案\(owned.received)件、化解\(owned.resolved)件", href: link(ownedRequest, .received), id: "sentence-owned"))
        let backlogRequest = CaseStats.Request(from: from, to: to, backlog: true, groupBy: .handedDownBy)
        let backlog = try await CaseStats.run(backlogRequest, scope: scope, on: db)
        if backlog.isEmpty {
            out.append(Sentence(text: "交办的0件信访积案,已化解0件", href: link(backlogRequest, .received), id: "sentence-backlog"))
        }
        for (i, row) in backlog.enumerated() {
            var r = backlogRequest
            r.handedDownBy = row.group.isEmpty ? nil : row.group
            out.append(
                Sentence(
                    text: "\(row.group)交办的\(row.received)件信访积案,已化解\(row.resolved)件", href: link(r, .received),
                    id: i == 0 ? "sentence-backlog" : "sentence-backlog-\(i)"))
        }
        return out
    }

    func dashboard(req: Request) async throws -> Response {
        let caller = try req.caller
        var q = QueryReader(req)
        let today = CaseClock.today()
        let (askedFrom, askedTo) = q.dateRange()
        try q.finish()
        let from = askedFrom ?? CivilDate(year: today.year, month: 1, day: 1)!
        let to = askedTo ?? today
        guard from <= to else { throw Refusal.invalid("to", "截止日期不能早于起始日期") }
        let range = CaseStats.Request(from: from, to: to)
        let total = try await CaseStats.total(range, scope: caller.scope, on: req.db)
        func count(_ m: CaseStats.Measure, _ id: String, note: String? = nil) -> Figure {
            Figure(label: m.label, value: "\(total.value(m))件", href: Self.link(range, m), id: id, note: note)
        }
        let figures = [
            count(.received, "fig-received"), count(.closed, "fig-closed"),
            count(.resolved, "fig-resolved", note: "化解不同于办结:以解释说明、不予支持等办结的不计入"),
            Figure(
                label: "按期答复率", value: Self.percent(total.onTime, of: total.answered), href: Self.link(range, .onTime), id: "fig-on-time",
                note: "按期答复\(total.onTime)件 / 已答复\(total.answered)件"),
            count(.overdueOpen, "fig-overdue", note: "截至今天仍逾期的环节"),
            Figure(
                label: "满意率", value: Self.percent(total.satisfied, of: total.followUps), href: Self.link(range, .satisfied), id: "fig-satisfied",
                note: "满意和基本满意\(total.satisfied)件 / 回访\(total.followUps)件"),
        ]
        var charts: [String] = []
        let bySource = try await CaseStats.run(.init(from: from, to: to, groupBy: .source), scope: caller.scope, on: req.db)
        charts.append(
            BarChart(
                title: "按来源登记件数",
                bars: bySource.map { row in
                    var r = range
                    r.source = CaseSource(rawValue: row.group)
                    return .init(label: row.label, value: Int64(row.received), valueText: "\(row.received)件", href: Self.link(r, .received))
                }
            ).svg())
        let byDivision = try await CaseStats.run(.init(from: from, to: to, groupBy: .division), scope: caller.scope, on: req.db)
        func divisionRequest(_ row: CaseStats.Row) -> CaseStats.Request {
            var r = range
            r.division = DivisionCode(row.group)
            return r
        }
        charts.append(
            BarChart(
                title: "按区划登记件数",
                bars: byDivision.map {
                    .init(label: $0.label, value: Int64($0.received), valueText: "\($0.received)件", href: Self.link(divisionRequest($0), .received))
                }
            ).svg())
        charts.append(
            BarChart(
                title: "按区划化解件数",
                bars: byDivision.map {
                    .init(label: $0.label, value: Int64($0.resolved), valueText: "\($0.resolved)件", href: Self.link(divisionRequest($0), .resolved))
                },
                barClass: "bar-2"
            ).svg())
        let byMonth = try await CaseStats.run(.init(from: from, to: to, groupBy: .month), scope: caller.scope, on: req.db)
        charts.append(
            BarChart(
                title: "按月登记件数",
                bars: byMonth.suffix(24).map { row in
                    var r = range
                    if let first = CivilDate(iso: row.group + "-01") {
                        r.from = max(from, first)
                        r.to = min(to, first.adding(months: 1).adding(days: -1))
                    }
                    return .init(label: row.group, value: Int64(row.received), valueText: "\(row.received)件", href: Self.link(r, .received))
                }
            ).svg())
        let calendar = try await CalendarService.calendar(on: req.db)
        let unloaded = calendar.unloadedYears(in: CaseSettingsAPI.checkedYears(today: today))
        let body = DashboardBody(
            from: from.description, to: to.description, figures: figures,
            sentences: try await Self.sentences(from: from, to: to, scope: caller.scope, on: req.db), charts: charts,
            unloaded: unloaded.isEmpty ? nil : unloaded)
        return try await req.page("cases/dashboard", title: "诉求统计", active: "/cases", body)
    }
}

/// `/public/cases`: monthly received, closed, resolved, on-time rate and satisfaction by
/// county, for anyone. Aggregates only.
struct CasePublicPage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("public", "cases", use: page)
    }

    struct Line: Encodable, Sendable {
        var label: String
        var received: Int
        var closed: Int
        var resolved: Int
        var onTime: String
        var satisfaction: String
    }

    struct Body: Encodable, Sendable {
        var month: String
        var months: [SelectOption]
        var counties: [Line]
        var trend: [Line]
        var charts: [String]
    }

    static func line(_ r: CaseStats.Row, label: String? = nil) -> Line {
        Line(
            label: label ?? r.label, received: r.received, closed: r.closed, resolved: r.resolved,
            onTime: CaseDashboardPages.percent(r.onTime, of: r.answered), satisfaction: CaseDashboardPages.percent(r.satisfied, of: r.followUps))
    }

    func page(req: Request) async throws -> Response {
        guard let root = try await Division.root(on: req.db) else { throw Refusal.notFound }
        let scope = DivisionScope(root.code)
        let today = CaseClock.today()
        let months = (0..<24).map { today.firstOfMonth.adding(months: -$0) }
        let asked = req.query[String.self, at: "month"].flatMap { m in months.first { String($0.description.prefix(7)) == m } }
        let month = asked ?? months[0]
        let end = month.adding(months: 1).adding(days: -1)
        let counties = try await CaseStats.run(.init(from: month, to: end, groupBy: .division), scope: scope, on: req.db)
        let trend = try await CaseStats.run(.init(from: months[11], to: today, groupBy: .month), scope: scope, on: req.db)
        let body = Body(
            month: String(month.description.prefix(7)),
            months: months.map { SelectOption(value: String($0.description.prefix(7)), label: "\($0.year)年\($0.month)月", selected: $0 == month) },
            counties: counties.map { Self.line($0) }, trend: trend.map { Self.line($0, label: $0.group) },
            charts: [
                BarChart(
                    title: "\(month.year)年\(month.month)月各县(市、区)登记件数",
                    bars: counties.map { .init(label: $0.label, value: Int64($0.received), valueText: "\($0.received)件") }
                ).svg(),
                BarChart(
                    title: "\(month.year)年\(month.month)月各县(市、区)化解件数",
                    bars: counties.map { .init(label: $0.label, value: Int64($0.resolved), valueText: "\($0.resolved)件") }, barClass: "bar-2"
                ).svg(),
                BarChart(
                    title: "近12个月全市登记件数", bars: trend.map { .init(label: $0.group, value: Int64($0.received), valueText: "\($0.received)件") }
                ).svg(),
            ])
        return try await req.page("cases/public", title: "群众诉求办理情况", body)
    }
}
