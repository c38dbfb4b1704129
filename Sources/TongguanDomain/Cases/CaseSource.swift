/// Where a case came from. The source decides the kinds it may have and its deadline policy.
public enum CaseSource: String, Sendable, Codable, CaseIterable {
    /// 人大代表联络站: raised by citizens at a deputies' liaison station visit.
    case liaisonStation = "liaison_station"
    /// 信访: governed by 信访工作条例 (route, accept, handle, review, re-review).
    case petition
    /// 12345 政务服务便民热线.
    case hotline
    /// 领导接访: raised when a leader receives visitors in person.
    case leaderVisit = "leader_visit"
    /// 网上: online channels (留言板, 网上信访 portals).
    case online

    public var label: String {
        switch self {
        case .liaisonStation: "人大代表联络站"
        case .petition: "信访"
        case .hotline: "12345热线"
        case .leaderVisit: "领导接访"
        case .online: "网上"
        }
    }

    /// The label, or the short forms that appear in hand-kept lists (12345, 联络站, 网上信访).
    public init?(label raw: String) {
        let text = raw.trimmedCell
        if let source = CaseSource.allCases.first(where: { $0.label == text || $0.rawValue == text }) {
            self = source
            return
        }
        switch text {
        case "12345", "热线", "市长热线": self = .hotline
        case "联络站", "代表联络站": self = .liaisonStation
        case "网上信访", "网络", "网上留言": self = .online
        case "来信", "来访", "信访件": self = .petition
        case "接访": self = .leaderVisit
        default: return nil
        }
    }

    /// Only petitions follow the 复查/复核 procedure of 信访工作条例.
    public var isPetition: Bool { self == .petition }

    /// Kinds a case from this source may have: petitions use the three 信访 categories,
    /// every other channel the five 12345 categories.
    public var kinds: [CaseKind] { isPetition ? CaseKind.petitionKinds : CaseKind.generalKinds }
}
