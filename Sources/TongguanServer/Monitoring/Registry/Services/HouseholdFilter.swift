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

    /// The WHERE clause over `households h` within `scope`. A division filter is a range
    /// (`code >= p AND code < p+1`), which both engines answer from the division index
    /// (a LIKE prefix is a scan on SQLite); a `q` of digits is matched against codes only
    /// (names hold no digits), and a name is looked up in one pass over the heads rather
    /// than once per household.
    func condition(scope: DivisionScope) -> SQLQueryString {
        // The scope stays a LIKE: as a range over (nearly) every row it would steer SQLite to
        // the division index and a sort of all households for the first page.
        var sql: SQLQueryString = "h.division_code LIKE \(bind: scope.prefix + "%")"
        if let division { sql += " AND " + Self.prefixRange("h.division_code", division.significantPrefix) }
        if let status { sql += " AND h.status = \(bind: status.rawValue)" }
        if let q {
            let digits = q.uppercased()
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X") }) {
                // 12 digits or more: the village and what follows, from the code index.
                sql +=
                    digits.count >= 12
                    ? " AND " + Self.prefixRange("h.household_code", digits)
                    : " AND h.household_code LIKE \(bind: TextSearch.containsPattern(digits)) ESCAPE '\\'"
            } else {
                let pattern = TextSearch.containsPattern(q)
                sql += """
                     AND (h.household_code LIKE \(bind: pattern) ESCAPE '\\' OR h.id IN (SELECT hm.household_id FROM members hm \
                    WHERE hm.status = 'present' AND hm.relation = 'head' AND hm.name LIKE \(bind: pattern) ESCAPE '\\'))
                    """
            }
        }
        return sql
    }

    /// `column` starts with `prefix` (digits, or digits and a final X), as a range.
    static func prefixRange(_ column: String, _ prefix: String) -> SQLQueryString {
        guard let upper = successor(of: prefix) else {
            return prefix.isEmpty ? "1 = 1" : "\(unsafeRaw: column) >= \(bind: prefix)"
        }
        return "\(unsafeRaw: column) >= \(bind: prefix) AND \(unsafeRaw: column) < \(bind: upper)"
    }

    /// The smallest string greater than every string starting with `prefix` (ASCII digits
    /// and X); nil when there is none (empty, or nothing but the highest characters).
    static func successor(of prefix: String) -> String? {
        var chars = Array(prefix.unicodeScalars)
        while let last = chars.popLast() {
            guard last.value < 0x7F else { continue }
            chars.append(Unicode.Scalar(last.value + 1)!)
            return String(String.UnicodeScalarView(chars))
        }
        return nil
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
