import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The household list's filters, shared by the API, the page and the export.
struct HouseholdFilter: Sendable {
    var division: DivisionCode?
    var q: String?
    var status: HouseholdStatus?

    init(division: DivisionCode? = nil, q: String? = nil, status: HouseholdStatus? = nil) {
        self.division = division; self.q = q; self.status = status
    }

    init(from req: Request) throws {
        var query = QueryReader(req)
        division = query.divisionCode("division")
        q = query.text("q", maxLength: 50)
        status = query.enumeration("status", HouseholdStatus.self)
        try query.finish()
    }

    /// The WHERE clause over `households h` within `scope`.
    func condition(scope: DivisionScope) -> SQLQueryString {
        var sql: SQLQueryString = "h.division_code LIKE \(bind: scope.prefix + "%")"
        if let division { sql += " AND h.division_code LIKE \(bind: division.significantPrefix + "%")" }
        if let status { sql += " AND h.status = \(bind: status.rawValue)" }
        if let q {
            let pattern = TextSearch.containsPattern(q)
            sql += """
                 AND (h.household_code LIKE \(bind: pattern) ESCAPE '\\' OR EXISTS (SELECT 1 FROM members hm WHERE hm.household_id = h.id \
                AND hm.status = 'present' AND hm.relation = 'head' AND hm.name LIKE \(bind: pattern) ESCAPE '\\'))
                """
        }
        return sql
    }

    /// `?division=…&q=…` for links that keep the filters, with `extra` pairs last.
    func queryString(adding extra: [(String, String)] = []) -> String {
        let items: [(String, String?)] = [("division", division?.rawValue), ("q", q), ("status", status?.rawValue)]
        return QueryString.encode(items.compactMap { k, v in v.map { (k, $0) } } + extra)
    }
}

/// Reads of the registry that several surfaces share.
enum RegistryQueries {
    struct ListRow: Decodable, Sendable {
        var household_code: String
        var division_code: String
        var status: String
        var version: Int
        var head_name: String?
        var member_count: Int
    }

    static func list(
        _ filter: HouseholdFilter, scope: DivisionScope, paging: PageRequest, on db: any Database
    ) async throws -> (
        rows: [ListRow], total: Int
    ) {
        let sql = db.sql
        let condition = filter.condition(scope: scope)
        struct Count: Decodable { var n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM households h WHERE \(condition)").first(decoding: Count.self)?.n ?? 0
        let rows = try await sql.raw(
            """
            SELECT h.household_code, h.division_code, h.status, h.version,
            (SELECT m.name FROM members m WHERE m.household_id = h.id AND m.status = 'present' AND m.relation = 'head' LIMIT 1) AS head_name,
            (SELECT COUNT(*) FROM members m WHERE m.household_id = h.id AND m.status = 'present') AS member_count
            FROM households h WHERE \(condition)
            ORDER BY h.household_code LIMIT \(literal: paging.per) OFFSET \(literal: paging.offset)
            """
        ).all(decoding: ListRow.self)
        return (rows, total)
    }

    /// The masked form of a stored ID (opened in memory only).
    static func maskedID(_ sealed: String, ring: KeyRing) -> String {
        guard let clear = try? ring.open(sealed) else { return "(无法解密)" }
        return PersonalData.residentID.mask(clear)
    }

    static func memberDTOs(
        _ members: [Member], householdCode: String, ring: KeyRing, disclosure: Disclosure, today: CivilDate
    )
        -> [MemberDTO]
    {
        members.map {
            MemberDTO($0, householdCode: householdCode, maskedID: maskedID($0.residentIDSealed, ring: ring), disclosure: disclosure, today: today)
        }
    }
}
