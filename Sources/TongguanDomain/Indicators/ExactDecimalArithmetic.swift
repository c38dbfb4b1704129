/// Arithmetic that never loses a digit silently: sums and differences are exact, products
/// are exact up to 12 decimals (then rounded half-up), quotients are rounded half-up at a
/// scale the caller names. A result that does not fit throws `.outOfRange` instead of
/// wrapping or trapping.
extension ExactDecimal {
    public func plus(_ other: ExactDecimal) throws(Problem) -> ExactDecimal {
        let a = normalized, b = other.normalized
        let s = max(a.scale, b.scale)
        let x = try a.units(atScale: s), y = try b.units(atScale: s)
        let (sum, overflow) = x.addingReportingOverflow(y)
        guard !overflow, sum != .min else { throw .outOfRange }
        return ExactDecimal(checkedUnits: sum, scale: s)
    }

    public func minus(_ other: ExactDecimal) throws(Problem) -> ExactDecimal {
        try plus(other.negated)
    }

    /// The exact product; beyond 12 decimals it is rounded half-up at 12.
    public func times(_ other: ExactDecimal) throws(Problem) -> ExactDecimal {
        let a = normalized, b = other.normalized
        let product = a.units.magnitude.multipliedFullWidth(by: b.units.magnitude)
        var magnitude = Wide128(high: product.high, low: product.low)
        var s = a.scale + b.scale
        if s > ExactDecimal.maxScale {
            magnitude = magnitude.dividedRoundingHalfUp(by: Wide128.powerOfTen(s - ExactDecimal.maxScale))!
            s = ExactDecimal.maxScale
        }
        guard let m = magnitude.int64Magnitude else { throw .outOfRange }
        let negative = (a.units < 0) != (b.units < 0)
        return ExactDecimal(checkedUnits: negative ? -Int64(m) : Int64(m), scale: s)
    }

    /// `self ÷ divisor`, rounded half-up (away from zero) to `scale` decimals (0...12).
    public func divided(by divisor: ExactDecimal, scale target: Int) throws(Problem) -> ExactDecimal {
        guard !divisor.isZero else { throw .divisionByZero }
        let s = min(max(target, 0), ExactDecimal.maxScale)
        let a = normalized, b = divisor.normalized
        // |a| × 10^(s + b.scale − a.scale) ÷ |b|
        let exponent = s + b.scale - a.scale
        let magnitude: UInt64
        if exponent >= 0 {
            guard let numerator = Wide128(a.units.magnitude).multiplied(byPowerOfTen: exponent),
                let quotient = numerator.dividedRoundingHalfUp(by: b.units.magnitude),
                let m = quotient.int64Magnitude
            else { throw .outOfRange }
            magnitude = m
        } else if let denominator = Wide128(b.units.magnitude).multiplied(byPowerOfTen: -exponent),
            denominator.high == 0
        {
            magnitude = Wide128(a.units.magnitude).dividedRoundingHalfUp(by: denominator.low)!.low
        } else {
            // The denominator exceeds 2^64 while |a| < 2^63: the quotient is below one half.
            magnitude = 0
        }
        let negative = (a.units < 0) != (b.units < 0)
        return ExactDecimal(checkedUnits: negative ? -Int64(magnitude) : Int64(magnitude), scale: s)
    }

    /// Rounded half-up to `decimals` decimals (0...12); more decimals than the value has
    /// keeps it as it is.
    public func rounded(decimals: Int) -> ExactDecimal {
        roundedDown(toScale: min(max(decimals, 0), ExactDecimal.maxScale))
    }

    /// `self × 10^exponent`: how a stored value becomes a displayed one (分 → 亿元 is
    /// exponent −10). Beyond 12 decimals the result is rounded half-up at 12.
    public func shifted(byPowerOfTen exponent: Int) throws(Problem) -> ExactDecimal {
        let a = normalized
        if exponent <= 0 {
            let s = a.scale - exponent
            if s <= ExactDecimal.maxScale { return ExactDecimal(checkedUnits: a.units, scale: s) }
            guard s - ExactDecimal.maxScale <= 19 else { return .zero }
            return ExactDecimal(checkedUnits: a.units, scale: s).forceRound(toScale: ExactDecimal.maxScale)
        }
        if exponent <= a.scale { return ExactDecimal(checkedUnits: a.units, scale: a.scale - exponent) }
        guard let m = Wide128(a.units.magnitude).multiplied(byPowerOfTen: exponent - a.scale)?.int64Magnitude else {
            throw .outOfRange
        }
        return ExactDecimal(checkedUnits: a.units < 0 ? -Int64(m) : Int64(m), scale: 0)
    }

    /// Rounds a value whose scale is (transiently) above 12.
    private func forceRound(toScale target: Int) -> ExactDecimal {
        let divisor = Wide128.powerOfTen(scale - target)
        let mag = Wide128(units.magnitude).dividedRoundingHalfUp(by: divisor)!.low
        return ExactDecimal(checkedUnits: units < 0 ? -Int64(mag) : Int64(mag), scale: target)
    }

    /// The sum of all values (zero for none).
    public static func sum<S: Sequence>(_ values: S) throws(Problem) -> ExactDecimal where S.Element == ExactDecimal {
        var total = ExactDecimal.zero
        for value in values { total = try total.plus(value) }
        return total
    }

    /// Units re-expressed at a larger scale, or `.outOfRange`.
    private func units(atScale s: Int) throws(Problem) -> Int64 {
        let (product, overflow) = units.multipliedReportingOverflow(by: Int64(Wide128.powerOfTen(s - scale)))
        guard !overflow else { throw .outOfRange }
        return product
    }
}
