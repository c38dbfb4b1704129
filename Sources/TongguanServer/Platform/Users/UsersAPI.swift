import Fluent
import FluentSQL
import TongguanDomain
import Vapor

/// `/api/v1/users`: admins manage the users of their own scope, never beyond it.
struct UsersAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.get(use: list).openAPI(
            .init(
                summary: "列出管辖范围内的用户", tag: "用户",
                query: [
                    .page, .per,
                    .init(name: "q", description: "按用户名筛选"),
                ],
                response: .page(of: .ref("User")), errors: [403, 422]))
        users.post(use: create).openAPI(
            .init(
                summary: "创建用户", tag: "用户", body: .ref("NewUser"), response: .ref("User"), status: 201, errors: [403]))
        users.get(":id", use: show).openAPI(
            .init(
                summary: "查看用户", tag: "用户", response: .ref("User"), errors: [403, 404]))
        users.patch(":id", use: update).openAPI(
            .init(
                summary: "修改角色、管辖范围或停用", tag: "用户", body: .ref("UserChange"), response: .ref("User"), errors: [403, 404]))
        users.post(":id", "password", use: resetPassword).openAPI(
            .init(
                summary: "重置密码(并吊销该用户的全部令牌)", tag: "用户", body: .ref("PasswordReset"), status: 204, errors: [403, 404]))
    }

    static let schemas: [String: JSONSchema] = [
        "User": UserDTO.schema, "NewUser": UserDTO.createSchema,
        "UserChange": UserDTO.updateSchema, "PasswordReset": UserDTO.passwordSchema,
    ]

    func list(req: Request) async throws -> Page<UserDTO> {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let paging = try PageRequest(from: req)
        var query = UserService.scopedUsers(caller.scope, on: req.db)
        var filters = QueryReader(req)
        let q = filters.text("q", maxLength: 64)
        try filters.finish()
        if let q {
            query = query.filter(.sql(embed: TextSearch.contains(User.schema, "username", Credentials.normalizedUsername(q))))
        }
        let total = try await query.count()
        let users = try await query.sort(\.$username).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: users.map(UserDTO.init), metadata: .init(page: paging.page, per: paging.per, total: total))
    }

    func create(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        var input = try InputReader(req)
        let username = input.string("username", required: true, maxLength: 64)
        let password = input.secret("password")
        let role = input.enumeration("role", Role.self, required: true)
        let division = input.divisionCode("division_code", required: true)
        for problem in try await UserService.problems(
            username: username, password: password, division: division,
            scope: caller.scope, on: req.db)
        {
            input.add(problem.field, problem.message)
        }
        try input.finish()
        let user = try await UserService.create(
            NewUser(username: username!, password: password!, role: role!, division: division!),
            actor: req.auditActor, on: req.db, passwords: req.application.tongguan.passwords)
        return try await UserDTO(user).encodeResponse(status: .created, for: req)
    }

    func show(req: Request) async throws -> UserDTO {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        return UserDTO(try await UserService.find(req.parameters.get("id"), in: caller.scope, on: req.db))
    }

    func update(req: Request) async throws -> UserDTO {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let user = try await UserService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let change = UserChange(
            role: input.enumeration("role", Role.self), division: input.divisionCode("division_code"),
            disabled: input.bool("disabled"))
        try input.finish()
        try await UserService.update(user, with: change, by: caller, actor: req.auditActor, on: req.db)
        return UserDTO(user)
    }

    func resetPassword(req: Request) async throws -> HTTPStatus {
        let caller = try req.caller
        try caller.require(\.canManageUsers)
        let user = try await UserService.find(req.parameters.get("id"), in: caller.scope, on: req.db)
        var input = try InputReader(req)
        let password = input.secret("password")
        try input.finish()
        try await UserService.resetPassword(
            user, to: password!, actor: req.auditActor, on: req.db,
            passwords: req.application.tongguan.passwords)
        return .noContent
    }
}
