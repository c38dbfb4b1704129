import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The audit trail's filters, shared by the API and the page.
struct AuditFilter: Sendable {
    var entityType: String?
    var entityID: String?
    var actor: String?
    /// UTC bounds in the stored text form; the user types dates in China time.
    var from: String?
    var to: String?
    var fromText: String?
    var toText: String?

    init(from request: Request) throws {
        var query = QueryReader(request)
        entityType = query.text("entity_type")
        entityID = query.text("entity_id")
        actor = query.text("actor", maxLength: 64)
        let (start, end) = query.dateRange()
        fromText = start?.description
        toText = end?.description
        from = start.flatMap { ChinaDate.startOfDay($0.description) }.map(StoredInstant.string)
        to = end.flatMap { ChinaDate.startOfDay($0.adding(days: 1).description) }.map(StoredInstant.string)
        try query.finish()
    }

    /// A page of events in the caller's scope, newest first, and the total count.
    func run(scope: DivisionScope, paging: PageRequest, on db: any Database) async throws -> (rows: [AuditEventRow], total: Int) {
        let sql = db.sql
        func filtered<Q: SQLPredicateBuilder>(_ q: Q) -> Q {
            var q = q.where("division_code", .like, SQLBind(scope.prefix + "%"))
            if let entityType { q = q.where("entity_type", .equal, SQLBind(entityType)) }
            if let entityID { q = q.where("entity_id", .equal, SQLBind(entityID)) }
            if let actor { q = q.where("actor", .equal, SQLBind(actor)) }
            if let from { q = q.where("occurred_at", .greaterThanOrEqual, SQLBind(from)) }
            if let to { q = q.where("occurred_at", .lessThan, SQLBind(to)) }
            return q
        }
        let total =
            try await filtered(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("audit_events"))
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await filtered(sql.select().column("*").from("audit_events"))
            .orderBy("seq", .descending).limit(paging.per).offset(paging.offset)
            .all(decoding: AuditEventRow.self)
        return (rows, total)
    }
}

/// China has one time zone and no daylight saving: UTC+8 all year.
enum ChinaDate {
    static let offset: TimeInterval = 8 * 3600

    /// Midnight of a `YYYY-MM-DD` day in China, as an instant.
    static func startOfDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            parts[0].count == 4, (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var c = DateComponents()
        c.year = y; c.month = m; c.day = d
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(offset))!
        guard let date = calendar.date(from: c), calendar.component(.day, from: date) == d else { return nil }
        return date
    }

    /// `2026-11-29 09:15:02` in China time, for pages.
    static func display(_ stored: String) -> String {
        guard stored.count >= 19 else { return stored }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: stored) else { return stored }
        let local = StoredInstant.string(date.addingTimeInterval(offset))
        return String(local.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}
