import Testing

@testable import TongguanDomain

@Suite("Manual roll-up of entered values, and change phrases")
struct RollUpAndChangeTests {
    func p(_ s: String) -> Period { try! Period(s) }
    func d(_ s: String) -> ExactDecimal { try! ExactDecimal(s) }
    func months(_ year: Int, _ range: ClosedRange<Int>, _ value: (Int) -> String) -> [Period: ExactDecimal] {
        Dictionary(uniqueKeysWithValues: range.map { (Period.month(year: year, month: $0)!, d(value($0))) })
    }

    @Test("an exact entry wins under every rule, and matches a period with the same days")
    func exact() throws {
        for rule in RollUp.allCases {
            #expect(try rule.value(for: p("2021-05"), entries: [p("2021-05"): d("82")]) == .value(d("82"), from: [p("2021-05")]))
            #expect(try rule.value(for: p("2021-01..2021-03"), entries: [p("2021-Q1"): d("7")]) == .value(d("7"), from: [p("2021-Q1")]))
        }
    }

    @Test("none never rolls up: months do not make a year")
    func none() throws {
        let entries = months(2021, 1...12) { _ in "1" }
        #expect(try RollUp.none.value(for: p("2021"), entries: entries) == .gap(missing: [p("2021")]))
        #expect(try RollUp.none.value(for: p("2021-05"), entries: [:]) == .gap(missing: [p("2021-05")]))
    }

    @Test("sum of all months; a missing month makes a gap naming it")
    func sum() throws {
        let entries = months(2021, 1...5) { "\($0).5" }
        let result = try RollUp.sum.value(for: p("2021-01..2021-05"), entries: entries)
        #expect(result.value == d("17.5"))
        #expect(result == .value(d("17.5"), from: (1...5).map { Period.month(year: 2021, month: $0)! }))
        var holed = entries
        holed[p("2021-03")] = nil
        #expect(try RollUp.sum.value(for: p("2021-01..2021-05"), entries: holed) == .gap(missing: [p("2021-03")]))
        #expect(try RollUp.sum.value(for: p("2021-01..2021-05"), entries: [:]) == .gap(missing: [p("2021-01..2021-05")]))
    }

    @Test("the coarsest complete kind is used: quarters before months")
    func coarsestFirst() throws {
        var entries = months(2021, 1...12) { _ in "1" }
        for q in 1...4 { entries[Period.quarter(year: 2021, quarter: q)!] = d("10") }
        #expect(try RollUp.sum.value(for: p("2021"), entries: entries).value == d("40"))
        entries[p("2021-Q4")] = nil
        #expect(try RollUp.sum.value(for: p("2021"), entries: entries).value == d("12"))
    }

    @Test("no kind complete: the gap names the missing parts of the kind with the most entries")
    func mostEntries() throws {
        var entries = months(2021, 1...10) { _ in "1" }
        entries[p("2021-Q1")] = d("3")
        #expect(try RollUp.sum.value(for: p("2021"), entries: entries) == .gap(missing: [p("2021-11"), p("2021-12")]))
        let quarters: [Period: ExactDecimal] = [p("2021-Q1"): d("1"), p("2021-Q2"): d("1"), p("2021-03"): d("1")]
        #expect(try RollUp.sum.value(for: p("2021"), entries: quarters) == .gap(missing: [p("2021-Q3"), p("2021-Q4")]))
    }

    @Test("average rounds half-up at 6 decimals, or finer when entries are finer")
    func average() throws {
        let entries = months(2021, 1...3) { ["10", "10", "11"][$0 - 1] }
        #expect(try RollUp.average.value(for: p("2021-Q1"), entries: entries).value == d("10.333333"))
        let fine = months(2021, 1...3) { ["0.00000001", "0", "0"][$0 - 1] }
        #expect(try RollUp.average.value(for: p("2021-Q1"), entries: fine).value == d("0.00000000"))
        let fine2 = months(2021, 1...3) { ["0.00000002", "0", "0"][$0 - 1] }
        #expect(try RollUp.average.value(for: p("2021-Q1"), entries: fine2).value == d("0.00000001"))
        #expect(try RollUp.average.value(for: p("2021-H1"), entries: [p("2021-Q1"): d("30"), p("2021-Q2"): d("40")]).value == d("35"))
    }

