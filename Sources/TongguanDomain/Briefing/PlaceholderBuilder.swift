/// Turns the items of one placeholder into a figure, comparison or ranking, collecting
/// every problem: first the syntax of each parameter, then (with a catalogue) whether the
/// indicator, its query parameters, the scale word and the peer group exist and fit.
struct PlaceholderBuilder {
    let source: String
    let at: TemplateLocation
    let catalogue: TemplateCatalogue?
    private(set) var problems: [TemplateProblem] = []

    init(source: String, at: TemplateLocation, catalogue: TemplateCatalogue?) {
        self.source = source
        self.at = at
        self.catalogue = catalogue
    }

    private mutating func fail(_ location: TemplateLocation, _ message: String) {
        problems.append(TemplateProblem(location, message))
    }

    mutating func build(_ items: [PlaceholderItem?]) -> TemplateSegment? {
        guard let head = items.first ?? nil else { return nil }
        enum Head { case figure, ranking, target }
        let kind: Head
        switch head.name {
        case nil: kind = .figure
        case "ranking": kind = .ranking
        case "target": kind = .target
        case let other?:
            fail(head.nameAt, "占位符应以指标编码(如 projects.signed.count)、「ranking:」或「target:」开头,「\(other)」不是")
            return nil
        }
        var code: IndicatorCode?
        do { code = try IndicatorCode(validating: head.value) } catch {
            fail(head.valueAt, "指标编码「\(head.value)」不正确:" + error.message)
        }
        var indicator: Indicator?
        if let code, let catalogue {
            indicator = catalogue.indicators[code]
            if indicator == nil, !catalogue.pendingIndicators.contains(code) { fail(head.valueAt, "未知指标「\(code.rawValue)」") }
        }
        var seen: [String: TemplateLocation] = [:]
        var params: [String: PlaceholderItem] = [:]
        var words: [PlaceholderItem] = []
        for item in items.dropFirst() {
            guard let item else { continue }
            guard let name = item.name else { words.append(item); continue }
            if seen[name] != nil {
                fail(item.nameAt, "参数「\(name)」重复")
                continue
            }
            seen[name] = item.nameAt
            params[name] = item
        }
        switch kind {
        case .figure: return figure(code, indicator, params, words)
        case .ranking: return ranking(code, params, words)
        case .target: return target(code, indicator, params, words)
        }
    }

    // MARK: Targets

    private mutating func target(
        _ code: IndicatorCode?, _ indicator: Indicator?, _ params: [String: PlaceholderItem],
        _ words: [PlaceholderItem]
    ) -> TemplateSegment? {
        for (name, item) in params.sorted(by: { $0.value.nameAt < $1.value.nameAt })
        where !BriefingTemplate.targetParameters.contains(name) {
            fail(item.nameAt, "目标占位符不支持参数「\(name)」,可用参数:" + BriefingTemplate.targetParameters.joined(separator: "、"))
        }
        let division = parseDivision(params["division"])
        let decimals = parseDecimals(params["decimals"])
        var due: CivilDate?
        if let item = params["due"] {
            do { due = try CivilDate.validatingISO(item.value) } catch { fail(item.valueAt, "「due」应为期限日期,如 2022-12-31") }
        }
        var scaleWord: ScaleWord?
        for item in words {
            guard let word = ScaleWord(rawValue: item.value == "\u{FF05}" ? "%" : item.value) else {
                fail(item.valueAt, "未知的单位词或参数「\(item.value)」,单位词可用:" + ScaleWord.allCases.map(\.rawValue).joined(separator: "、"))
                continue
            }
            if scaleWord != nil { fail(item.valueAt, "一个占位符只能有一个单位词"); continue }
            scaleWord = word
            if let indicator, case .failure(let mismatch) = indicator.display(in: word, decimals: nil) { fail(item.valueAt, mismatch.message) }
        }
        guard problems.isEmpty, let code else { return nil }
        return .target(
            TargetSpec(location: at, source: source, indicator: code, division: division, due: due, scaleWord: scaleWord, decimals: decimals))
    }

    // MARK: Figures and comparisons

