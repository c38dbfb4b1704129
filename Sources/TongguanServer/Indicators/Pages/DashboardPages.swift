import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The dashboard of a division (default: the caller's own): a tile per chosen indicator with
/// its latest value (linked to its source), 环比 and 同比, the target's status and a
/// sparkline. It prints on A4 without the navigation (the print section of app.css).
/// Administrators choose and order the indicators per division.
struct DashboardPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let dashboard = routes.grouped("indicators", "dashboard")
        dashboard.get(use: show)
        dashboard.get("edit", use: edit)
        dashboard.post("edit", use: save)
    }

    struct Tile: Encodable, Sendable {
        var code: String
        var name: String
        var periodText: String
        var latest: String
        var link: String?
        var previous: String?
        var lastYear: String?
        var target: String?
        var targetStatus: String?
        var targetLabel: String?
        var sparkline: String
        var previousClass: String
        var lastYearClass: String
    }

    struct Body: Encodable, Sendable {
        var division: String
        var divisionCode: String
        var asOf: String
        var chosenBy: String?
        var tiles: [Tile]
        var empty: Bool
        var divisions: [SelectOption]
        var canChoose: Bool
    }

    static func trendClass(_ change: Change?, _ direction: Direction) -> String {
        guard let change else { return "" }
        switch change.isImprovement(direction) {
        case true?: return "better"
        case false?: return "worse"
        case nil: return "flat"
        }
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        var q = QueryReader(req)
        let code = q.divisionCode("division")
        let asOf = q.date("as_of") ?? TargetService.today
        try q.finish()
        let division = try await IndicatorsAPI.division(code, caller: caller, on: req.db)
        let (items, from) = try await DashboardService.items(for: division.code, scope: caller.scope, on: req.db)
        let tiles = try await DashboardService.tiles(items, division: division.code, asOf: asOf, scope: caller.scope, on: req.db, logger: req.logger)
        let chosenBy = try await from.flatMap { f in f == division.code ? nil : f.rawValue }.asyncMap {
            try await Division.find($0, on: req.db)?.name ?? $0
        }
        let body = Body(
            division: division.name, divisionCode: division.id ?? "", asOf: asOf.description, chosenBy: chosenBy,
            tiles: tiles.map { t in
                let i = t.record.indicator
                let d = t.tile
                let label = "\(i.name)近\(d.sparkline.count)个\(t.periodKind.label)期间的走势"
                return Tile(
                    code: i.code.rawValue, name: i.name, periodText: d.latest.map { $0.period.chinese } ?? "\(t.periodKind.label)·尚无数值",
                    latest: d.latestText ?? "【缺】", link: t.link,
                    previous: d.changeFromPrevious.map { "环比" + $0.phrase },
                    lastYear: d.changeFromLastYear.map { "同比" + $0.phrase },
                    target: t.target.map { "目标\(i.displayText($0.value))(\($0.due.description))" },
                    targetStatus: d.target.map { $0.status.rawValue }, targetLabel: d.target.map { $0.status.label },
                    sparkline: IndicatorSVG.sparkline(d, label: label),
                    previousClass: Self.trendClass(d.changeFromPrevious, i.direction),
                    lastYearClass: Self.trendClass(d.changeFromLastYear, i.direction))
            },
            empty: tiles.isEmpty,
            divisions: try await Division.options(in: caller.scope, selected: division.id, levels: [.city, .county], withCode: false, on: req.db),
            canChoose: caller.role.canManageUsers)
        return try await req.page("indicators/dashboard", title: "\(division.name)指标看板", active: "/indicators", body)
    }

    struct ChoiceRow: Encodable, Sendable {
        var code: String
        var name: String
        var shown: Bool
        var order: Int
        var kinds: [SelectOption]
    }

    struct EditBody: Encodable, Sendable {
        var division: String
        var divisionCode: String
        var rows: [ChoiceRow]
    }

    func edit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var q = QueryReader(req)
        let code = q.divisionCode("division")
        try q.finish()
        let division = try await IndicatorsAPI.division(code, caller: caller, on: req.db)
        let own = try await DashboardItemRecord.query(on: req.db).filter(\.$divisionCode == division.id ?? "").all()
        let chosen = Dictionary(own.map { ($0.$indicator.id, $0) }, uniquingKeysWith: { a, _ in a })
        let catalogue = try await IndicatorService.catalogue(caller.scope, on: req.db)
        let rows = catalogue.map { r -> ChoiceRow in
            let item = chosen[r.id!]
            let kind = item?.periodKind ?? Period.Kind.month.rawValue
            return ChoiceRow(
                code: r.code, name: r.name, shown: item != nil, order: item?.position ?? 0,
                kinds: DashboardService.periodKinds.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == kind) })
        }.sorted { ($0.shown ? 0 : 1, $0.order, $0.code) < ($1.shown ? 0 : 1, $1.order, $1.code) }
        return try await req.page(
            "indicators/dashboard-edit", title: "选择看板指标", active: "/indicators",
            EditBody(division: division.name, divisionCode: division.id ?? "", rows: rows))
    }

    /// Form fields per indicator: `show.<code>` (checkbox), `order.<code>`, `kind.<code>`.
    func save(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let fields = try req.content.decode([String: String].self)
        guard let code = fields["division"].flatMap(DivisionCode.init) else { throw Refusal.notFound }
        let division = try await IndicatorsAPI.division(code, caller: caller, on: req.db)
        let catalogue = try await IndicatorService.catalogue(caller.scope, on: req.db)
        var picked: [(order: Int, item: DashboardService.Item)] = []
        for record in catalogue where fields["show.\(record.code)"] == "on" {
            let order = Int(fields["order.\(record.code)"] ?? "") ?? 999
            let kind =
                fields["kind.\(record.code)"].flatMap(Period.Kind.init(rawValue:)).flatMap { DashboardService.periodKinds.contains($0) ? $0 : nil }
                ?? .month
            picked.append((order, .init(record: record, periodKind: kind)))
        }
        let items = picked.sorted { ($0.order, $0.item.record.code) < ($1.order, $1.item.record.code) }.prefix(50).map(\.item)
        try await DashboardService.set(division.code, items: Array(items), actor: req.auditActor, on: req.db)
        return req.redirect(to: "/indicators/dashboard" + QueryString.encode([("division", division.id ?? ""), ("notice", "saved")]))
    }
}
