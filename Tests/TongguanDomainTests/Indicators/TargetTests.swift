import Testing

@testable import TongguanDomain

@Suite("Targets: progress and status by linear projection")
struct TargetTests {
    func d(_ s: String) -> ExactDecimal { try! ExactDecimal(s) }
    func day(_ s: String) -> CivilDate { CivilDate(iso: s)! }
    // Baseline on 2021-01-01, due 100 days later, latest value 50 days in: the projection
    // doubles the change so far.
    let start = CivilDate(iso: "2021-01-01")!
    var due: CivilDate { start.adding(days: 100) }
    var halfway: CivilDate { start.adding(days: 50) }

    func higher(_ latest: String, today: String = "2021-02-21") -> TargetAssessment {
        let target = Target(
            indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("65"),
            due: due, baseline: Observation(date: start, value: d("50")))
        return target.assess([Observation(date: halfway, value: d(latest))], direction: .higherIsBetter, today: day(today))
    }

    func lower(_ latest: String) -> TargetAssessment {
        let target = Target(
            indicator: IndicatorFixtures.pm25.code, division: IndicatorFixtures.lvliang, value: d("40"),
            due: due, baseline: Observation(date: start, value: d("60")))
        return target.assess([Observation(date: halfway, value: d(latest))], direction: .lowerIsBetter, today: day("2021-02-21"))
    }

    @Test(
        "higher is better: each boundary of the rule",
        arguments: [
            ("65", TargetStatus.achieved), ("70", .achieved), ("64.99", .onTrack), ("57.5", .onTrack), ("57.49", .atRisk),
            ("56.75", .atRisk), ("56.74", .offTrack), ("50", .offTrack), ("45", .offTrack),
        ])
    func higherBoundaries(latest: String, status: TargetStatus) {
        #expect(higher(latest).status == status)
    }

    @Test(
        "lower is better: each boundary of the rule",
        arguments: [
            ("40", TargetStatus.achieved), ("39", .achieved), ("40.01", .onTrack), ("50", .onTrack), ("50.01", .atRisk),
            ("51", .atRisk), ("51.01", .offTrack), ("60", .offTrack), ("61", .offTrack),
        ])
    func lowerBoundaries(latest: String, status: TargetStatus) {
        #expect(lower(latest).status == status)
    }

    @Test("on the due date the projection still counts; the day after, not achieved is off track; achieved stays achieved")
    func dueDate() {
        #expect(higher("60", today: due.description).status == .onTrack)
        #expect(higher("60", today: due.adding(days: 1).description).status == .offTrack)
        #expect(higher("60", today: due.adding(days: 1).description).reason.contains("已过期限"))
        #expect(higher("65", today: "2030-01-01").status == .achieved)
    }

    @Test("progress is exact from the start to the target, and may pass 1 or go below 0")
    func progress() {
        #expect(higher("57.5").progress == d("0.5"))
        #expect(higher("65").progress == d("1"))
        #expect(higher("70").progress == d("1.3333"))
        #expect(higher("45").progress == d("-0.3333"))
        #expect(lower("50").progress == d("0.5"))
        #expect(higher("57.5").projected == d("65"))
        #expect(higher("57.5").latest == Observation(date: halfway, value: d("57.5")))
    }

    @Test("without a baseline the first value is the start; one value alone cannot make a trend")
    func noBaseline() {
        let target = Target(indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("65"), due: due)
        let first = Observation(date: start, value: d("50"))
        let two = target.assess([Observation(date: halfway, value: d("57.5")), first], direction: .higherIsBetter, today: halfway)
        #expect(two.status == .onTrack)
        let one = target.assess([first], direction: .higherIsBetter, today: halfway)
        #expect(one.status == .unknown)
        #expect(one.reason.contains("无法推算趋势"))
        #expect(one.progress == .zero)
        #expect(target.assess([Observation(date: start, value: d("66"))], direction: .higherIsBetter, today: halfway).status == .achieved)
    }

    @Test("no values, or none after the baseline: unknown")
    func noValues() {
        let target = Target(
            indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("65"),
            due: due, baseline: Observation(date: halfway, value: d("50")))
        let none = target.assess([], direction: .higherIsBetter, today: halfway)
        #expect(none.status == .unknown && none.latest == nil && none.reason == "基期之后尚无数值")
        let before = target.assess([Observation(date: start, value: d("70"))], direction: .higherIsBetter, today: halfway)
        #expect(before.status == .unknown)
        var noBaseline = target
        noBaseline.baseline = nil
        #expect(noBaseline.assess([], direction: .higherIsBetter, today: halfway).reason == "尚无数值")
    }

    @Test("a start already past the target that fell back is off track")
    func fellBack() {
        let target = Target(
            indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("65"),
            due: due, baseline: Observation(date: start, value: d("70")))
        let result = target.assess([Observation(date: halfway, value: d("60"))], direction: .higherIsBetter, today: halfway)
        #expect(result.status == .offTrack)
        #expect(result.reason.contains("回落"))
    }

    @Test("the latest value is the one with the latest date, whatever the order given")
    func latestByDate() {
        let target = Target(
            indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("65"),
            due: due, baseline: Observation(date: start, value: d("50")))
        let values = [Observation(date: halfway, value: d("58")), Observation(date: start.adding(days: 10), value: d("64"))]
        #expect(target.assess(values, direction: .higherIsBetter, today: halfway).latest?.value == d("58"))
    }

    @Test("the article's targets: 基层就诊率 65% and 县域就诊率 90% by 2022-12-31")
    func article() {
        let dueDate = day("2022-12-31")
        let primary = Target(
            indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("65"), due: dueDate,
            baseline: Observation(period: try! Period("2020"), value: d("55")))
        #expect(primary.baseline?.date == day("2020-12-31"))
        let values = [Observation(period: try! Period("2021-H1"), value: d("58"))]
        // 3 points in 181 days; 10 needed in 730 days: the projection gives 12.1 → on track.
        let result = primary.assess(values, direction: .higherIsBetter, today: day("2021-07-16"))
        #expect(result.status == .onTrack)
        #expect(result.progress == d("0.3"))
        let county = Target(
            indicator: IndicatorFixtures.clinicRate.code, division: IndicatorFixtures.lvliang, value: d("90"), due: dueDate,
            baseline: Observation(period: try! Period("2020"), value: d("85")))
        // 1 point in 181 days projects 4.03 of the 5 needed (80.7%): off track.
        #expect(
            county.assess(
                [Observation(period: try! Period("2021-H1"), value: d("86"))], direction: .higherIsBetter,
                today: day("2021-07-16")
            ).status == .offTrack)
    }

    @Test("the rule text and labels the page shows")
    func ruleText() {
        #expect(Target.statusRule.contains("90%"))
        #expect(Target.statusRule.contains("按期可达"))
        #expect(TargetStatus.allCases.map(\.rawValue) == ["achieved", "on_track", "at_risk", "off_track", "unknown"])
        #expect(TargetStatus.allCases.map(\.label) == ["已达成", "按期可达", "有风险", "难以达成", "无法判断"])
    }
}
