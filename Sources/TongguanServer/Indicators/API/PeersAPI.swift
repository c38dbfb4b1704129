import Fluent
import Foundation
import TongguanDomain
import Vapor

struct PeerGroupDTO: Content {
    var id: UUID
    var name: String
    var year: Int
    var label: String
    var divisionCode: String
    var members: [PeerMember]

    init(_ record: PeerGroupRecord, _ group: PeerGroup) {
        id = record.id ?? UUID(); name = group.name; year = group.year; label = group.label
        divisionCode = record.divisionCode; members = group.members
    }

    static let member = JSONSchema.object(
        [("name", .string(description: "城市名称")), ("code", .string(description: "代码(GB/T 2260 或其他,1—12位字母数字)"))],
        required: ["name", "code"])
    static let schema = JSONSchema.object(
        [
            ("id", .uuid), ("name", .string()), ("year", .integer(description: "划定名单的规划年份")),
            ("label", .string(description: "如 汾渭平原(2018年划定)11个城市")), ("division_code", .divisionCode),
            ("members", .array(member)),
        ], required: ["id", "name", "year", "label", "division_code", "members"])
    static let inputSchema = JSONSchema.object(
        [("name", .string()), ("year", .integer()), ("members", .array(member))], required: ["name", "year", "members"])
}

struct RankingDTO: Content {
    var indicator: String
    var group: String
    var year: Int
    var label: String
    var period: String
    var direction: String
    var unit: String
    var rows: [RankingRow]

    init(_ ranking: Ranking, indicator: Indicator) {
        self.indicator = indicator.code.rawValue
        group = ranking.group; year = ranking.year; label = ranking.groupLabel; period = ranking.period.description
        direction = ranking.direction.rawValue; unit = indicator.unit; rows = ranking.rows
    }

    static let schema = JSONSchema.object(
        [
            ("indicator", .string()), ("group", .string(description: "比较组名称")), ("year", .integer(description: "划定名单的年份")),
            ("label", .string(description: "如 汾渭平原(2018年划定)11个城市")), ("period", .string()),
            ("direction", .string(values: Direction.allCases.map(\.rawValue))), ("unit", .string()),
            (
                "rows",
                .array(
                    .object(
                        [
                            ("member", .string()), ("member_code", .string()), ("value", .nullable(.exactDecimal)),
                            ("rank", .nullable(.integer(description: "并列者名次相同;无数值者为 null"))),
                        ], required: ["member", "member_code", "value", "rank"]))
            ),
        ], required: ["indicator", "group", "year", "label", "period", "direction", "unit", "rows"])
}

