import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The 指标 pages: the catalogue, one indicator with its values by division (each linked to
/// the records behind it), manual entry, a value's history, and rankings. Every rule is the
/// services' (the same as the API's).
struct IndicatorPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let indicators = routes.grouped("indicators")
        indicators.get(use: list)
        indicators.get("new", use: newForm)
        indicators.post(use: create)
        indicators.get(":code", use: show)
        indicators.get(":code", "edit", use: edit)
        indicators.post(":code", use: update)
        indicators.post(":code", "values", use: enter)
        indicators.get(":code", "history", use: history)
        indicators.get(":code", "ranking", use: ranking)
    }

    // MARK: catalogue

    struct Row: Encodable, Sendable {
        var code: String
        var name: String
        var unit: String
        var source: String
        var direction: String
        var owner: String
    }

    struct ListBody: Encodable, Sendable {
        var rows: [Row]
        var empty: Bool
        var canDefine: Bool
        var canEnter: Bool
    }

    static func sourceLabel(_ indicator: Indicator) -> String {
        switch indicator.source {
        case .manual:
            return "手工填报" + (indicator.rollUp == .none ? "" : "(\(indicator.rollUp.label))")
        case .computed(let q, let d):
            let label = { (q: IndicatorQuery) in Modules.indicatorQueries[q.kind]?.spec.label ?? q.kind }
            return "计算:" + label(q) + (d.map { " ÷ " + label($0) } ?? "")
        }
    }

    func list(req: Request) async throws -> Response {
        let caller = try req.caller
        let records = try await IndicatorService.catalogue(caller.scope, on: req.db)
        let names = try await Division.names(of: Set(records.map(\.divisionCode)), on: req.db)
        let rows = records.map { r in
            let i = r.indicator
            return Row(
                code: i.code.rawValue, name: i.name, unit: i.unit.isEmpty ? "—" : i.unit, source: Self.sourceLabel(i), direction: i.direction.label,
                owner: names[r.divisionCode] ?? r.divisionCode)
        }
        return try await req.page(
            "indicators/list", title: "指标", active: "/indicators",
            ListBody(rows: rows, empty: rows.isEmpty, canDefine: caller.role.canManageUsers, canEnter: caller.role.canEditRecords))
    }

    // MARK: one indicator

    struct ValueRow: Encodable, Sendable {
        var division: String
        var code: String
        var display: String
        var link: String
        var isGap: Bool
        var reason: String
    }

    struct GroupLink: Encodable, Sendable {
        var label: String
        var href: String
    }

    struct ShowBody: Encodable, Sendable {
        var code: String
        var name: String
        var facts: [Fact]
        var period: String
        var periodText: String
        var divisions: [SelectOption]
        var rows: [ValueRow]
        var isManual: Bool
        var canEdit: Bool
        var canEnter: Bool
        var rankings: [GroupLink]
        var entry: Entry
        var errors: [FieldProblem]?
    }

    struct Fact: Encodable, Sendable {
        var label: String
        var value: String
    }

    struct Entry: Content {
        var division_code: String?
        var period: String?
        var value: String?
        var note: String?
        var source_document: String?
    }

    func show(req: Request) async throws -> Response {
        try await showPage(req, entry: nil, errors: [])
    }

    func showPage(_ req: Request, entry: Entry?, errors: [FieldProblem], status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.caller
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        let indicator = record.indicator
        var q = QueryReader(req)
        let period = q.period("period") ?? Period.year(TargetService.today.year)!
        let divisionCode = q.divisionCode("division")
        try q.finish()
        let division = try await IndicatorsAPI.division(divisionCode, caller: caller, on: req.db)
        let children = try await Division.scoped(caller.scope, on: req.db).filter(\.$parentCode == division.id).sort(\.$id).limit(500).all()
        let evaluator = IndicatorEvaluator(db: req.db, scope: caller.scope, logger: req.logger)
        var rows: [ValueRow] = []
        for d in [division] + children {
            let v = try await evaluator.evaluate(record, period: period, division: d.code)
            rows.append(
                ValueRow(
                    division: d.name, code: d.code.rawValue, display: v.exact.map(indicator.displayText) ?? "【缺】", link: v.link,
                    isGap: v.exact == nil, reason: v.reason ?? ""))
        }
        let owner = try await Division.find(record.divisionCode, on: req.db)?.name ?? record.divisionCode
        var facts = [
            Fact(label: "编码", value: indicator.code.rawValue), Fact(label: "单位", value: indicator.unit.isEmpty ? "(比值)" : indicator.unit),
            Fact(label: "来源", value: Self.sourceLabel(indicator)), Fact(label: "方向", value: indicator.direction.label),
            Fact(label: "显示", value: "\(indicator.decimals)位小数" + (indicator.displayScale == 0 ? "" : ",存储值÷10^\(indicator.displayScale)")),
            Fact(label: "所属区划", value: owner),
        ]
        if case .computed(let query, let denominator) = indicator.source {
            facts.append(Fact(label: "查询", value: Self.queryText(query)))
            if let denominator { facts.append(Fact(label: "分母", value: Self.queryText(denominator))) }
        }
        let groups = try await PeerService.groups(caller.scope, on: req.db)
        let rankings = groups.map { g in
            GroupLink(
                label: g.group.label,
                href: "/indicators/\(indicator.code.rawValue)/ranking"
                    + QueryString.encode([("group", g.group.name), ("group_year", String(g.group.year)), ("period", period.description)]))
        }
        let body = ShowBody(
            code: indicator.code.rawValue, name: indicator.name, facts: facts, period: period.description, periodText: period.chinese,
            divisions: try await Division.options(in: caller.scope, selected: division.id, levels: [.city, .county], withCode: true, on: req.db),
            rows: rows, isManual: indicator.source.isManual,
            canEdit: caller.role.canManageUsers && caller.scope.contains(record.divisionCode), canEnter: caller.role.canEditRecords,
            rankings: rankings,
            entry: entry ?? Entry(division_code: division.id, period: period.description, value: "", note: "", source_document: ""),
            errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "indicators/show", title: indicator.name, active: "/indicators", status: status,
            error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    static func queryText(_ q: IndicatorQuery) -> String {
        let label = Modules.indicatorQueries[q.kind]?.spec.label ?? q.kind
        return label + "(" + q.kind + ")"
            + (q.parameters.isEmpty ? "" : ":" + q.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";"))
    }

    /// The entry form: the same checks as `PUT /api/v1/indicators/{code}/values`.
    func enter(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        let indicator = record.indicator
        let form = try req.content.decode(Entry.self)
        var problems = ProblemList()
        var division: Division?
        if let raw = form.division_code, let code = DivisionCode(raw) {
            division = try await Division.find(code.rawValue, in: caller.scope, on: req.db)
        }
        if division == nil { problems.add("division_code", "区划不存在或不在您的管辖范围内") }
        var period: Period?
        do { period = try Period(form.period ?? "") } catch { problems.add("period", error.message) }
        var stored: ExactDecimal?
        do {
            let text = (form.value ?? "").filter { $0 != "," && $0 != "," }
            stored = try ValueService.stored(try ExactDecimal(text), for: indicator)
        } catch { problems.add("value", (form.value ?? "").isEmpty ? "请填写数值" : error.message) }
        var note = "", document = ""
        do { note = try TextPolicy.multiLine(form.note ?? "") } catch { problems.add("note", error.message) }
        do { document = try TextPolicy.singleLine(form.source_document ?? "") } catch { problems.add("source_document", error.message) }
        if note.count > 500 { problems.add("note", "不能超过500个字符") }
        if document.count > 200 { problems.add("source_document", "不能超过200个字符") }
        if !indicator.source.isManual { problems.add("value", "「\(indicator.name)」是计算型指标,数值由系统计算,不能填报") }
        guard problems.isEmpty else { return try await showPage(req, entry: form, errors: problems.problems, status: .unprocessableEntity) }
        try await ValueService.set(
            [.init(indicator: record, division: division!.code, period: period!, value: stored!, note: note, sourceDocument: document)],
            channel: "page", actor: req.auditActor, on: req.db)
        return req.redirect(
            to: "/indicators/\(indicator.code.rawValue)"
                + QueryString.encode([("period", period!.description), ("division", division!.id ?? ""), ("notice", "saved")]))
    }

    // MARK: history and ranking

    struct HistoryRow: Encodable, Sendable {
        var at: String
        var before: String
        var value: String
        var note: String
        var document: String
        var by: String
        var channel: String
    }

    struct HistoryBody: Encodable, Sendable {
        var code: String
        var name: String
        var division: String
        var period: String
        var periodText: String
        var current: String
        var rows: [HistoryRow]
        var empty: Bool
    }

    static let channels = ["api": "接口", "page": "页面", "import": "导入", "demo": "演示数据"]

    func history(req: Request) async throws -> Response {
        let caller = try req.caller
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        let indicator = record.indicator
        var q = QueryReader(req)
        let period = q.period("period", required: true)
        let divisionCode = q.divisionCode("division")
        try q.finish()
        let division = try await IndicatorsAPI.division(divisionCode, caller: caller, on: req.db)
        let changes = try await ValueService.history(record, division: division.code, period: period!, on: req.db)
        let current = try await IndicatorEvaluator(db: req.db, scope: caller.scope).evaluate(record, period: period!, division: division.code)
        let text = { (raw: String?) in raw.flatMap { try? ExactDecimal($0) }.map(indicator.displayText) ?? "—" }
        let body = HistoryBody(
            code: indicator.code.rawValue, name: indicator.name, division: division.name, period: period!.description,
            periodText: period!.chinese, current: current.exact.map(indicator.displayText) ?? "【缺:\(current.reason ?? "没有数值")】",
            rows: changes.map {
                HistoryRow(
                    at: $0.changedAt.map { ChinaDate.display(StoredInstant.string($0)) } ?? "", before: text($0.before), value: text($0.value),
                    note: $0.note, document: $0.sourceDocument, by: $0.enteredBy, channel: Self.channels[$0.channel] ?? $0.channel)
            }, empty: changes.isEmpty)
        return try await req.page("indicators/history", title: "\(indicator.name)填报记录", active: "/indicators", body)
    }

    struct RankRow: Encodable, Sendable {
        var rank: String
        var member: String
        var code: String
        var value: String
    }

    struct RankingBody: Encodable, Sendable {
        var code: String
        var name: String
        var label: String
        var periodText: String
        var period: String
        var direction: String
        var rows: [RankRow]
        var chart: String
        var groups: [SelectOption]
    }

    func ranking(req: Request) async throws -> Response {
        let caller = try req.caller
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        let indicator = record.indicator
        var q = QueryReader(req)
        let name = q.text("group", maxLength: 50) ?? "汾渭平原"
        let year = q.text("group_year", maxLength: 4).flatMap { Int($0) }
        let period = q.period("period") ?? Period.year(TargetService.today.year)!
        try q.finish()
        let groups = try await PeerService.groups(caller.scope, on: req.db)
        guard case .success(let group) = try await PeerService.group(named: name, year: year, scope: caller.scope, on: req.db) else {
            throw Refusal.notFound
        }
        let ranking = try await PeerService.ranking(record, group: group, period: period, scope: caller.scope, on: req.db)
        let text = { (v: ExactDecimal) in v.text(decimals: indicator.decimals) + indicator.unit }
        let scale = ExactDecimal(Int64(pow(10.0, Double(indicator.decimals))))
        let bars = ranking.rows.compactMap { row -> BarChart.Bar? in
            guard let v = row.value, let units = (try? v.times(scale))?.rounded(decimals: 0).integerValue else { return nil }
            return BarChart.Bar(label: row.member, value: units, valueText: text(v))
        }
        let title = "\(ranking.groupLabel)\(indicator.name)(\(period.chinese))"
        let body = RankingBody(
            code: indicator.code.rawValue, name: indicator.name, label: ranking.groupLabel, periodText: period.chinese, period: period.description,
            direction: indicator.direction.label,
            rows: ranking.rows.map {
                RankRow(rank: $0.rank.map(String.init) ?? "—", member: $0.member, code: $0.memberCode, value: $0.value.map(text) ?? "无数据")
            },
            chart: BarChart(title: title, bars: bars).svg(),
            groups: groups.map { SelectOption(value: "\($0.group.name)|\($0.group.year)", label: $0.group.label, selected: $0.group == group) })
        return try await req.page("indicators/ranking", title: "\(indicator.name)排名", active: "/indicators", body)
    }
}
