import ConsoleKit
import Fluent
import TongguanDomain
import Vapor

/// 用户: accounts with a role and a division scope, managed by admins within their scope.
struct UsersModule: TongguanModule {
    let name = "users"
    var migrations: [any Migration] { [CreateUsers(), AddUserSessionCutoff()] }
    var schemas: [String: JSONSchema] { UsersAPI.schemas }
    var auditLabels: [String: String] {
        ["user.create": "新建用户", "user.update": "修改用户", "user.moved_out": "用户调出", "user.password_reset": "重置密码"]
    }
    var navigation: [NavigationEntry] { [NavigationEntry(href: "/users", label: "用户", order: 90, visible: { $0.canManageUsers })] }
    var commands: [String: any AnyAsyncCommand] { ["user": UserCommands()] }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.api.register(collection: UsersAPI())
        try routes.pages.register(collection: UserPages())
    }
}
