import Testing

@testable import TongguanDomain

@Suite("Early-warning rules at their edges")
struct WarningRulesTests {
    let line: Int64 = 650_000

    func fires(_ rule: EarlyWarningRule, _ input: WarningInput) -> Bool { rule.evaluate(input) != nil }

    @Test("below_line: one 分 under the line fires, exactly the line does not")
    func belowLine() {
        #expect(fires(.belowLine, MF.input(MF.assessment(perCapita: line - 1))))
        #expect(!fires(.belowLine, MF.input(MF.assessment(perCapita: line))))
        #expect(fires(.belowLine, MF.input(MF.assessment(perCapita: -10))))
        let facts = WarningRules.belowLine(MF.input(MF.assessment(perCapita: 600_000)))!
        #expect(facts.figure("per_capita_fen") == 600_000 && facts.figure("line_fen") == line)
        #expect(facts.summary == "人均纯收入6000元,低于监测收入线6500元")
    }

    @Test("near_line: from the line inclusive up to line × 1.5 exclusive")
    func nearLine() {
        #expect(!fires(.nearLine, MF.input(MF.assessment(perCapita: line - 1))))
        #expect(fires(.nearLine, MF.input(MF.assessment(perCapita: line))))
        #expect(fires(.nearLine, MF.input(MF.assessment(perCapita: 974_999))))
        #expect(!fires(.nearLine, MF.input(MF.assessment(perCapita: 975_000))))
        // line × 1.5 not a whole 分: 650,001 × 1.5 = 975,001.5, so 975,001 is still near.
        #expect(fires(.nearLine, MF.input(MF.assessment(perCapita: 975_001), line: 650_001)))
        #expect(!fires(.nearLine, MF.input(MF.assessment(perCapita: 975_002), line: 650_001)))
        var settings = MonitoringSettings.defaults
        settings.nearLineFactor = .init(1200)
        #expect(!fires(.nearLine, MF.input(MF.assessment(perCapita: 780_000), settings: settings)))
        #expect(fires(.nearLine, MF.input(MF.assessment(perCapita: 779_999), settings: settings)))
        let facts = WarningRules.nearLine(MF.input(MF.assessment(perCapita: 700_000)))!
        #expect(facts.figure("near_line_factor_permille") == 1500)
        #expect(facts.summary.contains("1.5倍"))
    }

    @Test("income_drop: a drop of exactly 30 % fires, one 分 less does not; no previous or a previous ≤ 0 never fires")
    func incomeDrop() {
        let before = MF.assessment(on: "2023-06-01", perCapita: 1_000_000)
        #expect(fires(.incomeDrop, MF.input(MF.assessment(perCapita: 700_000), previous: before)))
        #expect(fires(.incomeDrop, MF.input(MF.assessment(perCapita: 0), previous: before)))
        #expect(!fires(.incomeDrop, MF.input(MF.assessment(perCapita: 700_001), previous: before)))
        #expect(!fires(.incomeDrop, MF.input(MF.assessment(perCapita: 100))))
        #expect(!fires(.incomeDrop, MF.input(MF.assessment(perCapita: -100), previous: MF.assessment(on: "2023-06-01", perCapita: 0))))
        #expect(!fires(.incomeDrop, MF.input(MF.assessment(perCapita: -100), previous: MF.assessment(on: "2023-06-01", perCapita: -1))))
        // previous 1 分: 0.7 分 is the bound, so 0 fires and 1 does not.
        let tiny = MF.assessment(on: "2023-06-01", perCapita: 1)
        #expect(fires(.incomeDrop, MF.input(MF.assessment(perCapita: 0), previous: tiny)))
        #expect(!fires(.incomeDrop, MF.input(MF.assessment(perCapita: 1), previous: tiny)))
        let facts = WarningRules.incomeDrop(MF.input(MF.assessment(perCapita: 700_000), previous: before))!
        #expect(facts.previousAssessedOn == MF.d("2023-06-01"))
        #expect(facts.figure("previous_per_capita_fen") == 1_000_000 && facts.figure("income_drop_fraction_permille") == 300)
        #expect(facts.summary.contains("30%"))
    }

