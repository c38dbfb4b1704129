import Testing

@testable import TongguanDomain

@Suite("MilestonePlan: 签约 → 开工 → 投产")
struct MilestonePlanTests {
    func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    /// Problems in a comparable form (the rule set returns pairs).
    func problems(_ plan: MilestonePlan) -> [String] {
        plan.problems.map { "\($0.0.rawValue): \($0.1)" }
    }

    func describe(_ stage: Stage, _ problem: MilestonePlan.Problem) -> String { "\(stage.rawValue): \(problem)" }

    // MARK: Stage

    @Test("stages run 签约, 开工, 投产, with labels both ways")
    func stages() {
        #expect(Stage.allCases == [.signed, .started, .producing])
        #expect(Stage.allCases.map(\.label) == ["签约", "开工", "投产"])
        #expect(Stage.allCases.map(\.order) == [0, 1, 2])
        #expect(Stage.signed < .started && Stage.started < .producing && !(Stage.producing < .signed))
        for stage in Stage.allCases { #expect(Stage(label: stage.label) == stage) }
        #expect(Stage(label: "竣工") == nil)
        #expect(Stage(label: "signed") == nil)
        #expect(Stage(rawValue: "producing") == .producing)
    }

    // MARK: Rules

    @Test("an empty plan breaks no rule and has reached nothing")
    func empty() {
        #expect(MilestonePlan().problems.isEmpty)
        #expect(MilestonePlan().furthest == nil)
    }

    @Test("the dated stages must be a prefix of 签约 → 开工 → 投产: all eight subsets")
    func prefixRule() {
        let dates: [Stage: CivilDate] = [.signed: d("2021-01-10"), .started: d("2021-03-01"), .producing: d("2022-06-30")]
        for mask in 0..<8 {
            let present = Stage.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            let plan = MilestonePlan(dates.filter { present.contains($0.key) })
            let expected = present.filter { $0 != .signed }.compactMap { stage -> String? in
                let previous = Stage.allCases[stage.order - 1]
                return present.contains(previous) ? nil : describe(stage, .missingEarlier(stage, needs: previous))
            }
            #expect(problems(plan) == expected, "\(present)")
            #expect(plan.furthest == present.last)
            let isPrefix = present == Array(Stage.allCases.prefix(present.count))
            #expect(plan.problems.isEmpty == isPrefix)
        }
    }

    @Test("stages may share a day")
    func sameDay() {
        let day = d("2021-07-16")
        #expect(MilestonePlan([.signed: day, .started: day, .producing: day]).problems.isEmpty)
    }

    @Test("a later stage dated before an earlier one is named with the earlier stage it precedes")
    func orderRule() {
        #expect(
            problems(MilestonePlan([.signed: d("2021-03-02"), .started: d("2021-03-01")]))
                == [describe(.started, .beforeEarlier(.started, earlier: .signed))])
        #expect(
            problems(MilestonePlan([.signed: d("2021-01-01"), .started: d("2021-03-01"), .producing: d("2021-02-01")]))
                == [describe(.producing, .beforeEarlier(.producing, earlier: .started))])
        #expect(
            problems(MilestonePlan([.signed: d("2021-05-01"), .started: d("2021-06-01"), .producing: d("2021-04-01")]))
                == [describe(.producing, .beforeEarlier(.producing, earlier: .started))])
    }

    @Test("every broken rule is reported, not just the first")
    func allProblems() {
        #expect(
            problems(MilestonePlan([.signed: d("2021-05-01"), .started: d("2021-03-01"), .producing: d("2021-04-01")]))
                == [
                    describe(.started, .beforeEarlier(.started, earlier: .signed)),
                    describe(.producing, .beforeEarlier(.producing, earlier: .signed)),
                ])
        #expect(
            problems(MilestonePlan([.started: d("2021-03-01"), .producing: d("2021-02-01")]))
                == [
                    describe(.started, .missingEarlier(.started, needs: .signed)),
                    describe(.producing, .beforeEarlier(.producing, earlier: .started)),
                ])
        #expect(
            problems(MilestonePlan([.signed: d("2021-03-01"), .producing: d("2021-02-01")]))
                == [
                    describe(.producing, .missingEarlier(.producing, needs: .started)),
                    describe(.producing, .beforeEarlier(.producing, earlier: .signed)),
                ])
    }

    @Test("the order rule is exactly 'no later stage before an earlier one', for every date triple")
    func orderExhaustive() {
        let days = [d("2021-01-01"), d("2021-01-02"), d("2021-01-03")]
        for a in days {
            for b in days {
                for c in days {
                    let plan = MilestonePlan([.signed: a, .started: b, .producing: c])
                    #expect(plan.problems.isEmpty == (a <= b && b <= c), "\(a) \(b) \(c)")
                    #expect(plan.problems.contains { $0.0 == .started } == (b < a))
                    #expect(plan.problems.contains { $0.0 == .producing } == (c < b || c < a))
                }
            }
        }
    }

    // MARK: Setting

    @Test("stages are set in order, each returning a new plan and leaving the old one alone")
    func settingInOrder() throws {
        let empty = MilestonePlan()
        let signed = try empty.setting(.signed, to: d("2021-01-10"))
        let started = try signed.setting(.started, to: d("2021-03-01"))
        let producing = try started.setting(.producing, to: d("2022-06-30"))
        #expect(empty.dates.isEmpty)
        #expect(signed.dates == [.signed: d("2021-01-10")])
        #expect(started.furthest == .started)
        #expect(producing.dates == [.signed: d("2021-01-10"), .started: d("2021-03-01"), .producing: d("2022-06-30")])
        #expect(producing.furthest == .producing)
    }

    @Test("setting a stage whose earlier stage is missing is refused")
    func settingSkips() throws {
        #expect(throws: MilestonePlan.Problem.missingEarlier(.started, needs: .signed)) {
            try MilestonePlan().setting(.started, to: d("2021-03-01"))
        }
        #expect(throws: MilestonePlan.Problem.missingEarlier(.producing, needs: .started)) {
            try MilestonePlan([.signed: d("2021-01-01")]).setting(.producing, to: d("2021-03-01"))
        }
    }

    @Test("moving a date is allowed while the order holds and refused when it breaks")
    func moving() throws {
        let plan = MilestonePlan([.signed: d("2021-01-10"), .started: d("2021-03-01")])
        #expect(try plan.setting(.signed, to: d("2021-03-01")).dates[.signed] == d("2021-03-01"))
        #expect(try plan.setting(.started, to: d("2021-01-10")).dates[.started] == d("2021-01-10"))
        #expect(throws: MilestonePlan.Problem.beforeEarlier(.started, earlier: .signed)) {
            try plan.setting(.signed, to: d("2021-03-02"))
        }
        #expect(throws: MilestonePlan.Problem.beforeEarlier(.started, earlier: .signed)) {
            try plan.setting(.started, to: d("2021-01-09"))
        }
        #expect(throws: MilestonePlan.Problem.beforeEarlier(.producing, earlier: .started)) {
            try plan.setting(.producing, to: d("2021-02-28"))
        }
    }

    // MARK: Removing

    @Test("the furthest stage can be removed, one after another")
    func removing() throws {
        let plan = MilestonePlan([.signed: d("2021-01-10"), .started: d("2021-03-01"), .producing: d("2022-06-30")])
        let two = try plan.removing(.producing)
        #expect(two.furthest == .started)
        let one = try two.removing(.started)
        #expect(one.dates == [.signed: d("2021-01-10")])
        #expect(try one.removing(.signed).dates.isEmpty)
        #expect(plan.dates.count == 3)
    }

    @Test("a stage a later stage follows cannot be removed; the furthest later stage is named")
    func removingRefused() {
        let plan = MilestonePlan([.signed: d("2021-01-10"), .started: d("2021-03-01"), .producing: d("2022-06-30")])
        #expect(throws: MilestonePlan.Problem.followedBy(.signed, later: .producing)) { try plan.removing(.signed) }
        #expect(throws: MilestonePlan.Problem.followedBy(.started, later: .producing)) { try plan.removing(.started) }
        let two = MilestonePlan([.signed: d("2021-01-10"), .started: d("2021-03-01")])
        #expect(throws: MilestonePlan.Problem.followedBy(.signed, later: .started)) { try two.removing(.signed) }
    }

    @Test("removing a stage that is not there changes nothing")
    func removingAbsent() throws {
        let plan = MilestonePlan([.signed: d("2021-01-10")])
        #expect(try plan.removing(.producing) == plan)
        #expect(try MilestonePlan().removing(.signed) == MilestonePlan())
    }

    @Test("messages name the stages in Chinese")
    func messages() {
        #expect(MilestonePlan.Problem.missingEarlier(.started, needs: .signed).message == "登记「开工」前须先登记「签约」")
        #expect(MilestonePlan.Problem.beforeEarlier(.producing, earlier: .started).message == "「投产」日期不能早于「开工」日期")
        #expect(MilestonePlan.Problem.followedBy(.signed, later: .producing).message == "已有「投产」,不能删除「签约」")
    }
}
