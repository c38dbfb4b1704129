/// For whom and for when a briefing is rendered; placeholders without `period:` or
/// `division:` use these.
public struct BriefingContext: Hashable, Sendable {
    public var period: Period
    public var division: DivisionCode
    /// The briefing's own member code in peer groups (吕梁 is `141100`); defaults to the
    /// division code.
    public var memberCode: String

    public init(period: Period, division: DivisionCode, memberCode: String? = nil) {
        self.period = period
        self.division = division
        self.memberCode = memberCode ?? division.rawValue
    }
}

/// One thing the server must compute for a briefing: the domain says what, the server
/// queries and answers with a `FigureOutcome` under the same `index`.
public struct FigureRequest: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// The indicator's value for `period` in `division`.
        case value
        /// The values for `period` and for `basePeriod` (nil at the edge of the calendar).
        case comparison(Change.Basis, basePeriod: Period?)
        /// The values of every member of `group` for `period` (nil when the group named in
        /// the template no longer exists).
        case ranking(group: PeerGroup?, memberCode: String, style: RankPhraseStyle)
        /// The target set for the indicator in `division` (the one due on `due` when given).
        case target(due: CivilDate?)
    }

    /// The placeholder's index in `BriefingTemplate.segments`.
    public let index: Int
    public let indicator: IndicatorCode
    public let period: Period
    public let division: DivisionCode
    /// Query parameters to replace for computed indicators (`round`, filters). A figure
    /// with `round` is counted by that round, whatever `period` says.
    public let queryOverrides: [String: String]
    public let kind: Kind
}

/// What the server found for one request.
public enum FigureOutcome: Hashable, Sendable {
    /// For `.value`: the value, or the periods with nothing entered.
    case value(PeriodValue)
    /// For `.comparison`: the current value and the base period's.
    case comparison(current: PeriodValue, base: PeriodValue)
    /// For `.ranking`: the group ranked for the period.
    case ranking(Ranking)
    /// For `.target`: the target found (nil: none is set).
    case target(Target?)
    /// The figure cannot be computed for another reason (a ratio whose denominator is 0, a
    /// query a module refused); the reason is shown in the gap list.
    case unavailable(String)
}

extension BriefingTemplate {
    /// Everything the server must compute to render the template in `context`, one request
    /// per placeholder.
    public func requests(in context: BriefingContext, catalogue: TemplateCatalogue) -> [FigureRequest] {
        placeholders.map { index, segment in
            switch segment {
            case .figure(let f):
                return FigureRequest(
                    index: index, indicator: f.indicator, period: f.period ?? context.period,
                    division: f.division ?? context.division, queryOverrides: f.queryOverrides, kind: .value)
            case .comparison(let f, let basis):
                let period = f.period ?? context.period
                return FigureRequest(
                    index: index, indicator: f.indicator, period: period,
                    division: f.division ?? context.division, queryOverrides: f.queryOverrides,
                    kind: .comparison(basis, basePeriod: basis.basePeriod(of: period)))
            case .ranking(let r):
                let group = try? catalogue.group(named: r.group, year: r.groupYear).get()
                return FigureRequest(
                    index: index, indicator: r.indicator, period: r.period ?? context.period,
                    division: context.division, queryOverrides: [:],
                    kind: .ranking(group: group, memberCode: r.member ?? context.memberCode, style: r.style))
            case .target(let t):
                return FigureRequest(
                    index: index, indicator: t.indicator, period: context.period, division: t.division ?? context.division,
                    queryOverrides: [:], kind: .target(due: t.due))
            case .text:
                preconditionFailure("placeholders holds no text")
            }
        }
    }
}