    @Test("last takes the final part at the coarsest kind that has it")
    func last() throws {
        let entries = months(2021, 1...12) { "\($0)" }
        #expect(try RollUp.last.value(for: p("2021"), entries: entries) == .value(d("12"), from: [p("2021-12")]))
        #expect(
            try RollUp.last.value(for: p("2021"), entries: [p("2021-Q4"): d("65"), p("2021-12"): d("66")]) == .value(d("65"), from: [p("2021-Q4")]))
        var partial = entries
        partial[p("2021-12")] = nil
        #expect(try RollUp.last.value(for: p("2021"), entries: partial) == .gap(missing: [p("2021-12")]))
        #expect(try RollUp.last.value(for: p("2021"), entries: [p("2021-H1"): d("1")]) == .gap(missing: [p("2021-H2")]))
        #expect(try RollUp.last.value(for: p("2021"), entries: [:]) == .gap(missing: [p("2021")]))
        #expect(try RollUp.last.value(for: p("2021-05-20"), entries: [:]) == .gap(missing: [p("2021-05-20")]))
    }

    @Test("day ranges roll up from days")
    func days() throws {
        let entries = Dictionary(uniqueKeysWithValues: (1...3).map { (Period.day(CivilDate(year: 2021, month: 5, day: $0)!), d("2")) })
        #expect(try RollUp.sum.value(for: p("2021-05-01..2021-05-03"), entries: entries).value == d("6"))
    }

    @Test("an overflowing sum throws instead of wrapping")
    func overflow() {
        let entries = [p("2021-H1"): d("9223372036854775807"), p("2021-H2"): d("1")]
        #expect(throws: ExactDecimal.Problem.outOfRange) { try RollUp.sum.value(for: p("2021"), entries: entries) }
    }

    // MARK: Change

    @Test(
        "percent change phrases, rounded half-up, flat when it rounds to zero",
        arguments: [
            ("5.126", "5.88", 1, "增长14.7%"), ("100", "96.8", 1, "下降3.2%"), ("100", "100", 1, "持平"),
            ("100", "100.04", 1, "持平"), ("100", "100.05", 1, "增长0.1%"), ("100", "99.95", 1, "下降0.1%"),
            ("20.78", "22.9", 1, "增长10.2%"), ("3", "4", 0, "增长33%"), ("8", "4", 2, "下降50.00%"),
        ])
    func percent(from: String, to: String, decimals: Int, phrase: String) throws {
        #expect(try Change.percent(from: d(from), to: d(to), decimals: decimals).phrase == phrase)
    }

    @Test("a zero or negative base has no percentage")
    func noBase() {
        #expect(throws: Change.Problem.noBase) { try Change.percent(from: .zero, to: d("5")) }
        #expect(throws: Change.Problem.noBase) { try Change.percent(from: d("-1"), to: d("5")) }
        #expect(Change.Problem.noBase.message.contains("无法计算"))
        #expect(throws: Change.Problem.outOfRange) { try Change.percent(from: d("0.000000000001"), to: d("9223372")) }
    }

    @Test("rates change in percentage points; an indicator in % chooses points")
    func points() throws {
        #expect(try Change.points(from: d("60"), to: d("63.2")).phrase == "提高3.2个百分点")
        #expect(try Change.points(from: d("63.2"), to: d("62.7")).phrase == "降低0.5个百分点")
        #expect(try Change.points(from: d("63.2"), to: d("63.24")).phrase == "持平")
        // stored fractions (display scale −2): 0.90 → 0.9417 is +4.2 points.
        #expect(try IndicatorFixtures.resolvedRate.change(from: d("0.90"), to: d("0.9417")).phrase == "提高4.2个百分点")
        // entered in % (display scale 0).
        #expect(try IndicatorFixtures.clinicRate.change(from: d("60"), to: d("65")).phrase == "提高5.0个百分点")
        #expect(try IndicatorFixtures.industryFund.change(from: d("5.126"), to: d("5.88")).phrase == "增长14.7%")
        // a rate's base may be 0.
        #expect(try IndicatorFixtures.clinicRate.change(from: d("0"), to: d("65"), decimals: 0).phrase == "提高65个百分点")
    }

    @Test("improvement follows the indicator's direction")
    func improvement() throws {
        let up = try Change.percent(from: d("40"), to: d("44"))
        let down = try Change.percent(from: d("44"), to: d("40"))
        let flat = try Change.percent(from: d("40"), to: d("40"))
        #expect(up.trend == .up && down.trend == .down && flat.trend == .flat)
        #expect(up.isImprovement(.higherIsBetter) == true && up.isImprovement(.lowerIsBetter) == false)
        #expect(down.isImprovement(.lowerIsBetter) == true && down.isImprovement(.higherIsBetter) == false)
        #expect(flat.isImprovement(.higherIsBetter) == nil)
        #expect(up.size == d("10") && down.size == d("9.1") && !up.inPoints)
    }

    @Test("the base period of a comparison")
    func basis() {
        #expect(Change.Basis.previous.basePeriod(of: p("2021-05")) == p("2021-04"))
        #expect(Change.Basis.lastYear.basePeriod(of: p("2021-H1")) == p("2020-H1"))
        #expect(Change.Basis.lastYear.label == "同比" && Change.Basis.previous.label == "环比")
        #expect(Change.Basis(rawValue: "last_year") == .lastYear)
    }
}
