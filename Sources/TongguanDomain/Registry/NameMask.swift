/// How names are shown to viewers: the surname stays, every other character becomes `*`
/// (张三 → 张*, 欧阳娜娜 → 欧阳**). Other roles see names in full.
///
/// Differs from `PersonalData.name` (the audit trail's mask, which keeps only the first
/// character) in recognising compound surnames, so a viewer can still tell 欧阳 from 欧.
public enum NameMask {
    /// Compound surnames in use today (the common ones of the 百家姓 and a few more). A name
    /// starts with one of these only when it has at least one character after it.
    public static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
        "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "西门", "独孤", "南宫", "司空",
        "万俟", "闻人", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠",
        "钟离", "仲孙", "赫连", "鲜于", "闾丘", "亓官", "司寇", "子车", "颛孙", "壤驷",
        "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "段干", "百里", "呼延",
        "东郭", "南门", "羊舌", "微生", "梁丘", "左丘", "东门", "第五", "公羊", "公西",
        "巫马", "哥舒", "完颜", "耶律", "呼衍", "青阳", "即墨", "达奚", "褚师", "东里",
    ]

    /// The surname as shown: a compound surname when the name starts with one and is
    /// longer than it, else the first character ("" for an empty name).
    public static func surname(of name: String) -> String {
        let characters = Array(name)
        if characters.count > 2, compoundSurnames.contains(String(characters[0..<2])) {
            return String(characters[0..<2])
        }
        return characters.first.map(String.init) ?? ""
    }

    /// 张三 → 张*, 张 → 张* (a single character still gets a star, so a one-character
    /// name does not stand out), 欧阳娜娜 → 欧阳**, 阿卜杜热合曼·买买提 → 阿*********.
    public static func mask(_ name: String) -> String {
        let kept = surname(of: name)
        guard !kept.isEmpty else { return "" }
        return kept + String(repeating: "*", count: max(name.count - kept.count, 1))
    }

    /// The name as `role` may see it: masked for viewers, in full for everyone else.
    public static func shown(_ name: String, to role: Role) -> String {
        role == .viewer ? mask(name) : name
    }
}
