/// A figure placeholder: one indicator's value, or its change (a comparison).
public struct FigureSpec: Hashable, Sendable {
    public let location: TemplateLocation
    /// The placeholder as written, `{{ … }}`.
    public let source: String
    public let indicator: IndicatorCode
    /// Nil: the briefing's period.
    public let period: Period?
    /// Nil: the briefing's division.
    public let division: DivisionCode?
    /// Query parameters the placeholder sets: `round` as `round`, `filter.stage` as `stage`.
    public let queryOverrides: [String: String]
    public let scaleWord: ScaleWord?
    /// Nil: the indicator's decimals (or the scale word's, or 1 for a change).
    public let decimals: Int?
}

/// A ranking placeholder: where the briefing's member stands in a peer group.
public struct RankingSpec: Hashable, Sendable {
    public let location: TemplateLocation
    public let source: String
    public let indicator: IndicatorCode
    public let group: String
    /// Needed only when two groups share the name (汾渭平原 of 2018 and of 2023).
    public let groupYear: Int?
    public let period: Period?
    /// A member code; nil: the briefing's division code.
    public let member: String?
    public let style: RankPhraseStyle
}

/// A target placeholder: the value an indicator must reach in a division by a due date
/// (`基层就诊率65%` by 2022-12-31), as the targets table holds it.
public struct TargetSpec: Hashable, Sendable {
    public let location: TemplateLocation
    public let source: String
    public let indicator: IndicatorCode
    /// Nil: the briefing's division.
    public let division: DivisionCode?
    /// Needed only when the division has several targets for the indicator.
    public let due: CivilDate?
    public let scaleWord: ScaleWord?
    public let decimals: Int?
}

public enum TemplateSegment: Hashable, Sendable {
    case text(String)
    case figure(FigureSpec)
    /// The change of a figure against the previous period (环比) or a year earlier (同比).
    case comparison(FigureSpec, Change.Basis)
    case ranking(RankingSpec)
    case target(TargetSpec)

    public var location: TemplateLocation? {
        switch self {
        case .text: nil
        case .figure(let f), .comparison(let f, _): f.location
        case .ranking(let r): r.location
        case .target(let t): t.location
        }
    }

    public var indicator: IndicatorCode? {
        switch self {
        case .text: nil
        case .figure(let f), .comparison(let f, _): f.indicator
        case .ranking(let r): r.indicator
        case .target(let t): t.indicator
        }
    }
}

/// What a briefing template may refer to, filled by the server from its tables: the
/// indicators, the query kinds modules registered, the peer groups, and optionally the
/// divisions by code (their names appear in footnotes; when given, unknown codes are refused).
public struct TemplateCatalogue: Sendable {
    public var indicators: [IndicatorCode: Indicator]
    public var queryKinds: QueryKindRegistry
    public var peerGroups: [PeerGroup]
    public var divisionNames: [DivisionCode: String]
    /// Indicators announced but not defined yet (their query kind is not registered): a
    /// template may name them, and each such figure renders as a gap until they exist.
    /// Empty for every save a person makes; the demo names the indicators it waits for.
    public var pendingIndicators: Set<IndicatorCode>

    public init(
        indicators: [Indicator], queryKinds: QueryKindRegistry, peerGroups: [PeerGroup],
        divisionNames: [DivisionCode: String] = [:], pendingIndicators: Set<IndicatorCode> = []
    ) {
        self.indicators = Dictionary(indicators.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        self.queryKinds = queryKinds
        self.peerGroups = peerGroups
        self.divisionNames = divisionNames
        self.pendingIndicators = pendingIndicators
    }

    /// The group a placeholder names, or the Chinese reason it cannot be chosen.
    public func group(named name: String, year: Int?) -> Result<PeerGroup, TemplateCatalogueMiss> {
        let named = peerGroups.filter { $0.name == name }
        guard !named.isEmpty else {
            let known = peerGroups.map(\.name).sorted().joined(separator: "、")
            return .failure(.init(message: "未知的比较组「\(name)」" + (known.isEmpty ? "" : ",已有:" + known)))
        }
        if let year {
            guard let group = named.first(where: { $0.year == year }) else {
                let years = named.map { String($0.year) }.sorted().joined(separator: "、")
                return .failure(.init(message: "比较组「\(name)」没有\(year)年的名单(已有:\(years))"))
            }
            return .success(group)
        }
        guard named.count == 1 else {
            let years = named.map { String($0.year) }.sorted().joined(separator: "、")
            return .failure(.init(message: "比较组「\(name)」有\(years)年多个名单,请用 group_year 指明年份"))
        }
        return .success(named[0])
    }
}

public struct TemplateCatalogueMiss: Error, Equatable, Sendable {
    public let message: String
}
