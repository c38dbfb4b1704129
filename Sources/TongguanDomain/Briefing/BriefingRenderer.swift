/// Formats a briefing from the figures the server computed: every number is formatted here
/// (units, decimals, change phrases, rank sentences), every figure gets a footnote naming
/// the indicator, its parameters and the time of computation, and a figure that cannot be
/// computed becomes a visible gap `【缺:指标名 2021-05】`, never a 0.
public enum BriefingRenderer {
    /// `outcomes` is keyed by `FigureRequest.index`; a request without an outcome is a gap.
    /// `computedAt` is the moment of computation as the page shows it (`2021-07-16 10:00`).
    public static func render(
        _ template: BriefingTemplate, context: BriefingContext, catalogue: TemplateCatalogue,
        outcomes: [Int: FigureOutcome], computedAt: String
    ) -> RenderedBriefing {
        let requests = Dictionary(uniqueKeysWithValues: template.requests(in: context, catalogue: catalogue).map { ($0.index, $0) })
        var pieces: [RenderedBriefing.Piece] = []
        var footnotes: [BriefingFootnote] = []
        var gaps: [BriefingGap] = []
        for (index, segment) in template.segments.enumerated() {
            guard let request = requests[index] else {
                if case .text(let s) = segment { pieces.append(.text(s)) }
                continue
            }
            let number = footnotes.count + 1
            let indicator = catalogue.indicators[request.indicator]
            let name = indicator?.name ?? request.indicator.rawValue
            let result: Result<String, Missing>
            if let indicator {
                result = figureText(segment, request: request, indicator: indicator, outcome: outcomes[index])
            } else if case .unavailable(let reason)? = outcomes[index] {
                // A pending indicator (its query kind is not registered yet): the server says why.
                result = .failure(Missing(periods: [request.period], reason: reason))
            } else {
                result = .failure(Missing(periods: [request.period], reason: "指标「\(request.indicator.rawValue)」未定义或已删除"))
            }
            switch result {
            case .success(let text):
                pieces.append(.figure(RenderedFigure(number: number, text: text, isGap: false, request: request)))
            case .failure(let missing):
                let gap = BriefingGap(
                    number: number, indicatorName: name, periods: missing.periods, reason: missing.reason, round: request.queryOverrides["round"])
                gaps.append(gap)
                pieces.append(.figure(RenderedFigure(number: number, text: gap.marker, isGap: true, request: request)))
            }
            footnotes.append(
                BriefingFootnote(
                    number: number, indicator: request.indicator, indicatorName: name,
                    details: details(segment, request: request, catalogue: catalogue),
                    computedAt: computedAt))
        }
        return RenderedBriefing(pieces: pieces, footnotes: footnotes, gaps: gaps)
    }

    struct Missing: Error {
        var periods: [Period]
        var reason: String
    }

    static func figureText(
        _ segment: TemplateSegment, request: FigureRequest, indicator: Indicator,
        outcome: FigureOutcome?
    ) -> Result<String, Missing> {
        let notEntered = "该期间没有数值"
        switch (segment, outcome) {
        case (_, .unavailable(let reason)?):
            return .failure(Missing(periods: [request.period], reason: reason))
        case (.figure(let f), .value(let value)?):
            switch value {
            case .gap(let missing): return .failure(Missing(periods: missing, reason: notEntered))
            case .value(let v, _):
                guard case .success(let display) = indicator.display(in: f.scaleWord, decimals: f.decimals),
                    let text = display.text(v)
                else {
                    return .failure(Missing(periods: [request.period], reason: "数值无法按所要求的单位显示"))
                }
                return .success(text)
            }
        case (.comparison(let f, _), .comparison(let current, let base)?):
            guard case .comparison(_, let basePeriod) = request.kind, let basePeriod else {
                return .failure(Missing(periods: [request.period], reason: "没有可比较的期间"))
            }
            var missing: [Period] = []
            if case .gap(let m) = current { missing += m }
            if case .gap(let m) = base { missing += m }
            guard let now = current.value, let then = base.value else {
                return .failure(Missing(periods: missing, reason: notEntered))
            }
            do throws(Change.Problem) {
                return .success(try indicator.change(from: then, to: now, decimals: f.decimals ?? 1).phrase)
            } catch {
                return .failure(Missing(periods: [basePeriod], reason: error.message))
            }
        case (.ranking, .ranking(let ranking)?):
            guard case .ranking(_, let member, let style) = request.kind else { break }
            if let sentence = ranking.sentence(for: member, style: style) { return .success(sentence) }
            if ranking.row(for: member) == nil {
                return .failure(Missing(periods: [request.period], reason: "代码为「\(member)」的成员不在比较组「\(ranking.group)」中"))
            }
            return .failure(Missing(periods: [request.period], reason: notEntered))
        case (.target(let t), .target(let target)?):
            guard let target else {
                let due = t.due.map { "(期限\($0.description))" } ?? ""
                return .failure(Missing(periods: [request.period], reason: "该区划尚未设定此指标的目标\(due)"))
            }
            guard case .success(let display) = indicator.display(in: t.scaleWord, decimals: t.decimals), let text = display.text(target.value)
            else {
                return .failure(Missing(periods: [request.period], reason: "数值无法按所要求的单位显示"))
            }
            return .success(text)
        case (.ranking, nil):
            if case .ranking(nil, _, _) = request.kind {
                return .failure(Missing(periods: [request.period], reason: "模板所指的比较组已不存在"))
            }
        default:
            break
        }
        return .failure(Missing(periods: [request.period], reason: outcome == nil ? "未能计算" : "计算结果与占位符类型不符"))
    }

    /// The footnote's parameter list, in Chinese.
    static func details(_ segment: TemplateSegment, request: FigureRequest, catalogue: TemplateCatalogue) -> [String] {
        // A figure counted by round ignores the period, so its footnote names the round instead.
        var result: [String] = []
        var isTarget = false
        if case .target = request.kind { isTarget = true }
        if request.queryOverrides["round"] == nil, !isTarget {
            result.append("期间:\(request.period.chinese)(\(request.period.description))")
        }
        if case .ranking = request.kind {
        } else {
            let name = catalogue.divisionNames[request.division]
            result.append("区划:" + (name.map { "\($0)(\(request.division.rawValue))" } ?? request.division.rawValue))
        }
        if let round = request.queryOverrides["round"] { result.append("批次:\(round)") }
        for (key, value) in request.queryOverrides.sorted(by: { $0.key < $1.key }) where key != "round" {
            result.append("筛选:\(key)=\(value)")
        }
        switch request.kind {
        case .value:
            break
        case .comparison(let basis, let base):
            result.append("比较:\(basis.label)" + (base.map { ",比较期\($0.chinese)(\($0.description))" } ?? ""))
        case .ranking(let group, let member, _):
            if let group { result.append("比较组:\(group.name)(\(group.year)年划定,\(group.members.count)个城市)") }
            result.append("成员代码:\(member)")
        case .target(let due):
            result.append("目标" + (due.map { ",期限\($0.description)" } ?? ""))
        }
        return result
    }
}
