import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// What other modules may ask of the ledgers (the 指标 module computes indicators from
/// `aggregate`), and the reading helpers the API and pages share. Everything here applies
/// the caller's scope: a county never counts another county's items.
enum LedgerQueries {
    /// The answer of an aggregate with what an indicator needs beside the figures.
    struct Aggregate: Sendable {
        var rows: [LedgerAggregateRow]
        var definition: LedgerDefinition
        /// The item list behind the whole figure (`/ledgers/{code}/items?…`).
        var link: String
        /// The item list behind each group's figure.
        var groupLinks: [String?: String]
    }

    /// `GET /api/v1/ledgers/{code}/aggregate` for another module: `measure` is `count`,
    /// `count_distinct:<key>` or `sum:<key>`; `filters` are `<key>: <value>` in the API's
    /// forms; `groupBy` is `division`, `state` or a choice key. Refuses like the endpoint
    /// (`notFound` for a ledger out of scope, `invalid` for bad parameters).
    static func aggregate(
        code: String, measure: String = "count", filters: [String: String] = [:], scope: DivisionScope, asOf: CivilDate? = nil,
        groupBy: String? = nil, state: String? = nil, division: DivisionCode? = nil, on db: any Database
    ) async throws -> Aggregate {
        let (ledger, definition) = try await LedgerService.find(code, in: scope, on: db)
        let ctx = try LedgerContext(ledger, definition)
        var parameters: [String: String] = ["measure": measure]
        for (key, value) in filters { parameters["filter." + key] = value }
        if let asOf { parameters["as_of"] = asOf.description }
        if let groupBy { parameters["group_by"] = groupBy }
        if let state { parameters["state"] = state }
        if let division { parameters["division"] = division.rawValue }
        let query: LedgerAggregateQuery
        do { query = try aggregateQuery(parameters, definition: definition) } catch let failure as ValidationFailure { throw failure.refusal }
        let rows = try await LedgerAggregateSQL.run(query, ctx: ctx, scope: scope, keys: nil, on: db.sql)
        var groupLinks: [String?: String] = [:]
        for row in rows { groupLinks[row.group] = itemsLink(code: code, query: query, group: row.group) }
        return Aggregate(rows: rows, definition: definition, link: itemsLink(code: code, query: query, group: nil), groupLinks: groupLinks)
    }

    /// The page listing the items a figure counts (`as_of` aside: the list shows today's
    /// states). A group narrows it to its division, state or option.
    static func itemsLink(code: String, query: LedgerAggregateQuery, group: String?) -> String {
        var pairs: [(String, String)] = []
        var division = query.division?.rawValue
        var state = query.stateCode
        var fields: [(String, String)] = query.filters.compactMap { filterText($0).map { ("f.\($0.0)", $0.1) } }
        if let group {
            switch query.grouping {
            case .division: division = group
            case .state: state = group
            case .choice(let key): fields.append(("f.\(key)", group))
            case .none: break
            }
        }
        if let division { pairs.append(("division", division)) }
        if let state { pairs.append(("state", state)) }
        pairs += fields
        return "/ledgers/\(code)/items" + QueryString.encode(pairs)
    }

    /// A condition back in its query-string form (nil for personal data, which never goes
    /// into a URL).
    static func filterText(_ filter: LedgerFieldFilter) -> (String, String)? {
        switch filter.match {
        case .equals(let value) where value.type.isPersonalData: nil
        case .equals(let value):
            switch value.json(revealing: false) {
            case .bool(let b): (filter.key, b ? "true" : "false")
            case .integer(let n): (filter.key, String(n))
            case .string(let s): (filter.key, s)
            default: nil
            }
        case .includesOption(let o): (filter.key, o)
        case .withinDivision(let code): (filter.key, code.rawValue)
        case .personName, .personPhone, .residentID: nil
        }
    }

