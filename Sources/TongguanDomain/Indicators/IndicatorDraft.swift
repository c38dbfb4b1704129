/// An indicator as a form or the API sends it (raw fields, snake_case JSON), checked in one
/// pass that reports every problem with its field.
public struct IndicatorDraft: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var unit: String
    public var displayScale: Int
    public var decimals: Int
    public var direction: String
    public var rollUp: String
    public var ownerDivision: String
    public var source: SourceDraft

    public struct SourceDraft: Hashable, Sendable, Codable {
        /// `manual` or `computed`.
        public var type: String
        public var query: IndicatorQuery?
        public var denominator: IndicatorQuery?

        public init(type: String, query: IndicatorQuery? = nil, denominator: IndicatorQuery? = nil) {
            self.type = type
            self.query = query
            self.denominator = denominator
        }
    }

    enum CodingKeys: String, CodingKey {
        case code, name, unit, decimals, direction, source
        case displayScale = "display_scale"
        case rollUp = "roll_up"
        case ownerDivision = "owner_division"
    }

    public init(
        code: String, name: String, unit: String, displayScale: Int = 0, decimals: Int = 0, direction: String,
        rollUp: String = "none", ownerDivision: String, source: SourceDraft
    ) {
        self.code = code
        self.name = name
        self.unit = unit
        self.displayScale = displayScale
        self.decimals = decimals
        self.direction = direction
        self.rollUp = rollUp
        self.ownerDivision = ownerDivision
        self.source = source
    }

    /// The indicator, or every problem at once. Query kinds and their parameters are
    /// checked against what the modules registered.
    public func validated(queryKinds: QueryKindRegistry) throws(ValidationFailure) -> Indicator {
        var problems = ProblemList()
        var code: IndicatorCode?
        do { code = try IndicatorCode(validating: self.code) } catch { problems.add("code", error.message) }
        let name = Self.text(self.name, field: "name", label: "名称", max: 100, required: true, into: &problems)
        let unit = Self.text(self.unit, field: "unit", label: "单位", max: 20, required: false, into: &problems)
        if !Indicator.displayScales.contains(displayScale) {
            problems.add("display_scale", "显示倍数应为\(Indicator.displayScales.lowerBound)到\(Indicator.displayScales.upperBound)之间的整数(10的幂次)")
        }
        if !Indicator.decimalRange.contains(decimals) {
            problems.add("decimals", "小数位数应为\(Indicator.decimalRange.lowerBound)到\(Indicator.decimalRange.upperBound)")
        }
        let direction = Direction(rawValue: self.direction)
        if direction == nil { problems.add("direction", "方向应为 higher_is_better(越高越好)或 lower_is_better(越低越好)") }
        let rollUp = RollUp(rawValue: self.rollUp)
        if rollUp == nil { problems.add("roll_up", "汇总方式应为 none、sum、average 或 last") }
        var division: DivisionCode?
        do { division = try DivisionCode(validating: ownerDivision) } catch { problems.add("owner_division", error.message) }
        var source: IndicatorSource?
        switch self.source.type {
        case "manual":
            if self.source.query != nil || self.source.denominator != nil {
                problems.add("source.query", "手工填报的指标不能设置查询")
            } else {
                source = .manual
            }
        case "computed":
            if let rollUp, rollUp != .none {
                problems.add("roll_up", "计算型指标对任何期间直接计算,汇总方式应为 none")
            }
            guard let query = self.source.query else {
                problems.add("source.query", "计算型指标须设置查询")
                break
            }
            var queryProblems = queryKinds.problems(of: query, field: "source.query")
            if let denominator = self.source.denominator {
                queryProblems += queryKinds.problems(of: denominator, field: "source.denominator")
            }
            for problem in queryProblems { problems.add(problem.field, problem.message) }
            if queryProblems.isEmpty { source = .computed(query, denominator: self.source.denominator) }
        default:
            problems.add("source.type", "来源应为 manual(手工填报)或 computed(计算)")
        }
        try problems.throwIfAny()
        return Indicator(
            code: code!, name: name, unit: unit, displayScale: displayScale, decimals: decimals,
            direction: direction!, rollUp: rollUp!, ownerDivision: division!, source: source!)
    }

    private static func text(
        _ raw: String, field: String, label: String, max: Int, required: Bool,
        into problems: inout ProblemList
    ) -> String {
        do {
            let value = try TextPolicy.singleLine(raw)
            if required && value.isEmpty { problems.add(field, "\(label)不能为空") }
            if value.count > max { problems.add(field, "\(label)不能超过\(max)个字符") }
            return value
        } catch {
            problems.add(field, error.message)
            return raw
        }
    }
}

extension Indicator {
    /// The form's starting point when editing.
    public var draft: IndicatorDraft {
        let sourceDraft: IndicatorDraft.SourceDraft
        switch source {
        case .manual: sourceDraft = .init(type: "manual")
        case .computed(let q, let d): sourceDraft = .init(type: "computed", query: q, denominator: d)
        }
        return IndicatorDraft(
            code: code.rawValue, name: name, unit: unit, displayScale: displayScale, decimals: decimals,
            direction: direction.rawValue, rollUp: rollUp.rawValue, ownerDivision: ownerDivision.rawValue,
            source: sourceDraft)
    }
}
