import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Admins' pages of 诉求: units and their members, leaders, and the working calendar
/// (upload a year's file, add or remove a day; the dashboard flags unloaded years).
struct CaseAdminPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases")
        cases.get("units", use: units)
        cases.post("units", use: createUnit)
        cases.post("units", ":id", "members", use: addMember)
        cases.get("leaders", use: leaders)
        cases.post("leaders", use: createLeader)
        cases.get("calendar", use: calendar)
        cases.upload("calendar", "import", maxSize: "1mb", use: importCalendar)
        cases.post("calendar", "days", use: setDay)
        cases.post("calendar", "days", ":date", "delete", use: removeDay)
    }

    struct UnitRow: Encodable, Sendable {
        var id: String
        var name: String
        var division: String
        var active: Bool
        var members: String
    }

    struct UnitsBody: Encodable, Sendable {
        var rows: [UnitRow]
        var divisions: [SelectOption]
        var users: [SelectOption]
        var errors: [FieldProblem]?
    }

    func unitsPage(req: Request, status: HTTPResponseStatus = .ok, errors: [FieldProblem] = [], error: String? = nil) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let units = try await UnitService.scoped(caller.scope, on: req.db).sort(\.$divisionCode).sort(\.$name).limit(500).all()
        let names = try await Division.names(of: Set(units.map(\.divisionCode)), on: req.db)
        var rows: [UnitRow] = []
        for u in units {
            let members = try await UnitService.members(of: u, on: req.db).map(\.username).joined(separator: "、")
            rows.append(
                UnitRow(id: u.id!.uuidString, name: u.name, division: names[u.divisionCode] ?? u.divisionCode, active: u.active, members: members))
        }
        let users = try await UserService.scopedUsers(caller.scope, on: req.db).sort(\.$username).limit(500).all()
        return try await req.page(
            "cases/units", title: "承办单位", active: "/cases", status: status, error: error,
            UnitsBody(
                rows: rows, divisions: try await Division.options(in: caller.scope, selected: nil, on: req.db),
                users: users.map { SelectOption(value: $0.id!.uuidString, label: $0.username, selected: false) },
                errors: errors.isEmpty ? nil : errors))
    }

    func units(req: Request) async throws -> Response { try await unitsPage(req: req) }

    struct UnitForm: Content {
        var name: String?
        var division_code: String?
        var user_id: String?
    }

    func createUnit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(UnitForm.self)
        var input = InputReader(object: ["name": .string(form.name ?? ""), "division_code": .string(form.division_code ?? "")])
        let f = UnitService.Fields(
            name: input.string("name", required: true, maxLength: 100), division: input.divisionCode("division_code", required: true))
        for p in try await UnitService.problems(f, scope: caller.scope, unit: nil, on: req.db) { input.add(p.field, p.message) }
        guard input.problems.isEmpty else {
            return try await unitsPage(req: req, status: .unprocessableEntity, errors: input.problems.problems, error: "请修改标出的问题")
        }
        _ = try await UnitService.create(f, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/cases/units?notice=created")
    }

    func addMember(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let unit = try await UnitService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(UnitForm.self)
        guard let user = try? await UserService.find(form.user_id, in: caller.scope, on: req.db) else {
            return try await unitsPage(
                req: req, status: .unprocessableEntity, errors: [FieldProblem(field: "user_id", message: "请选择用户")], error: "请选择用户")
        }
        try await UnitService.addMember(user, to: unit, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/cases/units?notice=saved")
    }

    struct LeaderRow: Encodable, Sendable {
        var id: String
        var name: String
        var title: String
        var division: String
        var user: String
    }

    struct LeadersBody: Encodable, Sendable {
        var rows: [LeaderRow]
        var divisions: [SelectOption]
        var users: [SelectOption]
        var errors: [FieldProblem]?
    }

    func leadersPage(req: Request, status: HTTPResponseStatus = .ok, errors: [FieldProblem] = []) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let leaders = try await LeaderService.scoped(caller.scope, on: req.db).sort(\.$divisionCode).sort(\.$name).limit(500).all()
        let names = try await Division.names(of: Set(leaders.map(\.divisionCode)), on: req.db)
        let users = try await UserService.scopedUsers(caller.scope, on: req.db).sort(\.$username).limit(500).all()
        let usernames = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.username) })
        return try await req.page(
            "cases/leaders", title: "领导", active: "/cases", status: status, error: errors.isEmpty ? nil : "请修改标出的问题",
            LeadersBody(
                rows: leaders.map {
                    LeaderRow(
                        id: $0.id!.uuidString, name: $0.name, title: $0.title, division: names[$0.divisionCode] ?? $0.divisionCode,
                        user: $0.userID.flatMap { usernames[$0] } ?? "—")
                },
                divisions: try await Division.options(in: caller.scope, selected: nil, on: req.db),
                users: users.map { SelectOption(value: $0.id!.uuidString, label: $0.username, selected: false) },
                errors: errors.isEmpty ? nil : errors))
    }

    func leaders(req: Request) async throws -> Response { try await leadersPage(req: req) }

    struct LeaderForm: Content {
        var name: String?
        var title: String?
        var division_code: String?
        var user_id: String?
    }

    func createLeader(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(LeaderForm.self)
        var input = InputReader(object: [
            "name": .string(form.name ?? ""), "title": .string(form.title ?? ""), "division_code": .string(form.division_code ?? ""),
        ])
        let name = input.string("name", required: true, maxLength: 50)
        let title = input.string("title", required: true, maxLength: 100)
        let division = input.divisionCode("division_code", required: true)
        let userID = form.user_id.flatMap { UUID(uuidString: $0) }
        if let name, let title, let division {
            let f = LeaderService.Fields(name: name, title: title, division: division, userID: userID)
            for p in try await LeaderService.problems(f, scope: caller.scope, on: req.db) { input.add(p.field, p.message) }
            if input.problems.isEmpty {
                _ = try await LeaderService.create(f, actor: req.auditActor, on: req.db)
                return req.redirect(to: "/cases/leaders?notice=created")
            }
        }
        return try await leadersPage(req: req, status: .unprocessableEntity, errors: input.problems.problems)
    }

    // MARK: calendar

    struct DayRow: Encodable, Sendable {
        var date: String
        var kind: String
        var name: String
    }

    struct CalendarBody: Encodable, Sendable {
        var year: Int
        var years: [SelectOption]
        var unloaded: [Int]?
        var rows: [DayRow]
        var canEdit: Bool
        var problems: [String]?
    }

    func calendarPage(
        req: Request, year: Int? = nil, status: HTTPResponseStatus = .ok, problems: [String] = [], notice: String? = nil
    ) async throws
        -> Response
    {
        let caller = try req.caller
        let cal = try await CalendarService.calendar(on: req.db)
        let today = CaseClock.today()
        let shown = year ?? req.query[Int.self, at: "year"] ?? today.year
        let years = Array(Set(cal.loadedYears).union(CaseSettingsAPI.checkedYears(today: today))).sorted()
        let canEdit = (try? await CaseSettingsAPI.requireCityAdmin(caller, on: req.db)) != nil
        let unloaded = cal.unloadedYears(in: CaseSettingsAPI.checkedYears(today: today))
        return try await req.page(
            "cases/calendar", title: "工作日历", active: "/cases", status: status, error: problems.isEmpty ? notice : "未导入任何数据",
            CalendarBody(
                year: shown, years: years.map { SelectOption(value: String($0), label: "\($0)年", selected: $0 == shown) },
                unloaded: unloaded.isEmpty ? nil : unloaded,
                rows: cal.entries.filter { $0.date.year == shown }.map { DayRow(date: $0.date.description, kind: $0.kind.label, name: $0.name) },
                canEdit: canEdit, problems: problems.isEmpty ? nil : problems))
    }

    func calendar(req: Request) async throws -> Response { try await calendarPage(req: req) }

    func importCalendar(req: Request) async throws -> Response {
        let caller = try req.caller
        try await CaseSettingsAPI.requireCityAdmin(caller, on: req.db)
        let form = try req.content.decode(UploadForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return try await calendarPage(req: req, status: .unprocessableEntity, problems: ["请选择要导入的文件"])
        }
        do {
            let entries = try HolidayCSV.parse(String(buffer: file.data))
            let result = try await CalendarService.replaceYears(with: entries, actor: req.auditActor, on: req.db)
            return req.redirect(to: "/cases/calendar?year=\(result.years.first ?? CaseClock.today().year)&notice=saved")
        } catch let problems as ImportProblems {
            return try await calendarPage(req: req, status: .unprocessableEntity, problems: problems.problems.prefix(200).map(\.text))
        }
    }

    struct DayForm: Content {
        var date: String?
        var kind: String?
        var name: String?
    }

    func setDay(req: Request) async throws -> Response {
        let caller = try req.caller
        try await CaseSettingsAPI.requireCityAdmin(caller, on: req.db)
        let form = try req.content.decode(DayForm.self)
        guard let date = form.date.flatMap({ try? CivilDate.validatingISO($0) }), let kind = form.kind.flatMap(HolidayCSV.dayKind),
            let name = try? TextPolicy.singleLine(form.name ?? "")
        else { return try await calendarPage(req: req, status: .unprocessableEntity, problems: ["请填写日期、类型和节日名称"]) }
        do {
            try await CalendarService.setDay(.init(date: date, kind: kind, name: name), actor: req.auditActor, on: req.db)
        } catch let refusal as Refusal {
            return try await calendarPage(req: req, year: date.year, status: .unprocessableEntity, problems: refusal.problems.map(\.message))
        }
        return req.redirect(to: "/cases/calendar?year=\(date.year)&notice=saved")
    }

    func removeDay(req: Request) async throws -> Response {
        let caller = try req.caller
        try await CaseSettingsAPI.requireCityAdmin(caller, on: req.db)
        guard let date = req.parameters.get("date").flatMap(CivilDate.init(iso:)) else { throw Refusal.notFound }
        try await CalendarService.removeDay(date, actor: req.auditActor, on: req.db)
        return req.redirect(to: "/cases/calendar?year=\(date.year)&notice=deleted")
    }
}
