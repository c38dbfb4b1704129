/// One field's value on one item, already checked against its field. An absent value is
/// not a case: an item's values simply lack the key.
public enum LedgerValue: Hashable, Sendable {
    case text(String)
    case integer(Int64)
    case decimal(LedgerDecimal)
    /// 分.
    case money(Int64)
    case date(CivilDate)
    case bool(Bool)
    /// The option text.
    case choice(String)
    /// Option texts in the definition's option order, without repeats.
    case multiChoice([String])
    case division(DivisionCode)
    /// A unit reference; the server checks that it exists.
    case unit(String)
    case person(LedgerPerson)
    /// A name (`name` fields), single line, at most `LedgerPerson.maxNameLength` characters.
    case name(String)
    /// The canonical number (upper-case X), in memory only: the server encrypts it for
    /// storage, blind-indexes it for uniqueness and look-up, and shows it masked.
    case residentID(String)

    public var type: LedgerFieldType {
        switch self {
        case .text: .text
        case .integer: .integer
        case .decimal: .decimal
        case .money: .money
        case .date: .date
        case .bool: .bool
        case .choice: .choice
        case .multiChoice: .multiChoice
        case .division: .division
        case .unit: .unit
        case .person: .person
        case .name: .name
        case .residentID: .residentID
        }
    }

    /// The API form (JSON types: bool, integer 分 for money, decimal strings, `YYYY-MM-DD`,
    /// person `{"name", "phone"}`). A resident ID is masked unless `revealing` is true;
    /// revealing is for an audited reveal, or for the server to encrypt before storing.
    public func json(revealing: Bool = false) -> LedgerInput {
        switch self {
        case .text(let s), .choice(let s), .unit(let s), .name(let s): .string(s)
        case .integer(let n), .money(let n): .integer(n)
        case .decimal(let d): .string(d.description)
        case .date(let d): .string(d.description)
        case .bool(let b): .bool(b)
        case .multiChoice(let options): .array(options.map(LedgerInput.string))
        case .division(let code): .string(code.rawValue)
        case .person(let p): .object(["name": .string(p.name), "phone": .string(p.phone)])
        case .residentID(let id): .string(revealing ? id : PersonalData.residentID.mask(id))
        }
    }

    /// The sheet cells this value exports as (two for a person: name, phone), in the forms
    /// the import reads back to the same value. A resident ID is masked unless `revealing`.
    public func cellTexts(revealing: Bool = false) -> [String] {
        switch self {
        case .text(let s), .choice(let s), .unit(let s), .name(let s): [s]
        case .integer(let n): [String(n)]
        case .decimal(let d): [d.description]
        case .money(let fen): [Fen.yuanText(fen)]
        case .date(let d): [d.description]
        case .bool(let b): [b ? "是" : "否"]
        case .multiChoice(let options): [options.joined(separator: String(LedgerField.optionSeparator))]
        case .division(let code): [code.rawValue]
        case .person(let p): [p.name, p.phone]
        case .residentID(let id): [revealing ? id : PersonalData.residentID.mask(id)]
        }
    }

    /// What a page shows: the cell form, a person as `姓名 电话`, a resident ID masked.
    public var displayText: String { cellTexts().joined(separator: " ") }

    /// The text two values of a `unique` field compare by: equal values, equal keys
    /// (1.5 and 1.50 are one decimal). For a resident ID this is the clear number, which the
    /// server never stores: it stores the blind index of this text instead.
    public var uniqueKey: String {
        switch self {
        case .person(let p): p.name + "\n" + p.phone
        case .residentID(let id): id
        default: cellTexts(revealing: true).joined(separator: "\n")
        }
    }

    /// Text a `q=` search looks in; nil for numbers, dates, yes/no and resident IDs (those
    /// are found with `f.<key>=`, a resident ID through its blind index).
    public var searchText: String? {
        switch self {
        case .text(let s), .choice(let s), .unit(let s), .name(let s): s
        case .multiChoice(let options): options.joined(separator: String(LedgerField.optionSeparator))
        case .division(let code): code.rawValue
        case .person(let p): p.name + " " + p.phone
        case .integer, .decimal, .money, .date, .bool, .residentID: nil
        }
    }
}

/// A person as a ledger records them: a name and a checked phone number.
public struct LedgerPerson: Hashable, Sendable {
    public var name: String
    /// Normalised by `PhoneNumber.normalized`.
    public var phone: String

    public init(name: String, phone: String) {
        self.name = name
        self.phone = phone
    }

    public static let maxNameLength = 50
}
