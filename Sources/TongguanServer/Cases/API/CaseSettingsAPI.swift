import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `/api/v1/units`, `/api/v1/leaders`: the bodies cases are routed to and the leaders who own cases.
struct UnitsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let units = routes.grouped("units")
        units.get(use: list).openAPI(
            .init(
                summary: "列出承办单位", tag: "诉求",
                query: [
                    .init(name: "division", description: "区划代码(含下级)"), .init(name: "active", description: "是否启用", schema: .boolean), .page, .per,
                ],
                response: .page(of: .ref("Unit")), errors: [422]))
        units.post(use: create).openAPI(
            .init(summary: "新建承办单位(管理员)", tag: "诉求", body: .ref("NewUnit"), response: .ref("Unit"), status: 201, errors: [403]))
        units.patch(":id", use: update).openAPI(
            .init(
                summary: "修改承办单位(管理员;需 If-Match)", tag: "诉求",
                headers: [.init(name: "If-Match", description: "读取时得到的 ETag", required: true)], body: .ref("UnitChange"),
                response: .ref("Unit"), errors: [403, 404, 412, 428]))
        units.post(":id", "members", use: addMember).openAPI(
            .init(summary: "把用户加入承办单位(管理员;用户只属于一个单位)", tag: "诉求", body: .ref("UnitMember"), response: .ref("Unit"), errors: [403, 404]))
        units.delete(":id", "members", ":user_id", use: removeMember).openAPI(
            .init(summary: "把用户移出承办单位(管理员)", tag: "诉求", response: .ref("Unit"), errors: [403, 404]))

        let leaders = routes.grouped("leaders")
        leaders.get(use: listLeaders).openAPI(
            .init(
                summary: "列出领导(包案)", tag: "诉求", query: [.init(name: "division", description: "区划代码(含下级)"), .page, .per],
                response: .page(of: .ref("Leader")), errors: [422]))
        leaders.post(use: createLeader).openAPI(
            .init(summary: "新建领导(管理员)", tag: "诉求", body: .ref("NewLeader"), response: .ref("Leader"), status: 201, errors: [403]))
    }

    static let schemas: [String: JSONSchema] = [
        "Unit": UnitDTO.schema, "Leader": LeaderDTO.schema,
        "NewUnit": .object([("name", .string()), ("division_code", .divisionCode), ("active", .boolean)], required: ["name", "division_code"]),
        "UnitChange": .object([("name", .string()), ("division_code", .divisionCode), ("active", .boolean)], required: []),
        "UnitMember": .object([("user_id", .uuid)], required: ["user_id"]),
        "NewLeader": .object(
            [("name", .string()), ("title", .string(description: "职务")), ("division_code", .divisionCode), ("user_id", .nullable(.uuid))],
            required: ["name", "title", "division_code"]),
    ]

    func list(req: Request) async throws -> Page<UnitDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        var q = QueryReader(req)
        let division = q.divisionCode("division")
        let active = q.bool("active")
        try q.finish()
        var query = UnitService.scoped(caller.scope, on: req.db)
        if let division { query = query.filter(\.$divisionCode =~ division.significantPrefix) }
        if let active { query = query.filter(\.$active == active) }
        let total = try await query.count()
        let rows = try await query.sort(\.$divisionCode).sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: rows.map { UnitDTO($0) }, metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func respond(_ unit: CaseUnit, status: HTTPResponseStatus = .ok, req: Request) async throws -> Response {
        let members = try await CaseUnitMember.query(on: req.db).filter(\.$unitID == unit.id!).all().compactMap(\.id)
        let response = try await UnitDTO(unit, members: members).encodeResponse(status: status, for: req)
        ETag.set(on: response, for: unit)
        return response
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let f = UnitService.Fields(
            name: input.string("name", required: true, maxLength: 100), division: input.divisionCode("division_code", required: true),
            active: input.bool("active"))
        for p in try await UnitService.problems(f, scope: caller.scope, unit: nil, on: req.db) { input.add(p.field, p.message) }
        try input.finish()
        return try await respond(try await UnitService.create(f, actor: req.auditActor, on: req.db), status: .created, req: req)
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let unit = try await UnitService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let f = UnitService.Fields(
            name: input.string("name", maxLength: 100), division: input.divisionCode("division_code"), active: input.bool("active"))
        if input.has("name"), f.name?.isEmpty == true { input.add("name", "此项为必填") }
        for p in try await UnitService.problems(f, scope: caller.scope, unit: unit, on: req.db) { input.add(p.field, p.message) }
        try input.finish()
        try req.requireIfMatch(unit)
        try await UnitService.update(unit, with: f, actor: req.auditActor, on: req.db)
        return try await respond(unit, req: req)
    }

    func addMember(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let unit = try await UnitService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let raw = input.string("user_id", required: true, maxLength: 40)
        try input.finish()
        let user: User
        do { user = try await UserService.find(raw, in: caller.scope, on: req.db) } catch { throw Refusal.invalid("user_id", "用户不存在或不在您的管辖范围内") }
        try await UnitService.addMember(user, to: unit, actor: req.auditActor, on: req.db)
        return try await respond(unit, req: req)
    }

    func removeMember(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let unit = try await UnitService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let user = try await UserService.find(req.parameters.get("user_id"), in: caller.scope, on: req.db)
        try await UnitService.removeMember(user, from: unit, actor: req.auditActor, on: req.db)
        return try await respond(unit, req: req)
    }

    func listLeaders(req: Request) async throws -> Page<LeaderDTO> {
        let caller = try req.caller
        let paging = try PageRequest(from: req)
        var q = QueryReader(req)
        let division = q.divisionCode("division")
        try q.finish()
        var query = LeaderService.scoped(caller.scope, on: req.db)
        if let division { query = query.filter(\.$divisionCode =~ division.significantPrefix) }
        let total = try await query.count()
        let rows = try await query.sort(\.$divisionCode).sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: rows.map(LeaderDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func createLeader(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let name = input.string("name", required: true, maxLength: 50)
        let title = input.string("title", required: true, maxLength: 100)
        let division = input.divisionCode("division_code", required: true)
        var userID: UUID? = nil
        if let raw = input.string("user_id", maxLength: 40, nullable: true), !raw.isEmpty {
            userID = UUID(uuidString: raw)
            if userID == nil { input.add("user_id", "用户编号格式不正确") }
        }
        if let name, let title, let division {
            let f = LeaderService.Fields(name: name, title: title, division: division, userID: userID)
            for p in try await LeaderService.problems(f, scope: caller.scope, on: req.db) { input.add(p.field, p.message) }
            try input.finish()
            let leader = try await LeaderService.create(f, actor: req.auditActor, on: req.db)
            return try await LeaderDTO(leader).encodeResponse(status: .created, for: req)
        }
        try input.finish()
        throw Refusal.invalid("name", "此项为必填")
    }
}

/// `/api/v1/cases/policies` and `/api/v1/cases/calendar`: the deadline policies and the
/// working calendar. Everyone reads them; the city's admins change them.
struct CaseSettingsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get("policies", use: policies).openAPI(
            .init(summary: "各来源的办理时限", tag: "诉求", response: .ref("CasePolicies")))
        cases.put("policies", use: putPolicies).openAPI(
            .init(
                summary: "修改办理时限(市级管理员;未结诉求的期限随之重算)", tag: "诉求", body: .ref("CasePolicies"), response: .ref("CasePolicies"),
                errors: [403]))
        cases.get("calendar", use: calendar).openAPI(
            .init(
                summary: "工作日历(法定节假日与调休上班日)", tag: "诉求",
                query: [.init(name: "year", description: "年份", schema: .integer(minimum: 1900, maximum: 2200))],
                response: .ref("CaseCalendar"), errors: [422]))
        cases.on(.POST, "calendar", "import", body: .collect(maxSize: "1mb"), use: importCalendar).openAPI(
            .init(
                summary: "导入工作日历 CSV(date,kind,name;替换文件中出现的年份,市级管理员)", tag: "诉求", body: .string(),
                response: .ref("CalendarImport"), errors: [403], bodyMediaTypes: ["text/csv"]))
    }

    static let policySchema = JSONSchema.object(
        [
            ("source", .string(values: CaseSource.allCases.map(\.rawValue))), ("counting", .string(values: DayCounting.allCases.map(\.rawValue))),
            ("route_days", .integer(minimum: 1, maximum: 365)), ("accept_days", .integer(minimum: 1, maximum: 365)),
            ("handle_days", .integer(minimum: 1, maximum: 365)), ("handle_from", .string(values: DeadlinePolicy.HandleFrom.allCases.map(\.rawValue))),
            ("extension_max_days", .integer(minimum: 1, maximum: 365)), ("review_request_days", .integer(minimum: 1, maximum: 365)),
            ("review_days", .integer(minimum: 1, maximum: 365)), ("re_review_days", .integer(minimum: 1, maximum: 365)),
        ], required: ["source", "counting", "handle_days", "handle_from"])

    static let schemas: [String: JSONSchema] = [
        "CasePolicy": policySchema,
        "CasePolicies": .object([("policies", .array(.ref("CasePolicy")))], required: ["policies"]),
        "CaseCalendar": .object(
            [
                ("loaded_years", .array(.integer())), ("unloaded_years", .array(.integer())),
                (
                    "entries",
                    .array(
                        .object(
                            [("date", .date), ("kind", .string(values: ["holiday", "workday"])), ("name", .string())],
                            required: ["date", "kind", "name"]))
                ),
            ], required: ["loaded_years", "unloaded_years", "entries"]),
        "CalendarImport": .object(
            [("years", .array(.integer())), ("entries", .integer()), ("cases_updated", .integer())], required: ["years", "entries", "cases_updated"]),
    ]

    struct PoliciesDTO: Content {
        var policies: [JSONValue]
    }

    static func dto(_ p: DeadlinePolicies) throws -> PoliciesDTO {
        let data = try JSONEncoder().encode(p.policies)
        guard case .array(let items) = try JSONDecoder().decode(JSONValue.self, from: data) else { return PoliciesDTO(policies: []) }
        return PoliciesDTO(policies: items)
    }

    func policies(req: Request) async throws -> PoliciesDTO {
        _ = try req.caller
        return try Self.dto(try await PolicyService.policies(on: req.db))
    }

    /// City-wide settings: only an admin of the root division changes them.
    static func requireCityAdmin(_ caller: Caller, on db: any Database) async throws {
        guard caller.role == .admin, let root = try await Division.root(on: db), caller.scope.root.rawValue == root.id else {
            throw Refusal.forbidden("只有市级管理员可以修改")
        }
    }

    func putPolicies(req: Request) async throws -> PoliciesDTO {
        let caller = try req.caller
        try await Self.requireCityAdmin(caller, on: req.db)
        var input = try InputReader(req)
        var list: [DeadlinePolicy] = []
        if let items = input.array("policies") {
            for (i, item) in items.enumerated() {
                var r = InputReader(object: item)
                let source = r.enumeration("source", CaseSource.self, required: true)
                let counting = r.enumeration("counting", DayCounting.self, required: true)
                func days(_ key: String, required: Bool = false) -> Int? {
                    if case .null = r.rawValue(key) { r.markSeen(key); return nil }
                    return r.integer(key, required: required, range: -100_000...100_000).map(Int.init)
                }
                let route = days("route_days"), accept = days("accept_days"), handle = days("handle_days", required: true)
                let from = r.enumeration("handle_from", DeadlinePolicy.HandleFrom.self, required: true)
                let ext = days("extension_max_days"), request = days("review_request_days"), review = days("review_days")
                let reReview = days("re_review_days")
                _ = try? r.finish()
                for p in r.problems.problems { input.add("policies[\(i)].\(p.field)", p.message) }
                if let source, let counting, let handle, let from {
                    list.append(
                        DeadlinePolicy(
                            source: source, counting: counting, routeDays: route, acceptDays: accept, handleDays: handle, handleFrom: from,
                            extensionMaxDays: ext, reviewRequestDays: request, reviewDays: review, reReviewDays: reReview))
                }
            }
        } else if !input.has("policies") {
            input.add("policies", "此项为必填")
        }
        var validated: DeadlinePolicies? = nil
        let flagged = Set(input.problems.problems.map(\.field))
        do { validated = try DeadlinePolicies(validating: list) } catch {
            for p in error.problems where !flagged.contains(p.field) && (input.problems.isEmpty || p.field != "policies") {
                input.add(p.field, p.message)
            }
        }
        try input.finish()
        _ = try await PolicyService.replace(validated!, actor: req.auditActor, on: req.db)
        return try Self.dto(try await PolicyService.policies(on: req.db))
    }

    struct CalendarDTO: Content {
        struct Entry: Content {
            var date: String
            var kind: String
            var name: String
        }

        var loadedYears: [Int]
        var unloadedYears: [Int]
        var entries: [Entry]
    }

    /// The years a dashboard checks for a loaded calendar: 2021 to next year.
    static func checkedYears(today: CivilDate = CaseClock.today()) -> ClosedRange<Int> { 2021...(today.year + 1) }

    func calendar(req: Request) async throws -> CalendarDTO {
        _ = try req.caller
        var q = QueryReader(req)
        var year: Int? = nil
        if let raw = q.text("year") {
            if let y = Int(raw), (1900...2200).contains(y) { year = y } else { q.add("year", "年份应为1900到2200之间的整数") }
        }
        try q.finish()
        let cal = try await CalendarService.calendar(on: req.db)
        return CalendarDTO(
            loadedYears: cal.loadedYears.sorted(), unloadedYears: cal.unloadedYears(in: Self.checkedYears()),
            entries: cal.entries.filter { year == nil || $0.date.year == year }.map {
                CalendarDTO.Entry(date: $0.date.description, kind: $0.kind.rawValue, name: $0.name)
            })
    }

    func importCalendar(req: Request) async throws -> CalendarService.ImportResult {
        let caller = try req.caller
        try await Self.requireCityAdmin(caller, on: req.db)
        let data = try SheetTransfer.file(of: req)
        let entries: [WorkingCalendar.Entry]
        do { entries = try HolidayCSV.parse(String(decoding: data, as: UTF8.self)) } catch {
            var problem = Problem(.unprocessableEntity, detail: "未导入任何数据:共\(error.problems.count)处错误")
            problem.rows = Array(error.problems.prefix(RowProblemTally.reportLimit))
            problem.rowCount = error.problems.count
            throw problem
        }
        return try await CalendarService.replaceYears(with: entries, actor: req.auditActor, on: req.db)
    }
}
