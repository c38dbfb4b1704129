import Foundation
import SQLKit
import TongguanDomain

/// The conditions of `LedgerItemQuery` and `LedgerAggregateQuery` in SQL over the value
/// rows (see `LedgerStore`), so lists and aggregates never read every item's JSON.
enum LedgerFilterSQL {
    static func column(_ table: String, _ name: String) -> SQLColumn { SQLColumn(SQLIdentifier(name), table: SQLIdentifier(table)) }

    /// The condition on a value row `alias` (its `field_key` aside) that `filter` means.
    static func match(_ filter: LedgerFieldFilter, alias: String, keys: KeyRing?) throws -> SQLQueryString {
        let part = column(alias, "part"), t = column(alias, "t")
        switch filter.match {
        case .equals(let value):
            return "\(part) = 'v' AND \(t) = \(bind: try LedgerStore.key(of: value, keys: keys))"
        case .includesOption(let option):
            return "\(part) = 'o' AND \(t) = \(bind: option)"
        case .withinDivision(let code):
            return "\(part) = 'v' AND " + LedgerSQL.within(t, prefix: code.significantPrefix)
        case .personName(let name):
            // The value row holds `name \n phone`; names hold no control characters.
            return "\(part) = 'v' AND \(t) >= \(bind: name + "\n") AND \(t) < \(bind: name + "\u{0B}")"
        case .personPhone(let phone):
            return "\(part) = 'p' AND \(t) = \(bind: phone)"
        case .residentID(let id):
            guard let keys else { throw LedgerStorageError(message: "缺少身份证号加密密钥") }
            let indexes = keys.blindIndexes(id)
            return "\(part) = 'v' AND \(t) IN (\(binds: indexes))"
        }
    }

    /// `EXISTS (a value row of the item that passes)`.
    static func exists(_ filter: LedgerFieldFilter, item: String, keys: KeyRing?) throws -> SQLQueryString {
        let v = "fv"
        return """
            EXISTS (SELECT 1 FROM \(ident: LedgerStore.values) \(ident: v) WHERE \(column(v, "item_seq")) = \(column(item, "seq")) \
            AND \(column(v, "field_key")) = \(bind: filter.key) AND \(try match(filter, alias: v, keys: keys)))
            """
    }

    /// Items of the ledger inside the scope and the asked division (both bound the range).
    static func placed(item: String, ledgerID: UUID, scope: DivisionScope, division: DivisionCode?) -> SQLQueryString? {
        var q: SQLQueryString =
            "\(column(item, "ledger_id")) = \(bind: ledgerID) AND " + LedgerSQL.within(column(item, "division_code"), prefix: scope.prefix)
        if let division {
            guard scope.contains(division) || division.contains(scope.root) else { return nil }
            if scope.contains(division) { q = q + " AND " + LedgerSQL.within(column(item, "division_code"), prefix: division.significantPrefix) }
        }
        return q
    }

    /// Whether a filter can be answered from the tallies (a choice, a multi-choice option or
    /// a yes/no).
    static func isTallied(_ filter: LedgerFieldFilter, definition: LedgerDefinition) -> Bool {
        switch filter.match {
        case .equals(.choice), .equals(.bool), .includesOption: true
        default: false
        }
    }

    /// The tally bucket a tallied filter counts.
    static func bucket(_ filter: LedgerFieldFilter) -> String? {
        switch filter.match {
        case .equals(.choice(let option)), .includesOption(let option): option
        case .equals(.bool(let b)): b ? "true" : "false"
        default: nil
        }
    }
}
