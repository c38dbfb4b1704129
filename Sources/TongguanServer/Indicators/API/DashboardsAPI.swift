import Fluent
import Foundation
import TongguanDomain
import Vapor

struct TileDTO: Content {
    struct Reading: Content {
        var period: String
        var value: ExactDecimal
        var display: String
    }

    struct Point: Content {
        var period: String
        var value: ExactDecimal?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(period, forKey: .period)
            try c.encode(value, forKey: .value)
        }
    }

    struct TargetState: Content {
        var value: ExactDecimal
        var due: String
        var status: String
        var statusLabel: String
        var progress: ExactDecimal?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(value, forKey: .value)
            try c.encode(due, forKey: .due)
            try c.encode(status, forKey: .status)
            try c.encode(statusLabel, forKey: .statusLabel)
            try c.encode(progress, forKey: .progress)
        }
    }

    var indicator: String
    var name: String
    var unit: String
    var periodKind: String
    var latest: Reading?
    var previous: Reading?
    var changeFromPrevious: String?
    var lastYear: Reading?
    var changeFromLastYear: String?
    var target: TargetState?
    var sparkline: [Point]
    var link: String?

    init(_ t: DashboardService.Tile) {
        let indicator = t.record.indicator
        func reading(_ r: DashboardTile.Reading?) -> Reading? {
            r.map {
                Reading(period: $0.period.description, value: ValueService.shown($0.value, for: indicator), display: indicator.displayText($0.value))
            }
        }
        self.indicator = indicator.code.rawValue; name = indicator.name; unit = indicator.unit; periodKind = t.periodKind.rawValue
        latest = reading(t.tile.latest); previous = reading(t.tile.previous); lastYear = reading(t.tile.lastYear)
        changeFromPrevious = t.tile.changeFromPrevious?.phrase; changeFromLastYear = t.tile.changeFromLastYear?.phrase
        if let target = t.target, let a = t.tile.target {
            self.target = TargetState(
                value: ValueService.shown(target.value, for: indicator), due: target.due.description, status: a.status.rawValue,
                statusLabel: a.status.label, progress: a.progress)
        }
        sparkline = t.tile.sparkline.map { Point(period: $0.period.description, value: $0.value.map { ValueService.shown($0, for: indicator) }) }
        link = t.link
    }

    enum CodingKeys: String, CodingKey {
        case indicator, name, unit, periodKind, latest, previous, changeFromPrevious, lastYear, changeFromLastYear, target, sparkline, link
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(indicator, forKey: .indicator); try c.encode(name, forKey: .name); try c.encode(unit, forKey: .unit)
        try c.encode(periodKind, forKey: .periodKind); try c.encode(latest, forKey: .latest); try c.encode(previous, forKey: .previous)
        try c.encode(changeFromPrevious, forKey: .changeFromPrevious); try c.encode(lastYear, forKey: .lastYear)
        try c.encode(changeFromLastYear, forKey: .changeFromLastYear); try c.encode(target, forKey: .target)
        try c.encode(sparkline, forKey: .sparkline); try c.encode(link, forKey: .link)
    }

    static let reading = JSONSchema.nullable(
        .object([("period", .string()), ("value", .exactDecimal), ("display", .string())], required: ["period", "value", "display"]))
    static let schema = JSONSchema.object(
        [
            ("indicator", .string()), ("name", .string()), ("unit", .string()),
            ("period_kind", .string(values: DashboardService.periodKinds.map(\.rawValue))), ("latest", reading), ("previous", reading),
            ("change_from_previous", .nullable(.string(description: "环比,如 增长14.7%"))), ("last_year", reading),
            ("change_from_last_year", .nullable(.string(description: "同比"))),
            (
                "target",
                .nullable(
                    .object(
                        [
                            ("value", .exactDecimal), ("due", .date), ("status", .string(values: TargetStatus.allCases.map(\.rawValue))),
                            ("status_label", .string()), ("progress", .nullable(.exactDecimal)),
                        ], required: ["value", "due", "status", "status_label", "progress"]))
            ),
            (
                "sparkline",
                .array(.object([("period", .string()), ("value", .nullable(.exactDecimal))], required: ["period", "value"]))
            ),
            ("link", .nullable(.string(description: "最新数值背后的记录或填报历史"))),
        ],
        required: [
            "indicator", "name", "unit", "period_kind", "latest", "previous", "change_from_previous", "last_year", "change_from_last_year",
            "target", "sparkline", "link",
        ])
}

