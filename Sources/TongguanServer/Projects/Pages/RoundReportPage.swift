import Fluent
import Foundation
import TongguanDomain
import Vapor

/// 三个一批 reports: the visible rounds, and for one round (or a date range) the article's
/// three sentences, tables by county and by industry, and bar charts. Figures come from
/// `ProjectSummary` at request time; every figure links to the list of exactly the projects
/// it counts (`milestone_stage` + the round or the dates).
struct RoundReportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.get("rounds", use: rounds)
        projects.get("rounds", ":id", use: roundReport)
        projects.get("report", use: rangeReport)
    }

    struct RoundRow: Encodable, Sendable {
        var id: String
        var name: String
        var date: String
        var venue: String
        var division: String
    }

    struct RoundsBody: Encodable, Sendable {
        var canEdit: Bool
        var rounds: [RoundRow]
        var empty: Bool
        var from: String
        var to: String
    }

    func rounds(req: Request) async throws -> Response {
        let caller = try req.caller
        let rounds = try await RoundService.visible(caller.scope, on: req.db).sort(\.$date, .descending).sort(\.$name).limit(500).all()
        let names = try await Division.names(of: Set(rounds.map(\.divisionCode)), on: req.db)
        let year = rounds.first.flatMap { CivilDate(iso: $0.date)?.year }
        let body = RoundsBody(
            canEdit: caller.role.canEditRecords,
            rounds: rounds.map {
                RoundRow(
                    id: $0.id!.uuidString, name: $0.name, date: $0.date, venue: $0.venue ?? "",
                    division: names[$0.divisionCode] ?? $0.divisionCode)
            },
            empty: rounds.isEmpty,
            from: year.map { "\($0)-01-01" } ?? "", to: year.map { "\($0)-12-31" } ?? "")
        return try await req.page("projects/rounds", title: "活动批次", active: "/projects", body)
    }

    struct Sentence: Encodable, Sendable {
        var lead: String
        var count: Int
        var amount: String
        var href: String
        var separator: String
    }

    struct Cell: Encodable, Sendable {
        var count: Int
        var amount: String
        var href: String
    }

    struct TableRow: Encodable, Sendable {
        var label: String
        var cells: [Cell]
    }

    struct Chart: Encodable, Sendable {
        var title: String
        var svg: String
    }

    struct ReportBody: Encodable, Sendable {
        var heading: String
        var subtitle: String
        var from: String
        var to: String
        var isRange: Bool
        /// False when the period could not be read: then only the form shows.
        var hasData: Bool
        var sentences: [Sentence]
        var sentence: String
        var stages: [String]
        var byCounty: [TableRow]
        var byIndustry: [TableRow]
        var total: TableRow
        var charts: [Chart]
    }

    func roundReport(req: Request) async throws -> Response {
        let caller = try req.caller
        guard let round = try await RoundService.find(req.parameters.get("id").flatMap(UUID.init(uuidString:)), visibleTo: caller.scope, on: req.db)
        else { throw Refusal.notFound }
        let venue = round.venue.map { " · \($0)" } ?? ""
        return try await report(
            req: req, request: .init(roundID: round.id), link: [("round_id", round.id!.uuidString)],
            heading: "\(round.name)三个一批活动", subtitle: "\(round.date)\(venue)", from: "", to: "")
    }

    func rangeReport(req: Request) async throws -> Response {
        var request: ProjectSummary.Request
        do {
            request = try ProjectSummary.Request(from: req)
        } catch let failure as ValidationFailure {
            let empty = ReportBody(
                heading: "三个一批统计", subtitle: "", from: req.query[String.self, at: "from"] ?? "",
                to: req.query[String.self, at: "to"] ?? "", isRange: true, hasData: false, sentences: [], sentence: "",
                stages: Stage.allCases.map(\.label), byCounty: [], byIndustry: [],
                total: TableRow(label: "合计", cells: []), charts: [])
            return try await req.page(
                "projects/report", title: "三个一批统计", active: "/projects", status: .unprocessableEntity,
                error: failure.problems.map(\.message).joined(separator: ";"), empty)
        }
        request.roundID = nil
        request.division = nil
        request.groupBy = .stage
        let from = request.from?.description, to = request.to?.description
        let period =
            switch (from, to) {
            case let (f?, t?): "\(f) 至 \(t)"
            case let (f?, nil): "\(f) 以来"
            case let (nil, t?): "截至 \(t)"
            case (nil, nil): "全部时间"
            }
        let link = [("from", from), ("to", to)].compactMap { k, v in v.map { (k, $0) } }
        return try await report(
            req: req, request: request, link: link, heading: "三个一批统计", subtitle: period,
            from: from ?? "", to: to ?? "")
    }

    /// The sentences, tables and charts for one round or period; `link` names it in list links.
    func report(
        req: Request, request: ProjectSummary.Request, link: [(String, String)], heading: String, subtitle: String,
        from: String, to: String
    ) async throws -> Response {
        let caller = try req.caller
        let href = { (stage: Stage, extra: [(String, String)]) -> String in
            "/projects" + QueryString.encode(link + [("milestone_stage", stage.rawValue)] + extra)
        }
        var byStage = request
        byStage.groupBy = .stage
        let stageRows = try await ProjectSummary.run(byStage, scope: caller.scope, on: req.db)
        var byDivision = request
        byDivision.groupBy = .division
        let divisionRows = try await ProjectSummary.run(byDivision, scope: caller.scope, on: req.db)
        var byIndustry = request
        byIndustry.groupBy = .industry
        let industryRows = try await ProjectSummary.run(byIndustry, scope: caller.scope, on: req.db)

        let stages = Stage.allCases
        let sentences = stages.enumerated().map { i, stage -> Sentence in
            let row = stageRows.first { $0.stage == stage }
            return Sentence(
                lead: "\(stage.label)一批项目", count: row?.count ?? 0, amount: Fen.yiText(row?.totalInvestmentFen ?? 0),
                href: href(stage, []), separator: i < stages.count - 1 ? ";" : "")
        }
        let sentence = sentences.map { "\($0.lead)\($0.count)个,总投资额\($0.amount)\($0.separator)" }.joined()

        func cells(_ rows: [ProjectSummary.Row], group: String?, key: String) -> [Cell] {
            stages.map { stage in
                let row = rows.first { $0.stage == stage && $0.group == group }
                return Cell(
                    count: row?.count ?? 0, amount: Fen.rounded(row?.totalInvestmentFen ?? 0, unit: Fen.perYi, places: 2),
                    href: href(stage, group.map { [(key, $0)] } ?? []))
            }
        }
        let counties = Array(Set(divisionRows.compactMap(\.group))).sorted()
        let names = try await Division.names(of: Set(counties), on: req.db)
        let industryOrder = try await Industry.names(on: req.db)
        let industries = Array(Set(industryRows.compactMap(\.group))).sorted {
            (industryOrder.firstIndex(of: $0) ?? Int.max, $0) < (industryOrder.firstIndex(of: $1) ?? Int.max, $1)
        }
        let charts = stages.enumerated().map { i, stage -> Chart in
            let bars = counties.map { code -> BarChart.Bar in
                let fen = divisionRows.first { $0.stage == stage && $0.group == code }?.totalInvestmentFen ?? 0
                return BarChart.Bar(label: names[code] ?? code, value: fen, valueText: Fen.yiText(fen), href: href(stage, [("division", code)]))
            }
            let title = "\(stage.label)项目总投资(按县区)"
            return Chart(title: title, svg: BarChart(title: title, bars: bars, barClass: "bar bar-\(i + 1)").svg())
        }
        let body = ReportBody(
            heading: heading, subtitle: subtitle, from: from, to: to, isRange: request.roundID == nil, hasData: true,
            sentences: sentences, sentence: sentence, stages: stages.map(\.label),
            byCounty: counties.map { TableRow(label: names[$0] ?? $0, cells: cells(divisionRows, group: $0, key: "division")) },
            byIndustry: industries.map { TableRow(label: $0, cells: cells(industryRows, group: $0, key: "industry")) },
            total: TableRow(label: "合计", cells: cells(stageRows, group: nil, key: "")),
            charts: charts)
        return try await req.page("projects/report", title: heading, active: "/projects", body)
    }
}
