import Testing

@testable import TongguanDomain

@Suite struct MonthSplitTests {
    static func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    /// Every day of the range is counted exactly once: by a whole month or by an edge.
    static func covered(_ s: MonthSplit, day: CivilDate) -> Int {
        var n = 0
        if let months = s.months {
            let m = MonthSplit.month(day)
            if (months.first.map { m >= $0 } ?? true) && (months.last.map { m <= $0 } ?? true) { n += 1 }
        }
        for e in s.edges where (e.from.map { !(day < $0) } ?? true) && (e.to.map { !($0 < day) } ?? true) { n += 1 }
        return n
    }

    @Test func wholeMonthsAndEdges() {
        let s = MonthSplit(from: Self.d("2021-03-15"), to: Self.d("2021-08-10"))
        #expect(s.months?.first == "2021-04")
        #expect(s.months?.last == "2021-07")
        #expect(
            s.edges == [.init(from: Self.d("2021-03-15"), to: Self.d("2021-03-31")), .init(from: Self.d("2021-08-01"), to: Self.d("2021-08-10"))])
    }

    @Test func exactMonthsHaveNoEdges() {
        let s = MonthSplit(from: Self.d("2024-02-01"), to: Self.d("2024-02-29"))
        #expect(s.months?.first == "2024-02" && s.months?.last == "2024-02")
        #expect(s.edges.isEmpty)
        // 2023 is not a leap year: the 28th ends February.
        let common = MonthSplit(from: Self.d("2023-01-01"), to: Self.d("2023-02-28"))
        #expect(common.months?.last == "2023-02" && common.edges.isEmpty)
        let notEnd = MonthSplit(from: Self.d("2024-01-01"), to: Self.d("2024-02-28"))
        #expect(notEnd.months?.last == "2024-01")
        #expect(notEnd.edges == [.init(from: Self.d("2024-02-01"), to: Self.d("2024-02-28"))])
    }

    @Test func withinOneMonthIsOneEdge() {
        let s = MonthSplit(from: Self.d("2021-05-03"), to: Self.d("2021-05-20"))
        #expect(s.months == nil)
        #expect(s.edges == [.init(from: Self.d("2021-05-03"), to: Self.d("2021-05-20"))])
        // Across a month end with no whole month between.
        let across = MonthSplit(from: Self.d("2021-05-03"), to: Self.d("2021-06-20"))
        #expect(across.months == nil)
        #expect(across.edges == [.init(from: Self.d("2021-05-03"), to: Self.d("2021-06-20"))])
    }

    @Test func openEnds() {
        let all = MonthSplit(from: nil, to: nil)
        #expect(all.months != nil && all.months?.first == nil && all.months?.last == nil && all.edges.isEmpty)
        let from = MonthSplit(from: Self.d("2021-12-31"), to: nil)
        #expect(from.months?.first == "2022-01" && from.months?.last == nil)
        #expect(from.edges == [.init(from: Self.d("2021-12-31"), to: Self.d("2021-12-31"))])
        let to = MonthSplit(from: nil, to: Self.d("2022-01-01"))
        #expect(to.months?.first == nil && to.months?.last == "2021-12")
        #expect(to.edges == [.init(from: Self.d("2022-01-01"), to: Self.d("2022-01-01"))])
    }

    @Test func reversedRangeCoversNothing() {
        let s = MonthSplit(from: Self.d("2021-05-03"), to: Self.d("2021-05-02"))
        #expect(s.months == nil && s.edges.isEmpty)
    }

    /// Every range of up to 100 days starting in a 15-month window, and each day around it:
    /// covered once when inside, never when outside.
    @Test func everyDayCountedOnce() {
        let base = Self.d("2023-11-01")
        for start in stride(from: 0, through: 460, by: 3) {
            for length in [0, 1, 13, 27, 28, 29, 30, 31, 45, 59, 60, 61, 99] {
                let from = base.adding(days: start), to = from.adding(days: length)
                let s = MonthSplit(from: from, to: to)
                for offset in -3...(length + 3) {
                    let day = from.adding(days: offset)
                    let inside = offset >= 0 && offset <= length
                    #expect(Self.covered(s, day: day) == (inside ? 1 : 0), "\(from)…\(to) at \(day)")
                }
            }
        }
    }
}
