/// What the citizen asks for. Petitions (信访) are classified by 信访工作条例's three
/// categories; the other channels use the five 12345 categories.
public enum CaseKind: String, Sendable, Codable, CaseIterable {
    /// 咨询
    case consultation
    /// 投诉
    case complaint
    /// 求助
    case helpRequest = "help_request"
    /// 建议
    case suggestion
    /// 举报
    case report
    /// 建议意见 (petition)
    case opinion
    /// 检举控告 (petition)
    case accusation
    /// 申诉求决 (petition)
    case appeal

    public static let generalKinds: [CaseKind] = [.consultation, .complaint, .helpRequest, .suggestion, .report]
    public static let petitionKinds: [CaseKind] = [.opinion, .accusation, .appeal]

    public var label: String {
        switch self {
        case .consultation: "咨询"
        case .complaint: "投诉"
        case .helpRequest: "求助"
        case .suggestion: "建议"
        case .report: "举报"
        case .opinion: "建议意见"
        case .accusation: "检举控告"
        case .appeal: "申诉求决"
        }
    }

    public init?(label raw: String) {
        let text = raw.trimmedCell
        guard let kind = CaseKind.allCases.first(where: { $0.label == text || $0.rawValue == text }) else { return nil }
        self = kind
    }

    public var isPetitionKind: Bool { CaseKind.petitionKinds.contains(self) }

    public func fits(_ source: CaseSource) -> Bool { source.kinds.contains(self) }

    /// The sentence shown when a kind does not go with a source.
    public static func mismatchMessage(_ kind: CaseKind, _ source: CaseSource) -> String {
        "来源为「\(source.label)」的诉求类别应为" + source.kinds.map { "「\($0.label)」" }.joined(separator: "、")
            + ",不能是「\(kind.label)」"
    }
}
