/// A briefing template parsed into text and placeholders. The syntax is documented in
/// `BriefingSyntax.documentation`; parsing reports every problem with line and column, so
/// the template page can refuse a save with all of them at once.
public struct BriefingTemplate: Hashable, Sendable {
    public let segments: [TemplateSegment]

    /// Parameters of a figure or comparison placeholder (besides `filter.<key>` and scale words).
    public static let figureParameters = ["period", "round", "division", "decimals", "change"]
    public static let rankingParameters = ["group", "group_year", "period", "member", "rank_phrase"]
    public static let targetParameters = ["division", "due", "decimals"]

    /// Parses `text`; with a catalogue, also checks every indicator, query parameter, peer
    /// group, scale word and division against it (what a save does).
    public init(parsing text: String, catalogue: TemplateCatalogue? = nil) throws(TemplateProblems) {
        let (pieces, scanProblems) = TemplateScanner.scan(text)
        var problems = scanProblems
        var segments: [TemplateSegment] = []
        for piece in pieces {
            switch piece {
            case .text(let s):
                if case .text(let before)? = segments.last {
                    segments[segments.count - 1] = .text(before + s)
                } else {
                    segments.append(.text(s))
                }
            case .placeholder(let body, let at, let bodyStart):
                let (items, itemProblems) = PlaceholderItems.parse(body, start: bodyStart)
                problems += itemProblems
                var builder = PlaceholderBuilder(source: "{{" + String(body) + "}}", at: at, catalogue: catalogue)
                if let segment = builder.build(items) { segments.append(segment) }
                problems += builder.problems
            }
        }
        guard problems.isEmpty else { throw TemplateProblems(problems) }
        self.segments = segments
    }

    /// The placeholders, in order, with their index in `segments`.
    public var placeholders: [(index: Int, segment: TemplateSegment)] {
        segments.enumerated().filter { $0.element.location != nil }.map { ($0.offset, $0.element) }
    }

    /// Every indicator the template uses, once each, sorted.
    public var indicators: [IndicatorCode] {
        Array(Set(segments.compactMap(\.indicator))).sorted()
    }
}
