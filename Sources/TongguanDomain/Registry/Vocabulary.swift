/// A closed list of values that the API names by a snake_case raw value, pages show by a
/// Chinese `label`, and the import sheet writes by a (sometimes shorter) `sheetLabel`.
public protocol RegistryVocabulary: RawRepresentable, CaseIterable, Hashable, Sendable, Codable
where RawValue == String {
    /// What pages show.
    var label: String { get }
    /// What the import sheet writes; the label unless the sheet uses a short form.
    var sheetLabel: String { get }
}

extension RegistryVocabulary {
    public var sheetLabel: String { label }

    /// From the sheet label or the full label, trimmed: both are what people type.
    public init?(label raw: String) {
        let text = raw.trimmedCell
        // The same bytes first (what files hold): `==` on Chinese text compares canonical
        // equivalence, which cost a member import a tenth of its reading time.
        guard
            let value = Self.allCases.first(where: { $0.sheetLabel.utf8.elementsEqual(text.utf8) || $0.label.utf8.elementsEqual(text.utf8) })
                ?? Self.allCases.first(where: { $0.sheetLabel == text || $0.label == text })
        else { return nil }
        self = value
    }

    /// From the API raw value, the sheet label or the label.
    public init?(parsing raw: String) {
        if let value = Self(rawValue: raw.trimmedCell) { self = value; return }
        self.init(label: raw)
    }

    /// `应为「有」「弱」「无」之一`: the message for a cell that is none of the sheet labels.
    public static var sheetChoices: String {
        "应为" + allCases.map { "「\($0.sheetLabel)」" }.joined() + "之一"
    }
}

/// 与户主关系: a member's relation to the head of the household.
///
/// Raw values name the relation from the head's side: `grandchild` is 孙子女 (a son's
/// children, in the head's own family line) and `grandchild_via_daughter` is 外孙子女 (a
/// daughter's children).
public enum Relation: String, RegistryVocabulary {
    case head
    case spouse
    case child
    case daughterInLaw = "daughter_in_law"
    case sonInLaw = "son_in_law"
    case parent
    case grandchild
    case grandchildViaDaughter = "grandchild_via_daughter"
    case sibling
    case other

    public var label: String {
        switch self {
        case .head: "户主"
        case .spouse: "配偶"
        case .child: "子女"
        case .daughterInLaw: "儿媳"
        case .sonInLaw: "女婿"
        case .parent: "父母"
        case .grandchild: "孙子女"
        case .grandchildViaDaughter: "外孙子女"
        case .sibling: "兄弟姐妹"
        case .other: "其他"
        }
    }
}

/// 劳动能力. The sheet writes 有 / 弱 / 无.
public enum LabourCapacity: String, RegistryVocabulary {
    case full, weak, none

    public var label: String {
        switch self {
        case .full: "有劳动能力"
        case .weak: "弱劳动能力"
        case .none: "无劳动能力"
        }
    }

    public var sheetLabel: String {
        switch self {
        case .full: "有"
        case .weak: "弱"
        case .none: "无"
        }
    }
}

/// 在校学段: the stage a member is at school now, `none` when not at school.
public enum SchoolStage: String, RegistryVocabulary {
    case none
    case preschool
    case compulsory
    case highSchool = "high_school"
    case vocational
    case college

    public var label: String {
        switch self {
        case .none: "无"
        case .preschool: "学前"
        case .compulsory: "义务教育"
        case .highSchool: "普通高中"
        case .vocational: "中职"
        case .college: "大专及以上"
        }
    }
}

/// 务工状态.
public enum WorkStatus: String, RegistryVocabulary {
    case migrant, local, farming, none

    public var label: String {
        switch self {
        case .migrant: "外出务工"
        case .local: "本地务工"
        case .farming: "务农"
        case .none: "无"
        }
    }
}

/// 是 / 否 cells of the import sheet.
public enum SheetBool {
    private static let yes = Array("是".utf8)
    private static let no = Array("否".utf8)

    public static func label(_ value: Bool) -> String { value ? "是" : "否" }

    /// 是 → true, 否 → false, anything else nil.
    public static func parse(_ raw: String) -> Bool? {
        let text = raw.trimmedCell
        if text.utf8.elementsEqual(yes) { return true }
        if text.utf8.elementsEqual(no) { return false }
        switch text {
        case "是": return true
        case "否": return false
        default: return nil
        }
    }
}
