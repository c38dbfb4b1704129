import Fluent
import Foundation
import TongguanDomain

/// A 三个一批 investment project.
final class Project: Model, Versioned, @unchecked Sendable {
    static let schema = "projects"

    /// Column names, declared once: the model, the migrations, the bulk writer and raw SQL
    /// all name columns through these.
    enum FieldKeys {
        static let id: FieldKey = .id
        static let createdAt: FieldKey = "created_at"
        static let updatedAt: FieldKey = "updated_at"
        static let version: FieldKey = "version"
        static let divisionCode: FieldKey = "division_code"
        static let name: FieldKey = "name"
        static let investorName: FieldKey = "investor_name"
        static let creditCode: FieldKey = "credit_code"
        static let developmentZone: FieldKey = "development_zone"
        static let industry: FieldKey = "industry"
        static let totalInvestmentFen: FieldKey = "total_investment_fen"
        static let expectedAnnualOutputFen: FieldKey = "expected_annual_output_fen"
        static let contactPerson: FieldKey = "contact_person"
        static let contactPhone: FieldKey = "contact_phone"
        static let notes: FieldKey = "notes"
    }

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: FieldKeys.createdAt, on: .create)
    var createdAt: Date?

    @Timestamp(key: FieldKeys.updatedAt, on: .update)
    var updatedAt: Date?

    /// Bumped on every change to the project or its milestones; the ETag.
    @Field(key: FieldKeys.version)
    var version: Int

    // references

    /// A county or below; the project's place in every scope check.
    @Field(key: FieldKeys.divisionCode)
    var divisionCode: String

    @Children(for: \.$project)
    var milestones: [Milestone]

    // data

    @Field(key: FieldKeys.name)
    var name: String

    @Field(key: FieldKeys.investorName)
    var investorName: String

    @Field(key: FieldKeys.creditCode)
    var creditCode: String

    @Field(key: FieldKeys.developmentZone)
    var developmentZone: String

    @Field(key: FieldKeys.industry)
    var industry: String

    @Field(key: FieldKeys.totalInvestmentFen)
    var totalInvestmentFen: Int64

    @Field(key: FieldKeys.expectedAnnualOutputFen)
    var expectedAnnualOutputFen: Int64

    @Field(key: FieldKeys.contactPerson)
    var contactPerson: String

    @Field(key: FieldKeys.contactPhone)
    var contactPhone: String

    @Field(key: FieldKeys.notes)
    var notes: String

    init() {}
}

struct CreateProjects: AsyncMigration {
    func prepare(on database: any Database) async throws {
        typealias K = Project.FieldKeys
        try await database.schema(Project.schema)
            .id()
            .field(K.name, .string, .required)
            .field(K.investorName, .string, .required)
            .field(K.creditCode, .string, .required)
            .field(K.divisionCode, .string, .required, .references(Division.schema, "code"))
            .field(K.developmentZone, .string, .required)
            .field(K.industry, .string, .required)
            .field(K.totalInvestmentFen, .int64, .required)
            .field(K.expectedAnnualOutputFen, .int64, .required)
            .field(K.contactPerson, .string, .required)
            .field(K.contactPhone, .string, .required)
            .field(K.notes, .string, .required)
            .field(K.version, .int, .required)
            .field(K.createdAt, .datetime)
            .field(K.updatedAt, .datetime)
            // An import matches a row to a project by credit code + name.
            .unique(on: K.creditCode, K.name)
            .create()
        let sql = database.sql
        try await sql.create(index: "projects_division").on(Project.schema).column(K.divisionCode.description).run()
        try await sql.create(index: "projects_industry").on(Project.schema).column(K.industry.description).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Project.schema).delete()
    }
}