    /// How many items of the ledger the scope holds (from the tallies).
    static func itemCount(_ ctx: LedgerContext, scope: DivisionScope, on db: any Database) async throws -> Int {
        let rows = try await LedgerAggregateSQL.run(LedgerAggregateQuery(), ctx: ctx, scope: scope, keys: nil, on: db.sql)
        if case .count(let n) = rows.first?.value { return n }
        return 0
    }

    /// Names, phones and resident IDs never travel in a URL: conditions on them are refused
    /// in query strings (the API's `POST …/items/lookup` takes them in a body).
    static func refusePersonal(_ parameters: [String: String], prefix: String, definition: LedgerDefinition) throws {
        var problems = ProblemList()
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) where name.hasPrefix(prefix) && !value.isEmpty {
            if let field = definition.field(String(name.dropFirst(prefix.count))), field.type.isPersonalData {
                problems.add(name, "姓名、电话和身份证号不能放在网址中,请用 POST /api/v1/ledgers/\(definition.code)/items/lookup 查找")
            }
        }
        try problems.throwIfAny()
    }

    static func itemQuery(_ parameters: [String: String], definition: LedgerDefinition) throws -> LedgerItemQuery {
        try refusePersonal(parameters, prefix: "f.", definition: definition)
        return try LedgerItemQuery(parameters: parameters, definition: definition)
    }

    static func aggregateQuery(_ parameters: [String: String], definition: LedgerDefinition) throws -> LedgerAggregateQuery {
        try refusePersonal(parameters, prefix: "filter.", definition: definition)
        return try LedgerAggregateQuery(parameters: parameters, definition: definition)
    }

    // MARK: answers

    static func page(_ items: [LedgerInput], paging: PageRequest, total: Int) -> LedgerInput {
        .object([
            "items": .array(items),
            "metadata": .object(["page": .integer(Int64(paging.page)), "per": .integer(Int64(paging.per)), "total": .integer(Int64(total))]),
        ])
    }

    static func itemJSON(_ record: LedgerItemRecord, _ content: LedgerItemContent, ctx: LedgerContext) -> LedgerInput {
        guard case .object(var members) = content.json() else { return .null }
        let today = LedgerItemService.chinaDay(Date())
        members["id"] = .string(record.id?.uuidString ?? "")
        members["number"] = .integer(record.seq)
        members["ledger"] = .string(ctx.definition.code)
        members["state_name"] = .string(ctx.definition.state(content.stateCode)?.name ?? content.stateCode)
        members["overdue"] = .bool(content.isOverdue(on: today, in: ctx.definition))
        members["version"] = .integer(Int64(record.version))
        members["created_at"] = .string(StoredInstant.string(record.createdAt))
        members["created_by"] = .string(record.createdBy)
        members["updated_at"] = .string(StoredInstant.string(record.updatedAt))
        members["updated_by"] = .string(record.updatedBy)
        return .object(members)
    }

    // MARK: bodies

    /// The members of a small JSON body, refusing unknown ones.
    static func members(_ input: LedgerInput, allowed: Set<String>) throws -> [String: LedgerInput] {
        guard case .object(let members) = input else { throw Refusal.invalid("body", "应为 JSON 对象") }
        let unknown = members.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty { throw Refusal.invalid(unknown.map { FieldProblem(field: $0, message: "未知字段") }) }
        return members
    }

    /// A reveal's reason: required, one line, at most 200 characters.
    static func reason(_ input: LedgerInput?, problems: inout ProblemList) -> String? {
        guard case .string(let raw) = input else {
            problems.add("reason", "请说明查看原因")
            return nil
        }
        do {
            let text = try TextPolicy.singleLine(raw)
            if text.isEmpty { problems.add("reason", "请说明查看原因"); return nil }
            if text.count > 200 { problems.add("reason", "不能超过200个字符"); return nil }
            return text
        } catch {
            problems.add("reason", error.message)
            return nil
        }
    }
}
