/// An indicator (指标): a measured quantity per period and division. Values are stored in
/// the indicator's stored unit and shown as `stored ÷ 10^displayScale` in `unit` with
/// `decimals` decimals: signed investment is counted in 分 and shown in 亿元 (unit 亿元,
/// display scale 10, 2 decimals); PM2.5 is entered and shown in μg/m³ (scale 0); a ratio
/// such as resolved ÷ received is a fraction shown in % (unit %, display scale −2).
public struct Indicator: Hashable, Sendable {
    public var code: IndicatorCode
    public var name: String
    public var unit: String
    public var displayScale: Int
    public var decimals: Int
    public var direction: Direction
    public var rollUp: RollUp
    public var ownerDivision: DivisionCode
    public var source: IndicatorSource

    public static let displayScales = -6...12
    public static let decimalRange = 0...6

    public init(
        code: IndicatorCode, name: String, unit: String, displayScale: Int = 0, decimals: Int = 0,
        direction: Direction, rollUp: RollUp = .none, ownerDivision: DivisionCode, source: IndicatorSource
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

    public var unitFamily: UnitFamily { UnitFamily(unit: unit) }

    /// The indicator's own way of showing a value.
    public var display: ValueDisplay { ValueDisplay(exponent: -displayScale, decimals: decimals) }

    /// The value as shown with its unit: `183.61亿元`, `65%`, `42个`.
    public func displayText(_ stored: ExactDecimal) -> String {
        (display.text(stored) ?? stored.description) + unit
    }

    /// How to show a value in `word` (亿元, 万, % ...) with `decimals` (the word's default
    /// when nil), or the Chinese reason the word does not fit this indicator's unit.
    public func display(in word: ScaleWord?, decimals: Int?) -> Result<ValueDisplay, ScaleWordMismatch> {
        guard let word else { return .success(ValueDisplay(exponent: -displayScale, decimals: decimals ?? self.decimals)) }
        let places = decimals ?? word.defaultDecimals
        switch (word, unitFamily) {
        case (.yuan, .money(let e)), (.wanYuan, .money(let e)), (.yiYuan, .money(let e)):
            // stored unit is 10^(e − displayScale) 分; shown unit is 10^word 分.
            return .success(ValueDisplay(exponent: e - displayScale - word.fenExponent!, decimals: places))
        case (.wan, .measure), (.wan, .ratio):
            return .success(ValueDisplay(exponent: -displayScale - 4, decimals: places))
        case (.yi, .measure), (.yi, .ratio):
            return .success(ValueDisplay(exponent: -displayScale - 8, decimals: places))
        case (.percent, .ratio):
            return .success(ValueDisplay(exponent: -displayScale + 2, decimals: places))
        default:
            return .failure(ScaleWordMismatch(word: word, unit: unit))
        }
    }
}

/// A scale word that does not fit an indicator's unit.
public struct ScaleWordMismatch: Error, Equatable, Sendable {
    public let word: ScaleWord
    public let unit: String

    public var message: String {
        let shown = unit.isEmpty ? "无单位" : "单位为「\(unit)」"
        switch word {
        case .yuan, .wanYuan, .yiYuan: return "「\(word.rawValue)」只能用于金额指标(单位为元、万元或亿元),该指标\(shown)"
        case .wan, .yi: return "「\(word.rawValue)」只能用于计数或计量指标,该指标\(shown)"
        case .percent: return "「%」只能用于无单位的比值指标,该指标\(shown)"
        }
    }
}
