import Fluent
import TongguanDomain
import Vapor

/// 登录: sign-in for the web and the API, sessions, tokens and throttling.
struct AuthModule: TongguanModule {
    let name = "auth"
    var migrations: [any Migration] { [CreateApiTokens(), CreateLoginThrottles(), SessionRecord.migration, ReplaceLoginThrottles()] }
    var schemas: [String: JSONSchema] { TokenIssueAPI.schemas }
    var auditLabels: [String: String] {
        ["login.success": "登录成功", "login.failure": "登录失败", "login.unlock": "解除登录锁定", "token.revoke": "吊销令牌"]
    }

    func routes(_ routes: ModuleRoutes) throws {
        try routes.publicAPI.register(collection: TokenIssueAPI())
        try routes.api.register(collection: SelfAPI())
        try routes.publicPages.register(collection: SignInPages())
    }
}
