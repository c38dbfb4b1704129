import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: OperationsRoutes())
    try app.register(collection: APIRoutes())

    let forms = app.grouped(CSRFMiddleware())
    try forms.register(collection: SignInPages())
    let web = forms.grouped(RequireWebLoginMiddleware())
    try web.register(collection: ShellPages())
    try web.register(collection: AuditPages())
    try web.register(collection: DivisionPages())
    try web.register(collection: UserPages())
    try web.register(collection: ProjectPages())
    try web.register(collection: RoundReportPages())
    try web.register(collection: ProjectTransferPages())
    try web.register(collection: RoundFormPages())
}

/// Everything under `/api/v1`. A module adds its collection and its schemas here.
struct APIRoutes: RouteCollection {
    static var schemas: [String: JSONSchema] {
        [TokenIssueAPI.schemas, UsersAPI.schemas, DivisionsAPI.schemas, AuditAPI.schemas, RoundsAPI.schemas, ProjectsAPI.schemas, ProjectTransferAPI.schemas]
            .reduce(into: [:]) { $0.merge($1) { a, _ in a } }
    }

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        try api.register(collection: TokenIssueAPI())
        let authed = api.grouped(BearerAuthMiddleware())
        try authed.register(collection: SelfAPI())
        try authed.register(collection: UsersAPI())
        try authed.register(collection: DivisionsAPI())
        try authed.register(collection: AuditAPI())
        try authed.register(collection: RoundsAPI())
        try authed.register(collection: ProjectsAPI())
        try authed.register(collection: ProjectTransferAPI())
    }
}
