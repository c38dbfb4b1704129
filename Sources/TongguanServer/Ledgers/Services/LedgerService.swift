import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// Defining ledgers: creating one and changing its definition, each change a new
/// definition version (stored and in the audit trail) after the rules of
/// `LedgerDefinitionUpdate` have counted the items a change could strand. The API, the
/// definition pages, `tongguan ledgers seed` and the demo all come through here.
enum LedgerService {
    /// Who sees a ledger: users of its owner division and of the divisions below it (they
    /// keep its items), and users above it (they oversee it).
    static func canSee(_ ledgerDivision: DivisionCode, scope: DivisionScope) -> Bool {
        scope.contains(ledgerDivision) || ledgerDivision.contains(scope.root)
    }

    /// Who changes a definition: an admin whose scope holds the owner division.
    static func canDefine(_ ledgerDivision: DivisionCode, caller: Caller) -> Bool {
        caller.role == .admin && caller.scope.contains(ledgerDivision)
    }

    /// The ledgers a scope sees, by code.
    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Ledger> {
        let above = [scope.root.rawValue] + scope.root.ancestors.map(\.rawValue)
        return Ledger.query(on: db).group(.or) { $0.filter(\.$divisionCode =~ scope.prefix).filter(\.$divisionCode ~~ above) }
    }

    /// The ledger, or `notFound` for one that does not exist or that the scope does not see.
    static func find(_ code: String?, in scope: DivisionScope, on db: any Database) async throws -> (Ledger, LedgerDefinition) {
        guard let code, LedgerCode.isValid(code), let ledger = try await Ledger.query(on: db).filter(\.$code == code).first(),
            let division = DivisionCode(ledger.divisionCode), canSee(division, scope: scope)
        else { throw Refusal.notFound }
        return (ledger, try ledger.definition)
    }

    /// The owner division must exist and lie in the caller's scope.
    static func divisionProblems(_ definition: LedgerDefinition, caller: Caller, on db: any Database) async throws -> [FieldProblem] {
        guard caller.scope.contains(definition.divisionCode), try await Division.find(definition.divisionCode.rawValue, on: db) != nil else {
            return [FieldProblem(field: "division_code", message: "区划不存在或不在您的管辖范围内")]
        }
        return []
    }

    static func create(_ definition: LedgerDefinition, caller: Caller, actor: AuditActor, on db: any Database) async throws -> Ledger {
        guard caller.role == .admin else { throw Refusal.forbidden("只有管理员可以定义台账") }
        try definition.validate()
        let problems = try await divisionProblems(definition, caller: caller, on: db)
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        let ledger = Ledger(definition: definition)
        return try await db.audited(by: actor) { tx, audit in
            if try await Ledger.query(on: tx).filter(\.$code == definition.code).first() != nil {
                throw Refusal.invalid("code", "台账代码「\(definition.code)」已被使用")
            }
            try await ledger.create(on: tx)
            let id = try ledger.requireID()
            try await LedgerVersion(ledgerID: id, version: 1, definitionJSON: ledger.definitionJSON, changes: [], actor: actor.name).create(on: tx)
            var diff = AuditDiff()
            diff.created("code", definition.code)
            diff.created("name", definition.name)
            diff.created("fields", definition.fields.map(\.key).joined(separator: ","))
            diff.created("definition_version", "1")
            audit.record("ledger.create", entityType: "ledger", entityID: id.uuidString, divisionCode: ledger.divisionCode, changes: diff.changes)
            return ledger
        }
    }

    /// Saves `new` as the next definition version, or refuses: `.invalid` for a definition
    /// that breaks the rules, `.conflict` (with counts) for a change existing items forbid,
    /// `.staleVersion` when `ledger.version` is no longer the stored one. Returns the
    /// changes (none: nothing was stored).
    @discardableResult
    static func update(
        _ ledger: Ledger, to new: LedgerDefinition, caller: Caller, actor: AuditActor, on db: any Database
    ) async throws -> [LedgerDefinitionChange] {
        let old = try ledger.definition
        guard let division = DivisionCode(ledger.divisionCode), canDefine(division, caller: caller) else {
            throw Refusal.forbidden("只有台账所属区划(或其上级)的管理员可以修改台账定义")
        }
        let update = try LedgerDefinitionUpdate(from: old, to: new)
        guard !update.changes.isEmpty else { return [] }
        let problems = try await divisionProblems(new, caller: caller, on: db)
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        let ledgerID = try ledger.requireID()
        return try await db.audited(by: actor) { tx, audit in
            var counts: [LedgerUsageQuery: Int] = [:]
            for query in update.queries { counts[query] = try await usage(query, ledgerID: ledgerID, old: old, on: tx.sql) }
            let changes = try update.decide { counts[$0] ?? 0 }
            ledger.apply(new)
            try await ledger.saveVersioned(on: tx)
            try await LedgerVersion(
                ledgerID: ledgerID, version: ledger.version, definitionJSON: ledger.definitionJSON, changes: changes.map(\.summary),
                actor: actor.name
            ).create(on: tx)
            try await syncUniqueRows(old: old, new: new, ledgerID: ledgerID, on: tx.sql)
            var diff = AuditDiff()
            diff.add("definition_version", before: String(ledger.version - 1), after: String(ledger.version))
            for change in changes { diff.add(change.kind, before: nil, after: change.summary) }
            audit.record(
                "ledger.update", entityType: "ledger", entityID: ledgerID.uuidString, divisionCode: ledger.divisionCode, changes: diff.changes)
            return changes
        }
    }

