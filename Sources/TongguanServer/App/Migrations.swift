import Fluent

enum Migrations {
    /// Every module's migrations, in module order.
    static var all: [any Migration] { Modules.all.flatMap(\.migrations) }
}
