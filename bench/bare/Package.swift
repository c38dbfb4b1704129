// swift-tools-version:6.0
// The bare Vapor app the read benchmark compares Tongguan with: the same rows from the same
// database, with no auth, no scope, no middleware beyond Vapor's defaults. Built by
// bench/run.sh with its own scratch path (.build-bench); never part of the main package.
import PackageDescription

let package = Package(
    name: "bare-projects",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.110.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "BareProjects",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
