@testable import TongguanDomain

/// A ledger with one field of every type, shared by the ledger suites.
enum LedgerFixtures {
    static let lvliang = DivisionCode("141100")!
    static let linxian = DivisionCode("141124")!
    static let fenyang = DivisionCode("141182")!
    static let validID = "11010519491231002X"
    static let otherID = "141124199001011238"

    static func field(
        _ key: String, _ type: LedgerFieldType, label: String? = nil, required: Bool = false,
        unique: Bool = false, options: [String] = [], scale: Int? = nil, archived: Bool = false
    ) -> LedgerField {
        LedgerField(
            key: key, label: label ?? key, type: type, required: required, unique: unique,
            options: options, scale: scale, archived: archived)
    }

    static let fields: [LedgerField] = [
        LedgerField(key: "title", label: "事项", type: .text, required: true, unique: true),
        LedgerField(key: "count", label: "数量", type: .integer),
        LedgerField(key: "area", label: "面积", type: .decimal, scale: 2),
        LedgerField(key: "amount", label: "金额", type: .money),
        LedgerField(key: "signed_on", label: "签订日期", type: .date),
        LedgerField(key: "funded", label: "是否拨付", type: .bool),
        LedgerField(key: "kind", label: "类别", type: .choice, options: ["产业", "就业", "教育"]),
        LedgerField(key: "tags", label: "标签", type: .multiChoice, options: ["重点", "紧急", "长期"]),
        LedgerField(key: "village", label: "所在村", type: .division),
        LedgerField(key: "unit", label: "牵头单位", type: .unit),
        LedgerField(key: "contact", label: "联系人", type: .person),
        LedgerField(key: "id_number", label: "身份证号", type: .residentID),
    ]

    static func definition(
        hasDueDate: Bool = true, hasOwner: Bool = true, fields: [LedgerField] = fields,
        states: [LedgerState] = LedgerState.defaults
    ) -> LedgerDefinition {
        LedgerDefinition(
            code: "assistance", name: "帮扶台账", description: "", divisionCode: lvliang,
            states: states, hasDueDate: hasDueDate, hasOwner: hasOwner, fields: fields)
    }

    static func item(
        _ values: LedgerValueMap, state: String = "todo", division: DivisionCode = linxian,
        due: CivilDate? = nil
    ) -> LedgerItemContent {
        LedgerItemContent(divisionCode: division, stateCode: state, values: values, dueDate: due)
    }

    static func date(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }
    static func dec(_ text: String, scale: Int = 6) -> LedgerDecimal { try! LedgerDecimal(parsing: text, maxScale: scale) }
}
