import Fluent
import Foundation
import TongguanDomain

/// A ledger (台账) and its current definition. The definition is stored whole, as the API
/// shows it; every change is also kept as a `LedgerVersion`, and `version` (the ETag) is
/// the number of the current definition version.
final class Ledger: Model, Versioned, @unchecked Sendable {
    static let schema = "ledgers"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    /// The current definition version (1 at creation), the ETag.
    @Field(key: "version")
    var version: Int

    // references

    /// The owner division: its users and those of its descendants see the ledger.
    @Field(key: "division_code")
    var divisionCode: String

    // data

    /// Stable ASCII code, unique, used in URLs.
    @Field(key: "code")
    var code: String

    @Field(key: "name")
    var name: String

    /// The definition's JSON (`LedgerDefinition.json`).
    @Field(key: "definition")
    var definitionJSON: String

    init() {}

    init(definition: LedgerDefinition) {
        code = definition.code
        version = 1
        apply(definition)
    }

    func apply(_ definition: LedgerDefinition) {
        name = definition.name
        divisionCode = definition.divisionCode.rawValue
        definitionJSON = LedgerJSON.text(definition.json)
    }

    /// The stored definition, read through the same rules as input.
    var definition: LedgerDefinition {
        get throws {
            do {
                return try LedgerDefinition(json: LedgerJSON.parse(Data(definitionJSON.utf8)))
            } catch {
                throw LedgerStorageError(message: "台账「\(code)」的定义无法读取")
            }
        }
    }
}

/// One version of a ledger's definition, with what changed from the one before.
final class LedgerVersion: Model, @unchecked Sendable {
    static let schema = "ledger_versions"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Parent(key: "ledger_id")
    var ledger: Ledger

    @Field(key: "version")
    var version: Int

    @Field(key: "definition")
    var definitionJSON: String

    /// The Chinese summaries of the changes, one per line (empty for version 1).
    @Field(key: "changes")
    var changes: String

    @Field(key: "actor")
    var actor: String

    init() {}

    init(ledgerID: UUID, version: Int, definitionJSON: String, changes: [String], actor: String) {
        self.$ledger.id = ledgerID
        self.version = version
        self.definitionJSON = definitionJSON
        self.changes = changes.joined(separator: "\n")
        self.actor = actor
    }
}

/// Stored data the rules no longer accept (a damaged row): a 500 that names the ledger.
struct LedgerStorageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// One item of a ledger. Its values are stored twice: whole, as JSON (`data`, resident IDs
/// sealed), which is what the API reads back; and one row per value in `ledger_values`,
/// which is what filters and aggregates read (see README, 台账 storage).
final class LedgerItemRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "ledger_items"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    /// A number for the item, unique across all ledgers and increasing: the key its value
    /// rows, tallies and events hang on, and the list's order within a division.
    @Field(key: "seq")
    var seq: Int64

    @Field(key: "version")
    var version: Int

    @Field(key: "created_at")
    var createdAt: Date

    @Field(key: "created_by")
    var createdBy: String

    @Field(key: "updated_at")
    var updatedAt: Date

    @Field(key: "updated_by")
    var updatedBy: String

    // references

    @Field(key: "ledger_id")
    var ledgerID: UUID

    @Field(key: "division_code")
    var divisionCode: String

    // data

    @Field(key: "state")
    var state: String

    @OptionalField(key: "due_date")
    var dueDate: String?

    @OptionalField(key: "owner_unit")
    var ownerUnit: String?

    @OptionalField(key: "owner_person")
    var ownerPerson: String?

    /// The values as the API's `values` object, with every resident ID sealed.
    @Field(key: "data")
    var data: String

    /// `LedgerValues.searchDocument`: what `q=` looks in (never a resident ID).
    @Field(key: "search")
    var search: String

    init() {}
}

/// A state change of an item (its creation included): who, when, and the note.
final class LedgerItemEvent: Model, @unchecked Sendable {
    static let schema = "ledger_item_events"

    @ID(key: .id)
    var id: UUID?

    @Field(key: "ledger_id")
    var ledgerID: UUID

    @Field(key: "item_seq")
    var itemSeq: Int64

    /// 1, 2, 3… per item: the order of events on one day.
    @Field(key: "ordinal")
    var ordinal: Int

    @OptionalField(key: "from_state")
    var fromState: String?

    @Field(key: "to_state")
    var toState: String

    @Field(key: "note")
    var note: String

    @Field(key: "reopened")
    var reopened: Bool

    @Field(key: "actor")
    var actor: String

    @Field(key: "occurred_at")
    var occurredAt: Date

    /// The day in China (`YYYY-MM-DD`) the event counts for in `as_of` aggregates.
    @Field(key: "day")
    var day: String

    init() {}
}