    private mutating func figure(
        _ code: IndicatorCode?, _ indicator: Indicator?, _ params: [String: PlaceholderItem],
        _ words: [PlaceholderItem]
    ) -> TemplateSegment? {
        var overrides: [String: String] = [:]
        for (name, item) in params.sorted(by: { $0.value.nameAt < $1.value.nameAt }) {
            if name.hasPrefix("filter.") {
                let key = String(name.dropFirst("filter.".count))
                if !Self.isParameterKey(key) {
                    fail(item.nameAt, "筛选参数应写作 filter.名称(名称用小写英文字母、数字和下划线),「\(name)」不符合")
                } else {
                    overrides[key] = item.value
                }
            } else if name == "round" {
                overrides["round"] = item.value
            } else if !BriefingTemplate.figureParameters.contains(name) {
                let hint = BriefingTemplate.rankingParameters.contains(name) ? "(该参数只用于 ranking: 排名占位符)" : ""
                fail(item.nameAt, "未知参数「\(name)」\(hint),可用参数:" + BriefingTemplate.figureParameters.joined(separator: "、") + "、filter.名称")
            }
        }
        if let round = params["round"], params["period"] != nil {
            fail(round.nameAt, "「round」与「period」不能同时使用:按批次统计时不看期间")
        }
        let period = parsePeriod(params["period"])
        let division = parseDivision(params["division"])
        let decimals = parseDecimals(params["decimals"])
        var basis: Change.Basis?
        if let item = params["change"] {
            switch item.value {
            case "previous", "环比": basis = .previous
            case "last_year", "同比": basis = .lastYear
            default: fail(item.valueAt, "「change」应为 previous(环比)或 last_year(同比)")
            }
        }
        var scaleWord: ScaleWord?
        var scaleWordAt = at
        for item in words {
            guard let word = ScaleWord(rawValue: item.value == "\u{FF05}" ? "%" : item.value) else {
                fail(item.valueAt, "未知的单位词或参数「\(item.value)」,单位词可用:" + ScaleWord.allCases.map(\.rawValue).joined(separator: "、") + ";参数写作「名称: 值」")
                continue
            }
            if scaleWord != nil { fail(item.valueAt, "一个占位符只能有一个单位词"); continue }
            if basis != nil { fail(item.valueAt, "增减幅度以%或百分点表示,不能再指定单位词「\(word.rawValue)」"); continue }
            scaleWord = word
            scaleWordAt = item.valueAt
        }
        if let indicator, let catalogue {
            for (key, value) in overrides {
                let name = key == "round" ? "round" : "filter." + key
                let location = params[name]?.nameAt ?? at
                guard catalogue.queryKinds.accepts(key, in: indicator.source) else {
                    let why = indicator.source.isManual ? "是手工填报指标" : "的查询没有参数「\(key)」"
                    fail(location, "指标「\(indicator.name)」\(why),不能使用「\(name)」")
                    continue
                }
                let allowed = indicator.source.queries.compactMap { catalogue.queryKinds.spec($0.kind)?.parameter(key) }
                    .flatMap(\.allowedValues).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                if !allowed.isEmpty, !allowed.contains(value) {
                    fail(params[name]?.valueAt ?? at, "「\(name)」应为" + allowed.joined(separator: "、") + "之一")
                }
            }
            if let word = scaleWord, case .failure(let mismatch) = indicator.display(in: word, decimals: nil) {
                fail(scaleWordAt, mismatch.message)
            }
        }
        guard problems.isEmpty, let code else { return nil }
        let spec = FigureSpec(
            location: at, source: source, indicator: code, period: period, division: division,
            queryOverrides: overrides, scaleWord: scaleWord, decimals: decimals)
        if let basis { return .comparison(spec, basis) }
        return .figure(spec)
    }

    // MARK: Rankings

    private mutating func ranking(
        _ code: IndicatorCode?, _ params: [String: PlaceholderItem],
        _ words: [PlaceholderItem]
    ) -> TemplateSegment? {
        for (name, item) in params.sorted(by: { $0.value.nameAt < $1.value.nameAt })
        where !BriefingTemplate.rankingParameters.contains(name) {
            fail(item.nameAt, "排名占位符不支持参数「\(name)」,可用参数:" + BriefingTemplate.rankingParameters.joined(separator: "、"))
        }
        for word in words {
            fail(word.valueAt, "排名占位符不能带单位词或其他内容「\(word.value)」")
        }
        let period = parsePeriod(params["period"])
        var groupYear: Int?
        if let item = params["group_year"] {
            if let y = Int(item.value), Period.years.contains(y) {
                groupYear = y
            } else {
                fail(item.valueAt, "「group_year」应为四位年份,如 2018")
            }
        }
        var style = RankPhraseStyle.auto
        if let item = params["rank_phrase"] {
            switch item.value {
            case "auto", "最高", "最低", "最高/最低": style = .auto
            case "position", "第N", "名次": style = .position
            default: fail(item.valueAt, "「rank_phrase」应为 auto(最高/最低,居中时写名次)或 position(总写第N)")
            }
        }
        let group = params["group"]
        if group == nil { fail(at, "排名占位符须用「group:」指明比较组,如 group: 汾渭平原") }
        if let group, let catalogue {
            switch catalogue.group(named: group.value, year: groupYear) {
            case .failure(let miss):
                fail(group.valueAt, miss.message)
            case .success(let peers):
                if let member = params["member"], peers.member(code: member.value) == nil {
                    fail(member.valueAt, "比较组「\(peers.name)」(\(peers.year)年)中没有代码为「\(member.value)」的成员")
                }
            }
        }
        guard problems.isEmpty, let code, let group else { return nil }
        return .ranking(
            RankingSpec(
                location: at, source: source, indicator: code, group: group.value, groupYear: groupYear,
                period: period, member: params["member"]?.value, style: style))
    }

    // MARK: Values

    private mutating func parsePeriod(_ item: PlaceholderItem?) -> Period? {
        guard let item else { return nil }
        do { return try Period(item.value) } catch {
            fail(item.valueAt, error.message)
            return nil
        }
    }

    private mutating func parseDivision(_ item: PlaceholderItem?) -> DivisionCode? {
        guard let item else { return nil }
        do {
            let code = try DivisionCode(validating: item.value)
            if let catalogue, !catalogue.divisionNames.isEmpty, catalogue.divisionNames[code] == nil {
                fail(item.valueAt, "未知的区划代码「\(item.value)」")
            }
            return code
        } catch {
            fail(item.valueAt, "「division」" + error.message)
            return nil
        }
    }

    private mutating func parseDecimals(_ item: PlaceholderItem?) -> Int? {
        guard let item else { return nil }
        guard item.value.allSatisfy(\.isASCIIDigitChar), let n = Int(item.value), Indicator.decimalRange.contains(n) else {
            fail(item.valueAt, "「decimals」应为\(Indicator.decimalRange.lowerBound)到\(Indicator.decimalRange.upperBound)的整数")
            return nil
        }
        return n
    }

    static func isParameterKey(_ key: String) -> Bool {
        guard let first = key.first, first.isASCII, first.isLowercase else { return false }
        return key.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}
