import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

// The same tables Tongguan writes, read the way a plain Fluent app would: no token, no
// scope check, no audit, no ETag. Environment: BARE_DB (SQLite file) or DATABASE_URL
// (PostgreSQL), BARE_PORT, LOG_LEVEL.

final class Project: Model, @unchecked Sendable {
    static let schema = "projects"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "investor_name") var investorName: String
    @Field(key: "credit_code") var creditCode: String
    @Field(key: "division_code") var divisionCode: String
    @Field(key: "development_zone") var developmentZone: String
    @Field(key: "industry") var industry: String
    @Field(key: "total_investment_fen") var totalInvestmentFen: Int64
    @Field(key: "expected_annual_output_fen") var expectedAnnualOutputFen: Int64
    @Field(key: "contact_person") var contactPerson: String
    @Field(key: "contact_phone") var contactPhone: String
    @Field(key: "notes") var notes: String
    @Field(key: "version") var version: Int
    @Children(for: \.$project) var milestones: [Milestone]
    init() {}
}

final class Milestone: Model, @unchecked Sendable {
    static let schema = "milestones"
    @ID(key: .id) var id: UUID?
    @Parent(key: "project_id") var project: Project
    @Field(key: "stage") var stage: String
    @Field(key: "date") var date: String
    @OptionalField(key: "round_id") var roundID: UUID?
    init() {}
}

struct MilestoneOut: Content {
    var stage: String
    var date: String
    var roundID: UUID?
}

struct ProjectOut: Content {
    var id: UUID
    var name: String
    var investorName: String
    var creditCode: String
    var divisionCode: String
    var developmentZone: String
    var industry: String
    var totalInvestmentFen: Int64
    var expectedAnnualOutputFen: Int64
    var contactPerson: String
    var contactPhone: String
    var notes: String
    var version: Int
    var milestones: [MilestoneOut]?

    init(_ p: Project, milestones: [Milestone]?) {
        id = p.id!; name = p.name; investorName = p.investorName; creditCode = p.creditCode
        divisionCode = p.divisionCode; developmentZone = p.developmentZone; industry = p.industry
        totalInvestmentFen = p.totalInvestmentFen; expectedAnnualOutputFen = p.expectedAnnualOutputFen
        contactPerson = p.contactPerson; contactPhone = p.contactPhone; notes = p.notes; version = p.version
        self.milestones = milestones?.map { MilestoneOut(stage: $0.stage, date: $0.date, roundID: $0.roundID) }
    }
}

struct ListOut: Content {
    var items: [ProjectOut]
}

let env = ProcessInfo.processInfo.environment
var environment = Environment(name: "production", arguments: ["bare"])
try LoggingSystem.bootstrap(from: &environment)
let app = try await Application.make(environment)
app.logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = Int(env["BARE_PORT"] ?? "") ?? 8090
if let url = env["DATABASE_URL"] {
    app.databases.use(try .postgres(url: url), as: .psql)
} else {
    app.databases.use(.sqlite(.file(env["BARE_DB"] ?? "tongguan.sqlite")), as: .sqlite)
}
let encoder = JSONEncoder()
encoder.keyEncodingStrategy = .convertToSnakeCase
ContentConfiguration.global.use(encoder: encoder, for: .json)

// One row, as stored.
app.get("row", ":id") { req async throws -> ProjectOut in
    guard let p = try await Project.find(req.parameters.get("id", as: UUID.self), on: req.db) else { throw Abort(.notFound) }
    return ProjectOut(p, milestones: nil)
}
// One project with its milestones (what the API's answer holds).
app.get("projects", ":id") { req async throws -> ProjectOut in
    guard let p = try await Project.find(req.parameters.get("id", as: UUID.self), on: req.db) else { throw Abort(.notFound) }
    let milestones = try await p.$milestones.get(on: req.db)
    return ProjectOut(p, milestones: milestones)
}
// 20 rows, as stored, first by name.
app.get("rows") { req async throws -> ListOut in
    let per = min(req.query[Int.self, at: "per"] ?? 20, 200)
    let rows = try await Project.query(on: req.db).sort(\.$name).limit(per).all()
    return ListOut(items: rows.map { ProjectOut($0, milestones: nil) })
}
// 20 projects with their milestones.
app.get("projects") { req async throws -> ListOut in
    let per = min(req.query[Int.self, at: "per"] ?? 20, 200)
    let rows = try await Project.query(on: req.db).sort(\.$name).limit(per).with(\.$milestones).all()
    return ListOut(items: rows.map { ProjectOut($0, milestones: $0.milestones) })
}
app.get("health") { _ in "ok" }
try await app.execute()
try await app.asyncShutdown()
