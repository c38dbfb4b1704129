import Fluent
import Foundation
import TongguanDomain
import Vapor

extension Role {
    /// Who may see a resident ID in full (with a reason, audited).
    var canRevealResidentIDs: Bool { self == .admin || self == .supervisor }
}

/// `/api/v1/households`: the registry (一户一码).
struct HouseholdsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let households = routes.grouped("households")
        households.get(use: list).openAPI(
            .init(
                summary: "列出农户", tag: "监测",
                query: [
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "q", description: "户主姓名或户码包含"),
                    .init(name: "status", description: "状态", schema: .string(values: HouseholdStatus.allCases.map(\.rawValue))), .page, .per,
                ],
                response: .page(of: .ref("HouseholdSummary")), errors: [422]))
        households.post(use: create).openAPI(
            .init(
                summary: "新建农户(同时登记户主),自动编制户码", tag: "监测", body: .ref("NewHousehold"), response: .ref("Household"), status: 201,
                errors: [403, 409, 422]))
        households.get(":code", use: show).openAPI(.init(summary: "查看农户及其成员(身份证号脱敏)", tag: "监测", response: .ref("Household"), errors: [404]))
        households.patch(":code", use: update).openAPI(
            .init(
                summary: "修改农户(住址、电话、迁往的村;需 If-Match)", tag: "监测",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)],
                body: .ref("HouseholdChange"), response: .ref("Household"), errors: [403, 404, 409, 412, 422, 428]))
        households.post(":code", "members", use: addMember).openAPI(
            .init(summary: "登记新成员", tag: "监测", body: .ref("NewMember"), response: .ref("Member"), status: 201, errors: [403, 404, 409, 422]))
        households.post(":code", "close", use: close).openAPI(
            .init(summary: "销户(须先办理所有成员离户或转移)", tag: "监测", body: .ref("Closure"), response: .ref("Household"), errors: [403, 404, 409, 422]))
    }

    static let schemas: [String: JSONSchema] = [
        "HouseholdSummary": HouseholdSummaryDTO.schema, "Household": HouseholdDTO.schema, "Member": MemberDTO.schema,
        "NewHousehold": HouseholdDTO.createSchema, "HouseholdChange": HouseholdDTO.changeSchema,
        "NewHead": MemberDTO.inputSchema(relation: false), "NewMember": MemberDTO.inputSchema(relation: true),
        "MemberChange": MemberDTO.changeSchema,
        "Closure": .object(
            [("reason", .string(values: HouseholdCloseReason.allCases.map(\.rawValue))), ("date", .date)], required: ["reason", "date"]),
    ]

    func list(req: Request) async throws -> Page<HouseholdSummaryDTO> {
        let caller = try req.caller
        let (paging, filter) = try Self.listRequest(req)
        let (rows, total) = try await RegistryQueries.list(filter, scope: caller.scope, paging: paging, on: req.db)
        let disclosure = Disclosure(role: caller.role)
        return Page(
            items: rows.map {
                HouseholdSummaryDTO(
                    householdCode: $0.household_code, divisionCode: $0.division_code, headName: $0.head_name.map(disclosure.name),
                    memberCount: $0.member_count, status: $0.status, version: $0.version)
            }, metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    /// Paging and filters, every bad value at once.
    static func listRequest(_ req: Request) throws -> (PageRequest, HouseholdFilter) {
        var problems: [FieldProblem] = []
        var paging: PageRequest?
        var filter: HouseholdFilter?
        do { paging = try PageRequest(from: req) } catch let failure as ValidationFailure { problems += failure.problems }
        do { filter = try HouseholdFilter(from: req) } catch let failure as ValidationFailure { problems += failure.problems }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return (paging!, filter!)
    }

    /// The household a path names. A code whose check character is wrong is answered as
    /// missing, saying why (a typo), before any look-up.
    static func household(_ req: Request) async throws -> Household {
        let raw = req.parameters.get("code") ?? ""
        do { _ = try HouseholdCode(validating: raw) } catch { throw Problem(.notFound, detail: error.message) }
        return try await RegistryFinder.household(code: raw, in: try req.caller.scope, on: req.db)
    }

    static func respond(_ household: Household, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let caller = try req.caller
        let members = try await RegistryFinder.members(of: household, on: req.db)
        let dto = HouseholdDTO(
            household,
            members: RegistryQueries.memberDTOs(
                members, householdCode: household.code, ring: try req.registryKeys, disclosure: Disclosure(role: caller.role),
                today: RegistryFinder.today()),
            disclosure: Disclosure(role: caller.role))
        let response = try await dto.encodeResponse(status: status, for: req)
        ETag.set(on: response, for: household)
        return response
    }

    func show(req: Request) async throws -> Response {
        try await Self.respond(try await Self.household(req), req: req)
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        var input = try InputReader(req)
        let today = RegistryFinder.today()
        let village = try await RegistryInput.village(
            input.divisionCode("division_code", required: true), field: "division_code", scope: caller.scope, into: &input, on: req.db)
        let address = input.string("address", maxLength: MemberSheet.maximumAddressLength, nullable: true)
        let phone = input.string("phone", maxLength: 40, nullable: true)
        var head: RegistryForms.MemberFields?
        input.markSeen("head")
        if case .object(let object) = input.rawValue("head") {
            var reader = InputReader(object: object)
            head = RegistryInput.member(&reader, relation: .head, today: today)
            _ = try? reader.finish()
            for p in reader.problems.problems { input.add("head." + p.field, p.message) }
            if !reader.problems.isEmpty { head = nil }
        } else {
            input.add("head", "此项为必填,应为户主信息对象")
        }
        var fields: RegistryForms.HouseholdFields?
        do { fields = try RegistryForms.household(divisionCode: village?.rawValue ?? "", address: address, phone: phone) } catch {
            for p in error.problems where p.field != "division_code" { input.add(p.field, p.message) }
        }
        try input.finish()
        let household = try await RegistryService.createHousehold(fields!, head: head!, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        return try await Self.respond(household, status: .created, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await Self.household(req)
        var input = try InputReader(req)
        var change = RegistryService.HouseholdChange()
        change.divisionCode = try await RegistryInput.village(
            input.divisionCode("division_code"), field: "division_code", scope: caller.scope, into: &input, on: req.db)
        let address = input.string("address", maxLength: MemberSheet.maximumAddressLength, nullable: true)
        let phone = input.string("phone", maxLength: 40, nullable: true)
        do {
            let checked = try RegistryForms.household(
                divisionCode: change.divisionCode?.rawValue ?? household.divisionCode, address: address, phone: phone)
            if input.has("address") { change.address = .some(checked.address) }
            if input.has("phone") { change.phone = .some(checked.phone) }
        } catch {
            for p in error.problems { input.add(p.field, p.message) }
        }
        try input.finish()
        try req.requireIfMatch(household)
        try await RegistryService.updateHousehold(household, change, actor: req.auditActor, on: req.db)
        return try await Self.respond(household, req: req)
    }

    func addMember(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await Self.household(req)
        var input = try InputReader(req)
        let fields = RegistryInput.member(&input, today: RegistryFinder.today())
        try input.finish()
        let member = try await RegistryService.addMember(household, fields!, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        return try await MembersAPI.respond(member, household: household, status: .created, req: req)
    }

    func close(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canEditRecords)
        let household = try await Self.household(req)
        var input = try InputReader(req)
        let reason = input.enumeration("reason", HouseholdCloseReason.self, required: true)
        let date = input.date("date", required: true)
        try input.finish()
        try await RegistryService.close(household, HouseholdClosure(reason: reason!, date: date!), actor: req.auditActor, on: req.db)
        return try await Self.respond(household, req: req)
    }
}
