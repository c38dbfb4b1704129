import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `POST /api/v1/households/{code}/head`: 户主变更. The new head, the others' relations
/// restated relative to the new head, and optionally the former head leaving in the same step
/// (`RegistryService.handOver`). Locked like the registry's other edits: If-Match with the
/// household's ETag, or `version` in the body.
struct HeadHandOverAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("households").post(":code", "head", use: handOver).openAPI(
            .init(
                summary: "更换户主(户主变更):指定新户主,重新填写其他成员与新户主的关系;原户主可同时离户(需 If-Match 或 version)", tag: "监测",
                headers: [.init(name: "If-Match", description: "读取农户时得到的 ETag;也可在请求体中给出 version", required: false)],
                body: .ref("HeadHandOver"), response: .ref("Household"), errors: [403, 404, 409, 412, 422, 428]))
    }

    static let relationValues = TongguanDomain.Relation.allCases.map(\.rawValue)

    static let schemas: [String: JSONSchema] = [
        "HeadHandOver": .object(
            [
                ("member_id", .string(format: "uuid", description: "新户主:本户另一名在户成员的编号")),
                (
                    "relations",
                    .map(
                        .string(values: relationValues),
                        description: "成员编号 → 与新户主的关系。原户主留在户内时须列出;未列出的成员关系不变;不能为户主"
                    )
                ),
                (
                    "former_head_departure",
                    .object(
                        [("reason", .string(values: LeaveReason.allCases.map(\.rawValue))), ("date", .date)], required: ["reason", "date"])
                ),
                ("version", .integer(description: "读取农户时的 version;不带 If-Match 时必填", minimum: 1)),
            ], required: ["member_id"])
    ]

    /// Reads the body; every problem at once (422).
    static func read(_ input: inout InputReader) -> RegistryService.HeadHandOver? {
        if !input.has("member_id") { input.add("member_id", "此项为必填,应为新户主的成员编号") }
        let newHead = MembersAPI.uuid(&input, "member_id")
        input.markSeen("relations")
        var relations: [UUID: TongguanDomain.Relation] = [:]
        switch input.rawValue("relations") {
        case .none, .some(.null): break
        case .object(let object):
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let id = UUID(uuidString: key) else {
                    input.add("relations", "键应为成员编号")
                    continue
                }
                guard case .string(let raw) = value, let relation = TongguanDomain.Relation(rawValue: raw) else {
                    input.add("relations.\(id.uuidString)", "取值应为:" + relationValues.joined(separator: "、"))
                    continue
                }
                relations[id] = relation
            }
        default: input.add("relations", "应为对象:成员编号 → 与新户主的关系")
        }
        input.markSeen("former_head_departure")
        var departure: Departure?
        switch input.rawValue("former_head_departure") {
        case .none, .some(.null): break
        case .object(let object):
            var reader = InputReader(object: object)
            let reason = reader.enumeration("reason", LeaveReason.self, required: true)
            let date = reader.date("date", required: true)
            _ = try? reader.finish()
            for p in reader.problems.problems { input.add("former_head_departure." + p.field, p.message) }
            if let reason, let date { departure = Departure(reason: reason, date: date) }
        default: input.add("former_head_departure", "应为对象:{reason, date}")
        }
        guard let newHead else { return nil }
        return RegistryService.HeadHandOver(newHead: newHead, relations: relations, formerHeadDeparture: departure)
    }

    func handOver(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await HouseholdsAPI.household(req)
        var input = try InputReader(req)
        let change = Self.read(&input)
        let version = input.integer("version", range: 1...Int64(Int32.max))
        try input.finish()
        if let version { household.version = Int(version) } else { try req.requireIfMatch(household) }
        try await RegistryService.handOver(household, change!, actor: req.auditActor, on: req.db)
        return try await HouseholdsAPI.respond(household, req: req)
    }
}
