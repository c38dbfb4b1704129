/// Every module of the application, in the order their migrations run and their navigation
/// and home cards appear when orders tie. Adding a module is one folder and one line here.
enum Modules {
    static let all: [any TongguanModule] = [
        OperationsModule(),
        AuditModule(),
        DivisionsModule(),
        UsersModule(),
        AuthModule(),
        ShellModule(),
        ProjectsModule(),
        MonitoringModule(),
        CasesModule(),
        LedgersModule(),
        IndicatorsModule(),
    ]

    /// Every query kind the modules offer to 指标, by kind.
    static let indicatorQueries: [String: IndicatorQueryKind] = Dictionary(
        all.flatMap(\.indicatorQueries).map { ($0.spec.kind, $0) }, uniquingKeysWith: { first, _ in first })

    /// Every sheet kind, for the App-level import and export commands.
    static var sheets: [SheetKind] { all.flatMap(\.sheets) }

    /// Every module's audit labels in one table (labels are unique per action).
    static let auditLabels: [String: String] = all.reduce(into: [:]) { labels, module in
        labels.merge(module.auditLabels) { first, _ in first }
    }

    /// The top navigation, in order.
    static let navigation: [NavigationEntry] = all.flatMap(\.navigation).enumerated()
        .sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }.map(\.element)

    static var schemas: [String: JSONSchema] {
        all.reduce(into: [:]) { schemas, module in schemas.merge(module.schemas) { first, _ in first } }
    }
}
