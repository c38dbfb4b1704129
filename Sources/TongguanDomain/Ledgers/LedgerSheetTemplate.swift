extension LedgerSheet {
    /// One row of the template's second sheet, explaining one column of the first.
    public struct ExplanationRow: Hashable, Sendable {
        public let column: String
        /// The type in Chinese.
        public let type: String
        public let required: Bool
        /// The allowed options or the format, with an example.
        public let notes: String

        public var cells: [String] { [column, type, required ? "是" : "否", notes] }
    }

    public static let explanationHeader = ["列名", "类型", "是否必填", "填写说明"]
    public static let explanationSheetName = "填写说明"

    /// The template's second sheet: every column of `header(for:)`, in the same order.
    public static func explanation(for definition: LedgerDefinition) -> [ExplanationRow] {
        columns(for: definition).map { column in
            let title = column.title(in: definition)
            switch column {
            case .fixed(.division):
                return ExplanationRow(
                    column: title, type: "区划代码", required: true,
                    notes: "6位、9位或12位区划代码,须为 \(definition.divisionCode) 或其下级区划")
            case .fixed(.state):
                return ExplanationRow(
                    column: title, type: "状态", required: false,
                    notes: "可选:" + definition.states.map(\.name).joined(separator: "、")
                        + ";留空时新记录为「\(definition.initialState.name)」,已有记录保持原状态")
            case .fixed(.dueDate):
                return ExplanationRow(column: title, type: "日期", required: false, notes: dateNotes)
            case .fixed(.ownerUnit):
                return ExplanationRow(column: title, type: "文本", required: false, notes: "单位名称,最多\(LedgerItemContent.maxOwnerUnitLength)个字")
            case .fixed(.ownerPerson):
                return ExplanationRow(column: title, type: "文本", required: false, notes: "姓名,最多\(LedgerItemContent.maxOwnerPersonLength)个字")
            case .phone(let key):
                let field = definition.field(key)
                return ExplanationRow(
                    column: title, type: "电话", required: field?.required ?? false,
                    notes: "「\(field?.label ?? key)」的电话:" + PhoneNumber.problemMessage.replacingOccurrences(of: "联系电话应为", with: ""))
            case .field(let key):
                guard let field = definition.field(key) else { return ExplanationRow(column: title, type: "", required: false, notes: "") }
                let unique = field.unique ? ";每条记录不能重复,导入时据此匹配已有记录" : ""
                return ExplanationRow(column: title, type: field.type.label, required: field.required, notes: notes(for: field) + unique)
            }
        }
    }

    static let dateNotes = "日期,如 2024-03-01、2024/3/1 或 2024年3月1日"

    static func notes(for field: LedgerField) -> String {
        switch field.type {
        case .text: "文本,最多\(LedgerValue.maxTextLength)个字"
        case .integer: "整数,如 12"
        case .decimal: (field.scale ?? 0) == 0 ? "整数,如 12" : "数字,最多\(field.scale ?? 0)位小数,如 12.5"
        case .money: "金额,单位为元,最多两位小数,如 1234.50"
        case .date: dateNotes
        case .bool: "填写“是”或“否”"
        case .choice: "从以下选项中选一项:" + field.options.joined(separator: "、")
        case .multiChoice: "从以下选项中选一项或多项,多项之间用顿号“、”分隔:" + field.options.joined(separator: "、")
        case .division: "6位、9位或12位区划代码"
        case .unit: "单位,最多\(LedgerValue.maxUnitLength)个字"
        case .person: "姓名,最多\(LedgerPerson.maxNameLength)个字;电话填在「\(field.phoneLabel)」列"
        case .name: "姓名,最多\(LedgerPerson.maxNameLength)个字"
        case .residentID: "18位公民身份号码,末位可为X"
        }
    }
}
