/// What a ledger field holds. The raw values are the API's `type` names.
public enum LedgerFieldType: String, CaseIterable, Sendable, Codable {
    case text
    case integer
    /// An exact decimal with the field's `scale` (0…6 places); never a binary double.
    case decimal
    /// Integer 分 in the API and storage, 元 with up to 2 decimals in sheets.
    case money
    case date
    case bool
    case choice
    case multiChoice = "multi_choice"
    /// A division code; whether it is in the caller's scope is the server's check.
    case division
    /// A unit (单位) reference; whether it exists is the server's check.
    case unit
    /// Name and phone: two sheet columns, `<label>` and `<label>电话`.
    case person
    /// A person's name alone (a register of people without phones): personal data like a
    /// person's name — masked in default exports and in the audit trail, never in a URL.
    case name
    /// A resident ID number, protected like the registry's: the server encrypts it, keeps a
    /// blind index for uniqueness and look-up, shows it masked and audits every reveal.
    case residentID = "resident_id"

    /// The type in Chinese, for the template's explanation sheet and messages.
    public var label: String {
        switch self {
        case .text: "文本"
        case .integer: "整数"
        case .decimal: "小数"
        case .money: "金额(元)"
        case .date: "日期"
        case .bool: "是/否"
        case .choice: "单选"
        case .multiChoice: "多选"
        case .division: "区划代码"
        case .unit: "单位"
        case .person: "人员(姓名和电话)"
        case .name: "姓名"
        case .residentID: "身份证号"
        }
    }

    /// Choice types carry an option list; no other type may.
    public var hasOptions: Bool { self == .choice || self == .multiChoice }

    /// Only decimals carry a scale.
    public var hasScale: Bool { self == .decimal }

    /// `unique` makes sense where values tell items apart; a yes/no or a pick from a short
    /// list cannot identify an item, so those types refuse it.
    public var allowsUnique: Bool {
        switch self {
        case .bool, .choice, .multiChoice: false
        default: true
        }
    }

    /// `sum:<key>` adds exactly these.
    public var isSummable: Bool { self == .integer || self == .decimal || self == .money }

    /// `group_by=<key>` groups by a single choice.
    public var isGroupable: Bool { self == .choice }

    /// Person, name and resident ID values are personal data: never in messages, logs, URLs
    /// or the audit trail in full.
    public var isPersonalData: Bool { self == .person || self == .name || self == .residentID }
}
