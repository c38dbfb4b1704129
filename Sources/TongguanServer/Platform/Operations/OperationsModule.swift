import Vapor

/// Health, metrics and the API description, for the IT department's tools.
struct OperationsModule: TongguanModule {
    let name = "operations"

    func routes(_ routes: ModuleRoutes) throws {
        try routes.root.register(collection: OperationsRoutes())
    }
}
