import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/members`: one member's changes, the audited reveal of a full resident ID, and the
/// look-up by resident ID (in the body, never in a URL).
struct MembersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let members = routes.grouped("members")
        members.post("lookup", use: lookup).openAPI(
            .init(
                summary: "按身份证号查找在户成员(身份证号放在请求体中,不进入网址)", tag: "监测", body: .ref("LookupRequest"),
                response: .ref("LookupResult"), errors: [404, 422]))
        members.get(":id", use: show).openAPI(.init(summary: "查看成员(身份证号脱敏)", tag: "监测", response: .ref("Member"), errors: [404]))
        members.patch(":id", use: update).openAPI(
            .init(
                summary: "修改成员信息(需 If-Match)", tag: "监测",
                headers: [.init(name: "If-Match", description: "读取成员时得到的 ETag", required: true)],
                body: .ref("MemberChange"), response: .ref("Member"), errors: [403, 404, 409, 412, 422, 428]))
        members.post(":id", "leave", use: leave).openAPI(
            .init(
                summary: "成员离户(死亡、迁出、婚嫁、其他);户主离户而户内有他人时须指定新户主", tag: "监测", body: .ref("Leaving"),
                response: .ref("Household"), errors: [403, 404, 409, 422]))
        members.post(":id", "transfer", use: transfer).openAPI(
            .init(summary: "成员转移到另一户(同一条记录换户,不产生第二条)", tag: "监测", body: .ref("Transfer"), response: .ref("Household"), errors: [403, 404, 409, 422]))
        members.post(":id", "reveal", use: reveal).openAPI(
            .init(
                summary: "查看完整身份证号(仅管理员、督办人;须填写原因,记入审计)", tag: "监测", body: .ref("RevealRequest"), response: .ref("Revealed"),
                errors: [403, 404, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "Leaving": .object(
            [
                ("reason", .string(values: LeaveReason.allCases.map(\.rawValue))), ("date", .date),
                ("new_head_id", .uuid),
            ], required: ["reason", "date"]),
        "Transfer": .object(
            [
                ("to_household_code", .string(description: "转入户的户码")),
                ("relation", .string(values: TongguanDomain.Relation.allCases.map(\.rawValue))),
                ("new_head_id", .uuid),
            ], required: ["to_household_code", "relation"]),
        "RevealRequest": .object([("reason", .string(description: "查看原因"))], required: ["reason"]),
        "Revealed": .object([("resident_id", .string(description: "完整身份证号"))], required: ["resident_id"]),
        "LookupRequest": .object([("resident_id", .string(description: "18位身份证号"))], required: ["resident_id"]),
        "LookupResult": .object(
            [("member_id", .uuid), ("household_code", .string()), ("division_code", .divisionCode)],
            required: ["member_id", "household_code", "division_code"]),
    ]

    static func respond(_ member: Member, household: Household, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let caller = try req.caller
        let dto = MemberDTO(
            member, householdCode: household.code, maskedID: RegistryQueries.maskedID(member.residentIDSealed, ring: try req.registryKeys),
            disclosure: Disclosure(role: caller.role), today: RegistryFinder.today())
        let response = try await dto.encodeResponse(status: status, for: req)
        ETag.set(on: response, for: member)
        return response
    }

    func show(req: Request) async throws -> Response {
        let caller = try req.caller
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        return try await Self.respond(member, household: household, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        let ring = try req.registryKeys
        var input = try InputReader(req)
        let clear: String
        do { clear = try ring.open(member.residentIDSealed) } catch { throw Refusal.conflict(error.message) }
        let (fields, changed) = RegistryInput.memberChange(&input, current: member, clearID: clear, today: RegistryFinder.today())
        try input.finish()
        try req.requireIfMatch(member)
        try await RegistryService.updateMember(
            member, in: household, fields!, residentChanged: changed, ring: ring, actor: req.auditActor, on: req.db)
        return try await Self.respond(member, household: household, req: req)
    }

    func leave(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let reason = input.enumeration("reason", LeaveReason.self, required: true)
        let date = input.date("date", required: true)
        let newHead = Self.uuid(&input, "new_head_id")
        try input.finish()
        try await RegistryService.leave(
            member, in: household, Departure(reason: reason!, date: date!), newHead: newHead, actor: req.auditActor, on: req.db)
        return try await HouseholdsAPI.respond(household, req: req)
    }

    func transfer(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        var target: Household?
        if let raw = input.string("to_household_code", required: true, maxLength: 40) {
            do {
                target = try await RegistryFinder.household(code: raw, in: caller.scope, on: req.db)
            } catch let refusal as Refusal {
                input.add("to_household_code", refusal.message)
            }
        }
        let relation = input.enumeration("relation", TongguanDomain.Relation.self, required: true)
        let newHead = Self.uuid(&input, "new_head_id")
        try input.finish()
        try await RegistryService.transfer(
            member, from: household, to: target!, relation: relation!, newSourceHead: newHead, actor: req.auditActor, on: req.db)
        return try await HouseholdsAPI.respond(target!, req: req)
    }

    func reveal(req: Request) async throws -> RevealDTO {
        let caller = try req.caller
        try caller.require(\.canRevealResidentIDs)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let reason = RegistryInput.reason(&input)
        try input.finish()
        let clear = try await RegistryService.reveal(
            member, in: household, reason: reason!, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        return RevealDTO(residentID: clear)
    }

    func lookup(req: Request) async throws -> LookupDTO {
        let caller = try req.caller
        var input = try InputReader(req)
        var resident: ResidentIdentity?
        if let raw = input.string("resident_id", required: true, maxLength: 40) {
            do { resident = try ResidentIdentity(validating: raw) } catch { input.add("resident_id", error.message) }
        }
        try input.finish()
        guard let holder = try await RegistryFinder.presentHolder(of: resident!, ring: try req.registryKeys, on: req.db),
            caller.scope.contains(holder.divisionCode)
        else { throw Refusal.notFound }
        return LookupDTO(memberID: holder.memberID, householdCode: holder.householdCode, divisionCode: holder.divisionCode)
    }

    static func uuid(_ input: inout InputReader, _ field: String) -> UUID? {
        guard let raw = input.string(field, maxLength: 40, nullable: true) else { return nil }
        guard let id = UUID(uuidString: raw) else { input.add(field, "成员编号格式不正确"); return nil }
        return id
    }
}
