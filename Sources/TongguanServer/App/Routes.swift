import Vapor

/// Hands every module its route builders, each with the middleware its kind of route needs.
func routes(_ app: Application) throws {
    let api = app.grouped("api", "v1")
    let forms = app.grouped(CSRFMiddleware())
    let builders = ModuleRoutes(
        api: api.grouped(BearerAuthMiddleware()), publicAPI: api,
        pages: forms.grouped(RequireWebLoginMiddleware()), publicPages: forms, root: app)
    for module in Modules.all {
        try module.routes(builders)
    }
}
