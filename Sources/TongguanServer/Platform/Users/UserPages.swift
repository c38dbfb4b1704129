import Fluent
import TongguanDomain
import Vapor

/// The 用户 pages: list, create, edit, reset password. Same rules as the API (UserService).
struct UserPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.get(":id", use: edit)
        users.post(":id", use: update)
        users.post(":id", "password", use: resetPassword)
    }

    struct Row: Encodable, Sendable {
        var id: String
        var username: String
        var role: String
        var division: String
        var disabled: Bool
    }

    struct ListBody: Encodable, Sendable {
        var users: [Row]
        var roles: [SelectOption]
        var divisions: [SelectOption]
        var form: NewForm
        /// nil rather than empty: Leaf treats an empty array as true.
        var errors: [FieldProblem]?
    }

    struct NewForm: Content {
        var username: String?
        var password: String?
        var role: String?
        var division_code: String?
    }

    static func roles(selected: String?) -> [SelectOption] {
        Role.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    /// Scopes to grant: down to townships from the city, down to villages from a county
    /// (a city's villages are thousands; the API takes any code in scope).
    static func divisions(for caller: Caller, selected: String?, on db: any Database) async throws -> [SelectOption] {
        try await Division.options(in: caller.scope, selected: selected, levels: Division.scopeLevels(below: caller.scope), withCode: true, on: db)
    }

    func listPage(req: Request, form: NewForm, errors: [FieldProblem], status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.caller
        let users = try await UserService.scopedUsers(caller.scope, on: req.db).sort(\.$username).limit(500).all()
        let body = ListBody(
            users: users.map {
                Row(id: $0.id?.uuidString ?? "", username: $0.username, role: $0.role.label, division: $0.divisionCode, disabled: $0.disabled)
            },
            roles: Self.roles(selected: form.role ?? Role.viewer.rawValue),
            divisions: try await Self.divisions(for: caller, selected: form.division_code ?? caller.scope.root.rawValue, on: req.db),
            form: NewForm(username: form.username), errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "users", title: "用户", active: "/users", status: status,
            error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    func list(req: Request) async throws -> Response {
        try req.caller.require(\.canManageUsers)
        return try await listPage(req: req, form: NewForm(), errors: [])
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let form = try req.content.decode(NewForm.self)
        var problems = ProblemList()
        let role = form.role.flatMap(Role.init(rawValue:))
        if role == nil { problems.add("role", "请选择角色") }
        var division: DivisionCode? = nil
        do { division = try DivisionCode(validating: form.division_code ?? "") } catch { problems.add("division_code", error.message) }
        if (form.username ?? "").isEmpty { problems.add("username", "此项为必填") }
        if (form.password ?? "").isEmpty { problems.add("password", "此项为必填") }
        for p in try await UserService.problems(
            username: form.username.flatMap { $0.isEmpty ? nil : $0 },
            password: form.password.flatMap { $0.isEmpty ? nil : $0 },
            division: division, scope: caller.scope, on: req.db)
        {
            problems.add(p.field, p.message)
        }
        guard problems.isEmpty else {
            return try await listPage(req: req, form: form, errors: problems.problems, status: .unprocessableEntity)
        }
        _ = try await UserService.create(
            NewUser(username: form.username!, password: form.password!, role: role!, division: division!),
            actor: req.auditActor, on: req.db, passwords: req.application.tongguan.passwords)
        return req.redirect(to: "/users?notice=created")
    }

    struct EditBody: Encodable, Sendable {
        var id: String
        var username: String
        var disabled: Bool
        var roles: [SelectOption]
        var divisions: [SelectOption]
        var errors: [FieldProblem]?
    }

    func editPage(req: Request, user: User, errors: [FieldProblem], status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.caller
        let body = EditBody(
            id: user.id?.uuidString ?? "", username: user.username, disabled: user.disabled,
            roles: Self.roles(selected: user.role.rawValue),
            divisions: try await Self.divisions(for: caller, selected: user.divisionCode, on: req.db),
            errors: errors.isEmpty ? nil : errors)
        return try await req.page(
            "user-edit", title: "用户 \(user.username)", active: "/users", status: status,
            error: errors.isEmpty ? nil : "请修改标出的问题", body)
    }

    func edit(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let user = try await UserService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        return try await editPage(req: req, user: user, errors: [])
    }

    struct EditForm: Content {
        var role: String?
        var division_code: String?
        var disabled: String?
    }

    func update(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let user = try await UserService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(EditForm.self)
        let change = UserChange(
            role: form.role.flatMap(Role.init(rawValue:)), division: form.division_code.flatMap(DivisionCode.init),
            disabled: form.disabled == "on")
        do {
            try await UserService.update(user, with: change, by: caller, actor: req.auditActor, on: req.db)
        } catch let failure as ValidationFailure {
            return try await editPage(req: req, user: user, errors: failure.problems, status: .unprocessableEntity)
        }
        return req.redirect(to: "/users/\(user.id!.uuidString)?notice=saved")
    }

    struct PasswordForm: Content {
        var password: String?
    }

    func resetPassword(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let user = try await UserService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(PasswordForm.self)
        do {
            try await UserService.resetPassword(
                user, to: form.password ?? "", actor: req.auditActor, on: req.db,
                passwords: req.application.tongguan.passwords)
        } catch let refusal as Refusal {
            let errors = FormErrors(refusal)
            return try await editPage(req: req, user: user, errors: errors.fields, status: errors.status)
        }
        return req.redirect(to: "/users/\(user.id!.uuidString)?notice=password")
    }
}
