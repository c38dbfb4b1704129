import Fluent
import SQLKit

/// Units, their members, leaders, the calendar, the policies and the numbering counters.
struct CreateCaseSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CaseUnit.schema)
            .id()
            .field("name", .string, .required)
            .field("division_code", .string, .required, .references("divisions", "code"))
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "division_code", "name")
            .create()
        try await database.schema(CaseUnitMember.schema)
            .field("user_id", .uuid, .identifier(auto: false), .references("users", "id"))
            .field("unit_id", .uuid, .required, .references(CaseUnit.schema, "id"))
            .create()
        try await database.schema(CaseLeader.schema)
            .id()
            .field("name", .string, .required)
            .field("title", .string, .required)
            .field("division_code", .string, .required, .references("divisions", "code"))
            .field("user_id", .uuid, .references("users", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id")
            .create()
        try await database.schema(CalendarDay.schema)
            .field("date", .string, .identifier(auto: false))
            .field("year", .int, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .create()
        try await database.schema(CasePolicyRecord.schema)
            .field("source", .string, .identifier(auto: false))
            .field("policy", .string, .required)
            .create()
        try await database.schema(CaseCounter.schema)
            .field("series", .string, .identifier(auto: false))
            .field("last", .int, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "case_unit_members_unit").on(CaseUnitMember.schema).column("unit_id").run()
        try await sql.create(index: "case_calendar_days_year").on(CalendarDay.schema).column("year").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [CaseCounter.schema, CasePolicyRecord.schema, CalendarDay.schema, CaseLeader.schema, CaseUnitMember.schema, CaseUnit.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// Cases, their events and subtasks, with the indexes the lists and statistics use: every
/// list filters by a division prefix, the overdue list by `pending_due`, statistics by the
/// received (or original received) date.
struct CreateCases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CaseRecord.schema)
            .id()
            .field("number", .string, .required)
            .field("source", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("content", .string, .required)
            .field("requester_name", .string, .required)
            .field("requester_phone", .string, .required)
            .field("requester_id_sealed", .string)
            .field("requester_id_index", .string)
            .field("requester_id_masked", .string)
            .field("division_code", .string, .required, .references("divisions", "code"))
            .field("received_on", .string, .required)
            .field("station_name", .string)
            .field("station_batch", .string)
            .field("owner_leader_id", .uuid, .references(CaseLeader.schema, "id"))
            .field("backlog", .bool, .required)
            .field("handed_down_by", .string)
            .field("original_received_on", .string)
            .field("count_on", .string, .required)
            .field("address", .string)
            .field("lat", .double)
            .field("long", .double)
            .field("service_code", .string)
            .field("open311_token", .string)
            .field("unit_id", .uuid, .references(CaseUnit.schema, "id"))
            .field("unit_division_code", .string)
            .field("state", .string, .required)
            .field("outcome", .string)
            .field("reply_text", .string)
            .field("flagged", .bool, .required)
            .field("satisfaction", .string)
            .field("routed_on", .string)
            .field("accepted_on", .string)
            .field("started_on", .string)
            .field("reopened_on", .string)
            .field("extension_days", .int)
            .field("open_subtasks", .int, .required)
            .field("replied_on", .string)
            .field("closed_on", .string)
            .field("followed_up_on", .string)
            .field("review_requested_on", .string)
            .field("re_review_requested_on", .string)
            .field("last_step_on", .string, .required)
            .field("due_route", .string)
            .field("due_accept", .string)
            .field("due_handle", .string)
            .field("due_review", .string)
            .field("review_request_by", .string)
            .field("due_provisional", .bool, .required)
            .field("pending_due", .string)
            .field("on_time", .bool)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.schema(CaseEventRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, "id"))
            .field("seq", .int, .required)
            .field("kind", .string, .required)
            .field("on", .string, .required)
            .field("actor", .string, .required)
            .field("recorded_at", .string, .required)
            .field("event", .string, .required)
            .unique(on: "case_id", "seq")
            .create()
        try await database.schema(CaseSubtaskRecord.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, "id"))
            .field("unit_id", .uuid, .required, .references(CaseUnit.schema, "id"))
            .field("person", .string, .required)
            .field("description", .string, .required)
            .field("deadline", .string, .required)
            .field("state", .string, .required)
            .field("created_on", .string, .required)
            .field("done_on", .string)
            .field("done_note", .string)
            .field("version", .int, .required)
            .create()
        let sql = database.sql
        // Lists: scope prefix, newest first.
        try await sql.create(index: "cases_division_received").on(CaseRecord.schema).column("division_code").column("received_on").run()
        // overdue_on / due_within: a range of pending_due, then the scope prefix from the index.
        try await sql.create(index: "cases_pending_due").on(CaseRecord.schema).column("pending_due").column("division_code").run()
        // Statistics by received date (and by the original date for backlog=true), covering
        // every column the figures read, so the counting never touches the table.
        for (name, date) in [("cases_stats_received", "received_on"), ("cases_stats_count_on", "count_on")] {
            try await sql.create(index: name).on(CaseRecord.schema)
                .column(date).column("division_code").column("source").column("kind").column("state").column("outcome")
                .column("pending_due").column("on_time").column("satisfaction").column("followed_up_on").column("backlog")
                .column("owner_leader_id").column("unit_id").run()
        }
        try await sql.create(index: "cases_unit_state").on(CaseRecord.schema).column("unit_id").column("state").run()
        try await sql.create(index: "cases_owner_leader").on(CaseRecord.schema).column("owner_leader_id").column("state").run()
        try await sql.create(index: "cases_flagged").on(CaseRecord.schema).column("flagged").column("division_code").run()
        try await sql.create(index: "cases_requester_id_index").on(CaseRecord.schema).column("requester_id_index").run()
        try await sql.create(index: "cases_open311_token").on(CaseRecord.schema).column("open311_token").run()
        try await sql.create(index: "case_subtasks_case").on(CaseSubtaskRecord.schema).column("case_id").run()
        try await sql.create(index: "case_subtasks_unit").on(CaseSubtaskRecord.schema).column("unit_id").column("state").column("deadline").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [CaseSubtaskRecord.schema, CaseEventRecord.schema, CaseRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// The supervision lists (`overdue_on`, `due_within`, escalation) are ordered by due date
/// and number: with the number in the index as well, a page is read in order from the
/// index (the division filter too) instead of sorting every overdue case first — at
/// 1,000,000 cases the deep pages of the overdue list went from a sort of ~20,000 rows to
/// an index walk (BENCHMARKS.md, 诉求). Replaces `cases_pending_due`, which it covers.
struct CaseDueListIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "cases_pending_due_number").on(CaseRecord.schema)
            .column("pending_due").column("number").column("division_code").run()
        try await sql.drop(index: "cases_pending_due").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "cases_pending_due").on(CaseRecord.schema).column("pending_due").column("division_code").run()
        try await sql.drop(index: "cases_pending_due_number").run()
    }
}
