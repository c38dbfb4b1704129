import Fluent
import SQLKit

/// The registry's tables. A resident ID is unique among present members through a partial
/// unique index on its blind index (both engines have partial indexes); members who left
/// keep their rows and may share an ID with a present one (someone who moved out and back).
struct CreateRegistry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Household.schema)
            .id()
            .field("household_code", .string, .required)
            .field("division_code", .string, .required, .references("divisions", "code"))
            .field("address", .string)
            .field("phone", .string)
            .field("status", .string, .required)
            .field("close_reason", .string)
            .field("closed_on", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "household_code", name: "households_code")
            .create()
        try await database.schema(Member.schema)
            .id()
            .field("household_id", .uuid, .required, .references(Household.schema, "id"))
            .field("name", .string, .required)
            .field("resident_id_sealed", .string, .required)
            .field("resident_id_index", .string, .required)
            .field("birth_date", .string, .required)
            .field("sex", .string, .required)
            .field("relation", .string, .required)
            .field("labour_capacity", .string, .required)
            .field("disability", .bool, .required)
            .field("chronic_illness", .bool, .required)
            .field("school_stage", .string, .required)
            .field("work_status", .string, .required)
            .field("basic_medical_insurance", .bool, .required)
            .field("status", .string, .required)
            .field("leave_reason", .string)
            .field("left_on", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "households_division").on(Household.schema).column("division_code").run()
        try await sql.create(index: "members_household").on(Member.schema).column("household_id").run()
        try await sql.raw(
            "CREATE UNIQUE INDEX members_present_resident ON \(ident: Member.schema) (resident_id_index) WHERE status = 'present'"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Member.schema).delete()
        try await database.schema(Household.schema).delete()
    }
}
