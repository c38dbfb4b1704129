/// A small deterministic generator (SplitMix64) so property tests sweep many values yet
/// fail the same way on every run.
struct SeededNumbers {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0); the tiny modulo bias does not matter for tests.
    mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }

    /// `count` values spread over every order of magnitude below `bound`, so short and long
    /// numbers are both exercised.
    mutating func spread(count: Int, below bound: Int64) -> [Int64] {
        (0..<count).map { _ in
            var limit: UInt64 = 10
            let digits = Int(below(19)) + 1
            for _ in 1..<digits { limit = limit &* 10 }
            return Int64(below(min(limit, UInt64(bound))))
        }
    }
}
