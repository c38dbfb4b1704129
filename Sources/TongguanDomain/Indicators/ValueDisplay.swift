/// How a stored value is shown: `displayed = stored × 10^exponent`, rounded half-up to
/// `decimals`. An indicator of investment stores 分 and shows 亿元 (exponent −10, 2
/// decimals); a count stores and shows whole numbers (exponent 0, 0 decimals).
public struct ValueDisplay: Hashable, Sendable {
    public var exponent: Int
    public var decimals: Int

    public init(exponent: Int, decimals: Int) {
        self.exponent = exponent
        self.decimals = decimals
    }

    /// The displayed number, or nil when it cannot be represented (an absurd exponent).
    public func text(_ stored: ExactDecimal) -> String? {
        guard let shown = try? stored.shifted(byPowerOfTen: exponent) else { return nil }
        return shown.text(decimals: decimals)
    }
}

/// The words a briefing may put after a figure to show it in another magnitude:
/// money in 元/万元/亿元, large counts in 万/亿 (`1.9万人`), a pure ratio as a percentage.
public enum ScaleWord: String, Sendable, Codable, CaseIterable {
    case yuan = "元"
    case wanYuan = "万元"
    case yiYuan = "亿元"
    case wan = "万"
    case yi = "亿"
    case percent = "%"

    /// Decimals shown when the template does not say: `183.61亿元`, `1.9万`, `14.7%`.
    public var defaultDecimals: Int {
        switch self {
        case .yuan, .wanYuan, .yiYuan: 2
        case .wan: 1
        case .yi: 2
        case .percent: 1
        }
    }

    /// Money words as powers of ten of 分.
    var fenExponent: Int? {
        switch self {
        case .yuan: 2
        case .wanYuan: 6
        case .yiYuan: 10
        default: nil
        }
    }
}

/// What kind of quantity an indicator's unit names, which decides the scale words that fit.
public enum UnitFamily: Equatable, Sendable {
    /// 分, 元, 万元 or 亿元, with the unit's power of ten in 分.
    case money(fenExponent: Int)
    /// `%`: already a percentage.
    case percent
    /// No unit: a pure number or ratio (resolved ÷ received), shown as `%` on request.
    case ratio
    /// Anything else people count or measure: 个, 件, 人, 万亩, μg/m³ ...
    case measure

    public init(unit: String) {
        switch unit {
        case "分": self = .money(fenExponent: 0)
        case "元": self = .money(fenExponent: 2)
        case "万元": self = .money(fenExponent: 6)
        case "亿元": self = .money(fenExponent: 10)
        case "%", "\u{FF05}": self = .percent
        case "": self = .ratio
        default: self = .measure
        }
    }
}

extension ExactDecimal {
    /// Large counts the way reports write them: below 10,000 as they are; from 10,000 in
    /// 万 and from 100,000,000 in 亿, rounded half-up to `decimals` with trailing zeros
    /// dropped (`19000` → `1.9万`, `900000` → `90万`, `4940` → `4940`).
    public func countText(decimals: Int = 1) -> String {
        let mag = magnitude
        let exponent: Int, word: String
        if mag >= ExactDecimal(100_000_000) {
            exponent = -8; word = "亿"
        } else if mag >= ExactDecimal(10_000) {
            exponent = -4; word = "万"
        } else {
            return description
        }
        guard let shown = try? shifted(byPowerOfTen: exponent) else { return description }
        return shown.rounded(decimals: decimals).description + word
    }
}