/// `/api/v1/peer-groups`, peer values and rankings.
struct PeersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let groups = routes.grouped("peer-groups")
        groups.get(use: list).openAPI(.init(summary: "列出比较组(如 汾渭平原 2018年名单)", tag: "指标", response: .ref("PeerGroups")))
        groups.post(use: create).openAPI(
            .init(summary: "新建比较组(管理员)", tag: "指标", body: .ref("PeerGroupInput"), response: .ref("PeerGroup"), status: 201, errors: [403]))
        groups.get(":id", use: show).openAPI(.init(summary: "查看比较组", tag: "指标", response: .ref("PeerGroup"), errors: [404]))
        let indicators = routes.grouped("indicators")
        indicators.put(":code", "peer-values", use: setPeerValue).openAPI(
            .init(
                summary: "填报比较城市(不在本市区划内的成员)的指标数值", tag: "指标", body: .ref("PeerValueInput"), status: 204,
                errors: [403, 404]))
        indicators.get(":code", "ranking", use: ranking).openAPI(
            .init(
                summary: "指标在比较组内的排名(按指标方向;并列者名次相同;总是写明比较组及其年份)", tag: "指标",
                query: [
                    .init(name: "group", description: "比较组名称,如 汾渭平原", required: true),
                    .init(name: "group_year", description: "同名比较组有多个年份时的划定年份", schema: .integer()),
                    .init(name: "period", description: "期间", required: true),
                ],
                response: .ref("Ranking"), errors: [404, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "PeerGroup": PeerGroupDTO.schema, "PeerGroupInput": PeerGroupDTO.inputSchema,
        "PeerGroups": .object([("items", .array(.ref("PeerGroup")))], required: ["items"]),
        "PeerValueInput": .object(
            [("member_code", .string()), ("period", .string()), ("value", .exactDecimal), ("note", .string())],
            required: ["member_code", "period", "value"]),
        "Ranking": RankingDTO.schema,
    ]

    struct GroupsDTO: Content { var items: [PeerGroupDTO] }

    func list(req: Request) async throws -> GroupsDTO {
        let caller = try req.caller
        return GroupsDTO(items: try await PeerService.groups(caller.scope, on: req.db).map { PeerGroupDTO($0.record, $0.group) })
    }

    func show(req: Request) async throws -> PeerGroupDTO {
        let caller = try req.caller
        let (record, group) = try await PeerService.find(req.parameters.get("id"), scope: caller.scope, on: req.db)
        return PeerGroupDTO(record, group)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let name = input.string("name", required: true, maxLength: 50)
        let year = input.integer("year", required: true, range: Int64(Period.years.lowerBound)...Int64(Period.years.upperBound))
        var members: [PeerMember] = []
        for (i, item) in (input.array("members") ?? []).enumerated() {
            var reader = InputReader(object: item)
            let n = reader.string("name", required: true, maxLength: 50)
            let c = reader.string("code", required: true, maxLength: 12)
            _ = try? reader.finish()
            for p in reader.problems.problems { input.add("members[\(i)].\(p.field)", p.message) }
            members.append(PeerMember(name: n ?? "", code: c ?? ""))
        }
        var group: PeerGroup?
        if let name, let year {
            do { group = try PeerGroup.validated(name: name, year: Int(year), members: members) } catch {
                for p in error.problems where !input.problems.problems.contains(where: { $0.field == p.field }) { input.add(p.field, p.message) }
            }
        }
        try input.finish()
        let record = try await PeerService.create(group!, division: caller.scope.root, actor: req.auditActor, on: req.db)
        return try await PeerGroupDTO(record, group!).encodeResponse(status: .created, for: req)
    }

    func setPeerValue(req: Request) async throws -> HTTPStatus {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        guard caller.scope.contains(record.divisionCode) else { throw Refusal.forbidden("比较城市的数值由指标所属单位填报") }
        var input = try InputReader(req)
        let member = input.string("member_code", required: true, maxLength: 12)
        let period = input.period("period", required: true)
        let shown = input.exactDecimal("value", required: true)
        let note = input.string("note", maxLength: 500, multiLine: true) ?? ""
        if let member {
            if try await Division.find(member, on: req.db) != nil {
                input.add("member_code", "「\(member)」是本市的区划:请在指标数值中填报,排名直接取用")
            } else if !(try await PeerService.isMember(member, scope: caller.scope, on: req.db)) {
                input.add("member_code", "「\(member)」不是任何比较组的成员")
            }
        }
        var stored: ExactDecimal?
        if let shown {
            do { stored = try ValueService.stored(shown, for: record.indicator) } catch { input.add("value", error.message) }
        }
        try input.finish()
        try await ValueService.setPeer(record, memberCode: member!, period: period!, value: stored!, note: note, actor: req.auditActor, on: req.db)
        return .noContent
    }

    func ranking(req: Request) async throws -> RankingDTO {
        let caller = try req.caller
        let record = try await IndicatorService.find(req.parameters.get("code"), scope: caller.scope, on: req.db)
        var q = QueryReader(req)
        let name = q.text("group", maxLength: 50)
        if name == nil { q.add("group", "请写明比较组,如 汾渭平原") }
        let yearText = q.text("group_year", maxLength: 4)
        let year = yearText.flatMap { Int($0) }
        if yearText != nil, year == nil { q.add("group_year", "应为四位年份,如 2018") }
        let period = q.period("period", required: true)
        try q.finish()
        switch try await PeerService.group(named: name!, year: year, scope: caller.scope, on: req.db) {
        case .failure(let miss):
            throw Refusal.invalid("group", miss.message)
        case .success(let group):
            let ranking = try await PeerService.ranking(record, group: group, period: period!, scope: caller.scope, on: req.db)
            return RankingDTO(ranking, indicator: record.indicator)
        }
    }
}
