import Fluent
import Foundation
import TongguanDomain

/// A 三个一批 investment project.
final class Project: Model, Versioned, @unchecked Sendable {
    static let schema = "projects"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    /// Bumped on every change to the project or its milestones; the ETag.
    @Field(key: "version")
    var version: Int

    // references

    /// A county or below; the project's place in every scope check.
    @Field(key: "division_code")
    var divisionCode: String

    @Children(for: \.$project)
    var milestones: [Milestone]

    // data

    @Field(key: "name")
    var name: String

    @Field(key: "investor_name")
    var investorName: String

    @Field(key: "credit_code")
    var creditCode: String

    @Field(key: "development_zone")
    var developmentZone: String

    @Field(key: "industry")
    var industry: String

    @Field(key: "total_investment_fen")
    var totalInvestmentFen: Int64

    @Field(key: "expected_annual_output_fen")
    var expectedAnnualOutputFen: Int64

    @Field(key: "contact_person")
    var contactPerson: String

    @Field(key: "contact_phone")
    var contactPhone: String

    @Field(key: "notes")
    var notes: String

    init() {}
}

struct CreateProjects: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Project.schema)
            .id()
            .field("name", .string, .required)
            .field("investor_name", .string, .required)
            .field("credit_code", .string, .required)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("development_zone", .string, .required)
            .field("industry", .string, .required)
            .field("total_investment_fen", .int64, .required)
            .field("expected_annual_output_fen", .int64, .required)
            .field("contact_person", .string, .required)
            .field("contact_phone", .string, .required)
            .field("notes", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // An import matches a row to a project by credit code + name.
            .unique(on: "credit_code", "name")
            .create()
        let sql = database.sql
        try await sql.create(index: "projects_division").on(Project.schema).column("division_code").run()
        try await sql.create(index: "projects_industry").on(Project.schema).column("industry").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Project.schema).delete()
    }
}
