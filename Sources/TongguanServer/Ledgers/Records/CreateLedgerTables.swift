import Fluent
import SQLKit

/// The ledger tables. Items keep their values as JSON for reading back, and one row per
/// value in `ledger_values` for filtering and aggregating through indexes; `ledger_unique`
/// holds the values of unique fields under a unique constraint; `ledger_tallies` keeps
/// running counts and sums per division and state, so the common aggregates read a few
/// hundred rows instead of a million (README, 台账 storage).
struct CreateLedgerTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ledger.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("definition", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema(LedgerVersion.schema)
            .id()
            .field("ledger_id", .uuid, .required, .references(Ledger.schema, "id"))
            .field("version", .int, .required)
            .field("definition", .string, .required)
            .field("changes", .string, .required)
            .field("actor", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "ledger_id", "version")
            .create()
        try await database.schema(LedgerItemRecord.schema)
            .id()
            .field("ledger_id", .uuid, .required, .references(Ledger.schema, "id"))
            .field("seq", .int64, .required)
            .field("division_code", .string, .required, .references(Division.schema, "code"))
            .field("state", .string, .required)
            .field("due_date", .string)
            .field("owner_unit", .string)
            .field("owner_person", .string)
            .field("data", .string, .required)
            .field("search", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .unique(on: "seq")
            .create()
        try await database.schema(LedgerStore.values)
            .field("ledger_id", .uuid, .required)
            .field("item_seq", .int64, .required)
            .field("field_key", .string, .required)
            .field("part", .string, .required)
            .field("t", .string)
            .field("n", .int64)
            .field("s", .int)
            .create()
        try await database.schema(LedgerStore.unique)
            .field("ledger_id", .uuid, .required)
            .field("field_key", .string, .required)
            .field("value_key", .string, .required)
            .field("item_seq", .int64, .required)
            // The rule itself: two items of one ledger never share a unique field's value,
            // however many writers race (a resident ID by its blind index).
            .unique(on: "ledger_id", "field_key", "value_key")
            .create()
        try await database.schema(LedgerStore.tallies)
            .field("ledger_id", .uuid, .required)
            .field("field_key", .string, .required)
            .field("bucket", .string, .required)
            .field("division_code", .string, .required)
            .field("state", .string, .required)
            .field("items", .int64, .required)
            .field("total", .int64, .required)
            .unique(on: "ledger_id", "field_key", "bucket", "division_code", "state")
            .create()
        try await database.schema(LedgerItemEvent.schema)
            .id()
            .field("ledger_id", .uuid, .required)
            .field("item_seq", .int64, .required)
            .field("ordinal", .int, .required)
            .field("from_state", .string)
            .field("to_state", .string, .required)
            .field("note", .string, .required)
            .field("reopened", .bool, .required)
            .field("actor", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("day", .string, .required)
            .create()
        let sql = database.sql
        // Lists walk these in (division, seq) order, so a page never sorts.
        try await sql.create(index: "ledger_items_list").on(LedgerItemRecord.schema)
            .column("ledger_id").column("division_code").column("seq").run()
        try await sql.create(index: "ledger_items_state").on(LedgerItemRecord.schema)
            .column("ledger_id").column("state").column("division_code").column("seq").run()
        try await sql.create(index: "ledger_items_due").on(LedgerItemRecord.schema)
            .column("ledger_id").column("due_date").run()
        // Filters find items by value; count_distinct reads values in order.
        try await sql.create(index: "ledger_values_find").on(LedgerStore.values)
            .column("ledger_id").column("field_key").column("part").column("t").column("item_seq").run()
        // Probes from an item to its values (filters checked per item, sums, rewrites).
        try await sql.create(index: "ledger_values_item").on(LedgerStore.values)
            .column("item_seq").column("field_key").column("part").column("n").column("s").run()
        try await sql.create(index: "ledger_unique_item").on(LedgerStore.unique).column("item_seq").run()
        try await sql.create(index: "ledger_item_events_item").on(LedgerItemEvent.schema)
            .column("item_seq").column("ordinal").run()
        try await sql.create(index: "ledger_item_events_day").on(LedgerItemEvent.schema)
            .column("ledger_id").column("day").run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            LedgerItemEvent.schema, LedgerStore.tallies, LedgerStore.unique, LedgerStore.values, LedgerItemRecord.schema,
            LedgerVersion.schema, Ledger.schema,
        ] {
            try await database.schema(table).delete()
        }
    }
}