struct DashboardDTO: Content {
    var divisionCode: String
    var divisionName: String
    var asOf: String
    /// The division whose choice of indicators applies (itself, or its nearest ancestor).
    var chosenBy: String?
    var tiles: [TileDTO]

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(divisionCode, forKey: .divisionCode)
        try c.encode(divisionName, forKey: .divisionName)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(chosenBy, forKey: .chosenBy)
        try c.encode(tiles, forKey: .tiles)
    }

    static let schema = JSONSchema.object(
        [
            ("division_code", .divisionCode), ("division_name", .string()), ("as_of", .date),
            ("chosen_by", .nullable(.string(description: "看板指标由哪一级区划选定"))), ("tiles", .array(.ref("DashboardTile"))),
        ], required: ["division_code", "division_name", "as_of", "chosen_by", "tiles"])
}

struct DashboardChoiceDTO: Content {
    struct Item: Content {
        var indicator: String
        var periodKind: String
    }

    var divisionCode: String
    var items: [Item]

    static let item = JSONSchema.object(
        [("indicator", .string()), ("period_kind", .string(values: DashboardService.periodKinds.map(\.rawValue)))], required: ["indicator"])
    static let schema = JSONSchema.object(
        [("division_code", .divisionCode), ("items", .array(item))], required: ["division_code", "items"])
    static let inputSchema = JSONSchema.object([("items", .array(item))], required: ["items"])
}

/// `/api/v1/dashboards/{division}`: the tiles of a division's dashboard, and the choice.
struct DashboardsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let dashboards = routes.grouped("dashboards")
        dashboards.get(":division", use: show).openAPI(
            .init(
                summary: "区划的看板:各指标最新值、环比、同比、目标状态与走势", tag: "指标",
                query: [.init(name: "as_of", description: "截至日期(默认今天)", schema: .date)],
                response: .ref("Dashboard"), errors: [404, 422]))
        dashboards.put(":division", use: choose).openAPI(
            .init(
                summary: "选择并排序区划看板上的指标(管理员)", tag: "指标", body: .ref("DashboardChoiceInput"), response: .ref("DashboardChoice"),
                errors: [403, 404]))
    }

    static let schemas: [String: JSONSchema] = [
        "Dashboard": DashboardDTO.schema, "DashboardTile": TileDTO.schema, "DashboardChoice": DashboardChoiceDTO.schema,
        "DashboardChoiceInput": DashboardChoiceDTO.inputSchema,
    ]

    static func division(_ req: Request, caller: Caller) async throws -> Division {
        guard let raw = req.parameters.get("division"), let code = DivisionCode(raw),
            let division = try await Division.find(code.rawValue, in: caller.scope, on: req.db)
        else { throw Refusal.notFound }
        return division
    }

    func show(req: Request) async throws -> DashboardDTO {
        let caller = try req.caller
        let division = try await Self.division(req, caller: caller)
        var q = QueryReader(req)
        let asOf = q.date("as_of") ?? TargetService.today
        try q.finish()
        let (items, from) = try await DashboardService.items(for: division.code, scope: caller.scope, on: req.db)
        let tiles = try await DashboardService.tiles(items, division: division.code, asOf: asOf, scope: caller.scope, on: req.db, logger: req.logger)
        return DashboardDTO(
            divisionCode: division.code.rawValue, divisionName: division.name, asOf: asOf.description, chosenBy: from?.rawValue,
            tiles: tiles.map(TileDTO.init))
    }

    func choose(req: Request) async throws -> DashboardChoiceDTO {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let division = try await Self.division(req, caller: caller)
        var input = try InputReader(req)
        var items: [DashboardService.Item] = []
        var seen: Set<String> = []
        let list = input.array("items")
        if list == nil { input.add("items", "此项为必填") }
        for (i, object) in (list ?? []).enumerated() {
            var reader = InputReader(object: object)
            let code = reader.string("indicator", required: true, maxLength: 64)
            let kind = reader.enumeration("period_kind", DashboardKind.self)
            _ = try? reader.finish()
            for p in reader.problems.problems { input.add("items[\(i)].\(p.field)", p.message) }
            guard let code else { continue }
            guard seen.insert(code).inserted else {
                input.add("items[\(i)].indicator", "指标「\(code)」重复")
                continue
            }
            guard let record = try? await IndicatorService.find(code, scope: caller.scope, on: req.db) else {
                input.add("items[\(i)].indicator", "未知指标「\(code)」")
                continue
            }
            items.append(.init(record: record, periodKind: Period.Kind(rawValue: (kind ?? .month).rawValue)!))
        }
        if items.count > 50 { input.add("items", "看板最多50个指标") }
        try input.finish()
        try await DashboardService.set(division.code, items: items, actor: req.auditActor, on: req.db)
        return DashboardChoiceDTO(
            divisionCode: division.code.rawValue,
            items: items.map { .init(indicator: $0.record.code, periodKind: $0.periodKind.rawValue) })
    }

    enum DashboardKind: String, CaseIterable {
        case month, quarter, halfYear = "half_year", year
    }
}
