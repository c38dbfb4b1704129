import Testing

@testable import TongguanDomain

@Suite("Wide128: the 128-bit magnitude behind exact products and quotients")
struct Wide128Tests {
    @Test("multiplication reports overflow past 128 bits")
    func multiply() {
        let max64 = Wide128(UInt64.max)
        let square = max64.multiplied(by: .max)
        #expect(square == Wide128(high: UInt64.max - 1, low: 1))
        #expect(square?.multiplied(by: 2) == nil)
        #expect(Wide128(high: 1, low: 0).multiplied(by: 3) == Wide128(high: 3, low: 0))
        #expect(Wide128(1).multiplied(byPowerOfTen: 19) == Wide128(10_000_000_000_000_000_000))
        #expect(Wide128(1).multiplied(byPowerOfTen: 38) != nil)
        #expect(Wide128(1).multiplied(byPowerOfTen: 39) == nil)
        #expect(Wide128(5).multiplied(byPowerOfTen: 0) == Wide128(5))
    }

    @Test("division with remainder and half-up rounding at the exact half")
    func divide() {
        let (q, r) = Wide128(high: 1, low: 0).divided(by: 3)
        #expect(q == Wide128(6_148_914_691_236_517_205) && r == 1)
        #expect(Wide128(25).dividedRoundingHalfUp(by: 10) == Wide128(3))
        #expect(Wide128(24).dividedRoundingHalfUp(by: 10) == Wide128(2))
        #expect(Wide128(5).dividedRoundingHalfUp(by: 11) == Wide128(0))
        #expect(Wide128(6).dividedRoundingHalfUp(by: 11) == Wide128(1))
        #expect(Wide128(UInt64.max).dividedRoundingHalfUp(by: UInt64.max) == Wide128(1))
        // A carry from the low word into the high word.
        #expect(Wide128(high: 0, low: .max).dividedRoundingHalfUp(by: 1) == Wide128(high: 0, low: .max))
        #expect(Wide128(high: 1, low: 1).dividedRoundingHalfUp(by: 2) == Wide128(high: 0, low: 1 << 63 + 1))
    }

    @Test("the Int64 magnitude exists only below 2^63")
    func int64() {
        #expect(Wide128(UInt64(Int64.max)).int64Magnitude == UInt64(Int64.max))
        #expect(Wide128(UInt64(Int64.max) + 1).int64Magnitude == nil)
        #expect(Wide128(high: 1, low: 0).int64Magnitude == nil)
        #expect(Wide128.powerOfTen(0) == 1 && Wide128.powerOfTen(19) == 10_000_000_000_000_000_000)
        #expect(Wide128(high: 0, low: 9) < Wide128(high: 1, low: 0))
    }
}
