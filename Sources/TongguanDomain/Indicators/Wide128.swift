/// An unsigned 128-bit magnitude, just enough for exact decimal products and quotients
/// without a platform `UInt128` (macOS 14 has none). Every operation reports overflow
/// instead of trapping, so an impossible figure becomes a refusal, never a crash.
struct Wide128: Equatable, Comparable {
    var high: UInt64
    var low: UInt64

    init(_ value: UInt64) {
        high = 0
        low = value
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    static func < (a: Wide128, b: Wide128) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// `self × factor`, or nil past 128 bits.
    func multiplied(by factor: UInt64) -> Wide128? {
        let lowProduct = low.multipliedFullWidth(by: factor)
        let highProduct = high.multipliedFullWidth(by: factor)
        guard highProduct.high == 0 else { return nil }
        let (sum, overflow) = highProduct.low.addingReportingOverflow(lowProduct.high)
        guard !overflow else { return nil }
        return Wide128(high: sum, low: lowProduct.low)
    }

    /// `self × 10^exponent`, or nil past 128 bits.
    func multiplied(byPowerOfTen exponent: Int) -> Wide128? {
        var result = self
        var left = exponent
        while left > 0 {
            let step = min(left, 18)
            guard let next = result.multiplied(by: Wide128.powerOfTen(step)) else { return nil }
            result = next
            left -= step
        }
        return result
    }

    /// Quotient and remainder by a non-zero 64-bit divisor.
    func divided(by divisor: UInt64) -> (quotient: Wide128, remainder: UInt64) {
        let highQuotient = high / divisor
        let highRemainder = high % divisor
        let (lowQuotient, remainder) = divisor.dividingFullWidth((highRemainder, low))
        return (Wide128(high: highQuotient, low: lowQuotient), remainder)
    }

    /// Quotient rounded half away from zero (the magnitude's half-up).
    func dividedRoundingHalfUp(by divisor: UInt64) -> Wide128? {
        let (quotient, remainder) = divided(by: divisor)
        // remainder ≥ divisor / 2, written without overflow.
        guard remainder >= divisor - remainder else { return quotient }
        let (next, overflow) = quotient.low.addingReportingOverflow(1)
        if !overflow { return Wide128(high: quotient.high, low: next) }
        guard quotient.high < .max else { return nil }
        return Wide128(high: quotient.high + 1, low: next)
    }

    /// The value as a non-negative Int64 magnitude, or nil when it does not fit.
    var int64Magnitude: UInt64? {
        guard high == 0, low <= UInt64(Int64.max) else { return nil }
        return low
    }

    /// 10^n for n in 0...19.
    static func powerOfTen(_ n: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }
}