    /// Fields that became unique (or active again while unique) get their rows, fields that
    /// stopped being unique lose them. The counts have already refused duplicates; the
    /// constraint refuses any that slipped in meanwhile.
    static func syncUniqueRows(old: LedgerDefinition, new: LedgerDefinition, ledgerID: UUID, on sql: any SQLDatabase) async throws {
        let before = Set(old.uniqueFields.map(\.key)), after = Set(new.uniqueFields.map(\.key))
        for key in before.subtracting(after).sorted() {
            try await sql.delete(from: LedgerStore.unique).where("ledger_id", .equal, SQLBind(ledgerID)).where("field_key", .equal, SQLBind(key))
                .run()
        }
        for key in after.subtracting(before).sorted() {
            try await sql.raw(
                """
                INSERT INTO \(ident: LedgerStore.unique) (ledger_id, field_key, value_key, item_seq)
                SELECT ledger_id, field_key, t, item_seq FROM \(ident: LedgerStore.values)
                WHERE ledger_id = \(bind: ledgerID) AND field_key = \(bind: key) AND part = 'v'
                """
            ).run()
        }
    }

    /// The count `LedgerDefinitionUpdate` asks for, from the value rows and items.
    static func usage(_ query: LedgerUsageQuery, ledgerID: UUID, old: LedgerDefinition, on sql: any SQLDatabase) async throws -> Int {
        struct Row: Decodable { var c: Int? }
        func count(_ q: SQLQueryString) async throws -> Int { try await sql.raw(q).first(decoding: Row.self)?.c ?? 0 }
        let values = SQLIdentifier(LedgerStore.values), items = SQLIdentifier(LedgerItemRecord.schema)
        switch query {
        case .valuesPresent(let key):
            return try await count(
                "SELECT COUNT(*) AS c FROM \(values) WHERE ledger_id = \(bind: ledgerID) AND field_key = \(bind: key) AND part = 'v'")
        case .optionUsed(let key, let option):
            let part = old.field(key)?.type == .multiChoice ? "o" : "v"
            return try await count(
                "SELECT COUNT(*) AS c FROM \(values) WHERE ledger_id = \(bind: ledgerID) AND field_key = \(bind: key) AND part = \(bind: part) AND t = \(bind: option)"
            )
        case .itemsInState(let code):
            return try await count("SELECT COUNT(*) AS c FROM \(items) WHERE ledger_id = \(bind: ledgerID) AND state = \(bind: code)")
        case .decimalsBeyond(let key, let scale):
            return try await count(
                "SELECT COUNT(*) AS c FROM \(values) WHERE ledger_id = \(bind: ledgerID) AND field_key = \(bind: key) AND part = 'v' AND s > \(bind: scale)"
            )
        case .valuesMissing(let key):
            let all = try await count("SELECT COUNT(*) AS c FROM \(items) WHERE ledger_id = \(bind: ledgerID)")
            return all - (try await usage(.valuesPresent(key: key), ledgerID: ledgerID, old: old, on: sql))
        case .duplicatedValues(let key):
            return try await count(
                """
                SELECT CAST(SUM(k) AS BIGINT) AS c FROM (SELECT COUNT(*) AS k FROM \(values)
                WHERE ledger_id = \(bind: ledgerID) AND field_key = \(bind: key) AND part = 'v' GROUP BY t HAVING COUNT(*) > 1) d
                """)
        case .outsideDivision(let code):
            let inside = LedgerSQL.within(SQLIdentifier("division_code"), prefix: code.significantPrefix)
            return try await count("SELECT COUNT(*) AS c FROM \(items) WHERE ledger_id = \(bind: ledgerID) AND NOT (\(inside))")
        }
    }

    /// The stored versions, newest first.
    static func versions(of ledger: Ledger, on db: any Database) async throws -> [LedgerVersion] {
        try await LedgerVersion.query(on: db).filter(\.$ledger.$id == ledger.requireID()).sort(\.$version, .descending).all()
    }
}

/// SQL fragments the ledger queries share.
enum LedgerSQL {
    /// `[lower, upper)` of the codes that start with `prefix` (digits only): the next prefix
    /// up is the bound, so the comparison works under any collation and uses the index.
    static func prefixRange(_ prefix: String) -> (lower: String, upper: String?) {
        var digits = Array(prefix.utf8)
        while let last = digits.last {
            if last < UInt8(ascii: "9") {
                digits[digits.count - 1] = last + 1
                return (prefix, String(decoding: digits, as: UTF8.self))
            }
            digits.removeLast()
        }
        return (prefix, nil)
    }

    /// `column >= lower AND column < upper` for a division prefix.
    static func within(_ column: any SQLExpression, prefix: String) -> SQLQueryString {
        let range = prefixRange(prefix)
        var q: SQLQueryString = "\(column) >= \(bind: range.lower)"
        if let upper = range.upper { q = q + " AND \(column) < \(bind: upper)" }
        return q
    }
}