    @Test("large_expense: exactly half of net income does not fire, one 分 more does; net ≤ 0 with any expense fires")
    func largeExpense() {
        // net 1,000,000 (one member): the bound is 500,000.
        #expect(!fires(.largeExpense, MF.input(MF.assessment(perCapita: 1_000_000, medical: 300_000, education: 200_000))))
        #expect(fires(.largeExpense, MF.input(MF.assessment(perCapita: 1_000_000, medical: 300_000, education: 200_001))))
        #expect(fires(.largeExpense, MF.input(MF.assessment(perCapita: 1_000_000, medical: 500_001))))
        #expect(fires(.largeExpense, MF.input(MF.assessment(perCapita: 1_000_000, education: 500_001))))
        #expect(fires(.largeExpense, MF.input(MF.assessment(perCapita: 0, medical: 1))))
        #expect(fires(.largeExpense, MF.input(MF.assessment(perCapita: -50, education: 1))))
        #expect(!fires(.largeExpense, MF.input(MF.assessment(perCapita: 0))))
        #expect(!fires(.largeExpense, MF.input(MF.assessment(perCapita: -50))))
        // net 3 分, expense 2 分: 2 > 1.5 fires; 1 does not.
        #expect(fires(.largeExpense, MF.input(MF.assessment(perCapita: 3, medical: 2))))
        #expect(!fires(.largeExpense, MF.input(MF.assessment(perCapita: 3, medical: 1))))
        let facts = WarningRules.largeExpense(MF.input(MF.assessment(perCapita: 0, medical: 5_000)))!
        #expect(facts.figure("net_income_fen") == 0 && facts.figure("medical_fen") == 5_000)
        #expect(facts.summary.contains("不大于0"))
    }

    @Test("basic_needs: housing and water")
    func housingWater() {
        #expect(!fires(.basicNeeds, MF.input(MF.assessment(perCapita: 1))))
        let both = WarningRules.basicNeeds(MF.input(MF.assessment(perCapita: 1, housingSafe: false, waterSafe: false)))!
        #expect(both.findings.map(\.code) == ["housing_unsafe", "water_unsafe"])
        #expect(both.findings.allSatisfy { $0.member == nil })
        #expect(fires(.basicNeeds, MF.input(MF.assessment(perCapita: 1, waterSafe: false))))
    }

    @Test("basic_needs: a present member without basic medical insurance; absent members do not count")
    func insurance() {
        let a = MF.assessment(perCapita: 1)  // 2024-06-01
        let facts = WarningRules.basicNeeds(MF.input(a, members: [MF.member("A***", insured: false), MF.member()]))!
        #expect(facts.findings == [.init(code: "no_basic_medical_insurance", member: "A***", message: "成员A***未参加基本医疗保险")])
        #expect(!fires(.basicNeeds, MF.input(a, members: [MF.member(left: "2024-05-31", insured: false)])))
        #expect(!fires(.basicNeeds, MF.input(a, members: [MF.member(born: "2024-06-02", insured: false)])))
        #expect(fires(.basicNeeds, MF.input(a, members: [MF.member(left: "2024-06-01", insured: false)])))
    }

    @Test("basic_needs: ages 6 and 15 on the assessment day count, 5 and 16 do not")
    func schoolAges() {
        let a = MF.assessment(perCapita: 1)  // 2024-06-01
        func outOfSchool(born: String) -> Bool {
            fires(.basicNeeds, MF.input(a, members: [MF.member("C***", born: born, compulsory: false)]))
        }
        #expect(!outOfSchool(born: "2018-06-02"))  // 5 on the day, 6 tomorrow
        #expect(outOfSchool(born: "2018-06-01"))  // 6 on the day
        #expect(outOfSchool(born: "2008-06-02"))  // 15, 16 tomorrow
        #expect(!outOfSchool(born: "2008-06-01"))  // 16 on the day
        #expect(!fires(.basicNeeds, MF.input(a, members: [MF.member(born: "2012-01-01", compulsory: true)])))
        let facts = WarningRules.basicNeeds(MF.input(a, members: [MF.member("C***", born: "2018-06-01")]))!
        #expect(facts.findings.map(\.code) == ["not_in_compulsory_education"])
        #expect(facts.findings[0].message == "成员C***(6周岁)未接受义务教育")
    }

    @Test("basic_needs lists every finding together")
    func everyFinding() {
        let a = MF.assessment(perCapita: 1, housingSafe: false)
        let facts = WarningRules.basicNeeds(MF.input(a, members: [MF.member("B***", born: "2010-01-01", insured: false)]))!
        #expect(facts.findings.map(\.code) == ["housing_unsafe", "no_basic_medical_insurance", "not_in_compulsory_education"])
        #expect(facts.summary == facts.findings.map(\.message).joined(separator: ";"))
    }

    @Test("the rule table has one row per rule with its Chinese name and parameters")
    func table() {
        #expect(EarlyWarningRule.table.map(\.code) == ["below_line", "near_line", "income_drop", "large_expense", "basic_needs"])
        #expect(EarlyWarningRule.table.allSatisfy { !$0.name.isEmpty && !$0.condition.isEmpty })
        #expect(EarlyWarningRule.nearLine.definition.parameters == ["line", "near_line_factor"])
        #expect(EarlyWarningRule.incomeDrop.definition.parameters == ["income_drop_fraction"])
        #expect(EarlyWarningRule.largeExpense.definition.parameters == ["large_expense_fraction"])
    }
}
