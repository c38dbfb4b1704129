/// One figure as rendered: its text (a number, a change phrase, a rank sentence, or a gap
/// marker) and its footnote number; `request` tells the server what to link to.
public struct RenderedFigure: Hashable, Sendable {
    public let number: Int
    public let text: String
    public let isGap: Bool
    public let request: FigureRequest
}

/// The footnote of one figure: the indicator, every parameter used, and when it was computed.
public struct BriefingFootnote: Hashable, Sendable {
    public let number: Int
    public let indicator: IndicatorCode
    public let indicatorName: String
    public let details: [String]
    public let computedAt: String

    /// `签约项目数(projects.signed.count);期间:…;区划:…;计算于2021-07-16 10:00`.
    public var text: String {
        "\(indicatorName)(\(indicator.rawValue));" + details.joined(separator: ";") + ";计算于\(computedAt)"
    }
}

/// A figure that could not be computed, listed at the top of the briefing.
public struct BriefingGap: Hashable, Sendable {
    public let number: Int
    public let indicatorName: String
    /// What is missing (at least one period).
    public let periods: [Period]
    public let reason: String
    /// The round a figure counted by round names (its periods do not apply then).
    public var round: String? = nil

    /// `【缺:基层就诊率 2021-05】` (`【缺:签约项目数 2021年第三次】` for a round); more than three
    /// periods are summarised.
    public var marker: String {
        if let round { return "【缺:\(indicatorName) \(round)】" }
        let listed =
            periods.count > 3
            ? periods.prefix(3).map(\.description).joined(separator: "、") + "等\(periods.count)个期间"
            : periods.map(\.description).joined(separator: "、")
        return "【缺:\(indicatorName) \(listed)】"
    }
}

/// A rendered briefing, as Markdown or as HTML.
public struct RenderedBriefing: Hashable, Sendable {
    public enum Piece: Hashable, Sendable {
        /// Template text exactly as written (Markdown).
        case text(String)
        case figure(RenderedFigure)
    }

    public let pieces: [Piece]
    public let footnotes: [BriefingFootnote]
    public let gaps: [BriefingGap]

    /// The gaps as a quoted list at the top, the text with `[^n]` after each figure, and the
    /// footnotes as a list at the end.
    public var markdown: String {
        var out = ""
        if !gaps.isEmpty {
            out += "> 本简报有\(gaps.count)处数据缺失:\n"
            for gap in gaps { out += "> - \(gap.marker)\(gap.reason)[^\(gap.number)]\n" }
            out += "\n"
        }
        for piece in pieces {
            switch piece {
            case .text(let s): out += s
            case .figure(let f): out += f.text + "[^\(f.number)]"
            }
        }
        if !footnotes.isEmpty {
            if !out.hasSuffix("\n") { out += "\n" }
            out += "\n"
            for note in footnotes { out += "[^\(note.number)]: \(note.text)\n" }
        }
        return out
    }
}
