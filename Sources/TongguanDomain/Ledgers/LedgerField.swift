/// One column of a ledger: what it is called, what it holds and the rules on its values.
/// A field is identified by its `key` for life; its label may be renamed at any time.
/// A field that holds values is archived rather than removed: it leaves forms, sheets and
/// filters, and its stored values stay readable.
public struct LedgerField: Hashable, Sendable {
    public var key: String
    public var label: String
    public var type: LedgerFieldType
    public var required: Bool
    public var unique: Bool
    /// The choices of a `choice` or `multi_choice` field, in display order; empty otherwise.
    public var options: [String]
    /// Decimal places of a `decimal` field (0…6); nil for every other type.
    public var scale: Int?
    public var archived: Bool
    /// Shown as a column of the ledger's item list (the definition chooses the columns).
    public var listed: Bool

    public init(
        key: String, label: String, type: LedgerFieldType, required: Bool = false, unique: Bool = false,
        options: [String] = [], scale: Int? = nil, archived: Bool = false, listed: Bool = false
    ) {
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.unique = unique
        self.options = options
        self.scale = scale
        self.archived = archived
        self.listed = listed
    }

    public static let maxLabelLength = 50
    public static let maxOptionLength = 50
    public static let maxOptions = 200
    public static let scales = 0...6
    /// Separates the options of a `multi_choice` cell, so no option may contain it.
    public static let optionSeparator: Character = "、"

    /// The sheet column of a person's phone: `<label>电话`.
    public var phoneLabel: String { label + "电话" }

    /// The sheet columns this field occupies (two for a person).
    public var columnLabels: [String] { type == .person ? [label, phoneLabel] : [label] }

    /// Every problem of this field on its own, at paths under `path` (`fields.2`). Rules that
    /// compare fields (unique keys and labels) belong to the definition.
    public func problems(at path: String) -> [FieldProblem] {
        var problems = ProblemList()
        if let message = LedgerCode.problem(key, what: "字段标识") { problems.add(path + ".key", message) }
        if let message = Self.textProblem(label, what: "字段名称", max: Self.maxLabelLength) { problems.add(path + ".label", message) }
        if type.hasOptions {
            if options.isEmpty { problems.add(path + ".options", "单选和多选字段至少需要一个选项") }
            if options.count > Self.maxOptions { problems.add(path + ".options", "选项不能超过\(Self.maxOptions)个") }
            var seen: Set<String> = []
            for (i, option) in options.enumerated() {
                let at = path + ".options.\(i)"
                if let message = Self.textProblem(option, what: "选项", max: Self.maxOptionLength) { problems.add(at, message) }
                if option.contains(Self.optionSeparator) { problems.add(at, "选项「\(option)」不能包含顿号「、」(多选的分隔符)") }
                if !seen.insert(option).inserted { problems.add(at, "选项「\(option)」重复") }
            }
        } else if !options.isEmpty {
            problems.add(path + ".options", "只有单选和多选字段可以设置选项")
        }
        if type.hasScale {
            if let scale {
                if !Self.scales.contains(scale) { problems.add(path + ".scale", "小数位数应为\(Self.scales.lowerBound)到\(Self.scales.upperBound)") }
            } else {
                problems.add(path + ".scale", "小数字段须指定小数位数(\(Self.scales.lowerBound)到\(Self.scales.upperBound))")
            }
        } else if scale != nil {
            problems.add(path + ".scale", "只有小数字段可以设置小数位数")
        }
        if unique && !type.allowsUnique { problems.add(path + ".unique", "\(type.label)字段不能设为唯一") }
        return problems.problems
    }

    /// Empty, too long or refused by the text policy.
    static func textProblem(_ text: String, what: String, max: Int) -> String? {
        if text.isEmpty { return "\(what)不能为空" }
        if text.count > max { return "\(what)不能超过\(max)个字符" }
        if let problem = TextPolicy.firstProblem(in: text) { return "\(what)的" + problem.message }
        if TextPolicy.trimmed(text) != text { return "\(what)首尾不能有空白" }
        return nil
    }
}
