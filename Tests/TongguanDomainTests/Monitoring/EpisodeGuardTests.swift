import Foundation
import Testing

@testable import TongguanDomain

@Suite("Monitoring episode: guards at their edges, roles, input")
struct EpisodeGuardTests {
    let today = MF.d("2025-12-31")

    func episode(_ state: EpisodeState, last: String = "2024-01-01", identified: String? = "2022-06-28") -> MonitoringEpisode {
        MonitoringEpisode(
            state: state, channel: .selfApplication, openedOn: MF.d("2022-01-01"), lastStepOn: MF.d(last),
            identifiedOn: identified.map(MF.d))
    }

    var measure: AssistanceMeasure {
        AssistanceMeasure(
            stored: .industry, description: "发放鸡苗", unit: "农业农村局", person: "李某", startOn: MF.d("2022-07-01"),
            endOn: MF.d("2022-08-01"), amountFen: 100_000)
    }

    /// Every elimination condition holds; tests break one at a time.
    func goodContext(perCapita: Int64 = 650_000, line: Int64? = 650_000) -> EpisodeContext {
        EpisodeContext(
            today: today, latestAssessment: MF.assessment(on: "2022-11-01", perCapita: perCapita), lineFen: line,
            measures: [measure], members: [MF.member(labour: true), MF.member(labour: false)])
    }

    func unmet(_ body: () throws(Refusal) -> EpisodeTransition) -> [String] {
        do { _ = try body(); return [] } catch { return error.kind == .preconditionUnmet ? error.conditions.map(\.code) : ["<\(error.kind)>"] }
    }

    func refusal(_ body: () throws(Refusal) -> EpisodeTransition) -> Refusal? {
        do { _ = try body(); return nil } catch { return error }
    }

    @Test("notice_period: the township check 5 days after the notice is allowed, 4 days is refused")
    func noticePeriod() {
        let e = episode(.publicNotice, last: "2024-03-01")
        #expect(
            unmet { () throws(Refusal) in try e.apply(.townshipCheck, on: MF.d("2024-03-06"), by: MF.townshipOperator, context: goodContext()) } == []
        )
        #expect(
            unmet { () throws(Refusal) in try e.apply(.townshipCheck, on: MF.d("2024-03-05"), by: MF.townshipOperator, context: goodContext()) } == [
                "notice_period"
            ])
        var ctx = goodContext()
        ctx.settings.noticePeriodDays = 7
        #expect(
            unmet { () throws(Refusal) in try e.apply(.townshipCheck, on: MF.d("2024-03-07"), by: MF.townshipOperator, context: ctx) } == [
                "notice_period"
            ])
        #expect(unmet { () throws(Refusal) in try e.apply(.townshipCheck, on: MF.d("2024-03-08"), by: MF.townshipOperator, context: ctx) } == [])
        let r = refusal { () throws(Refusal) in try e.apply(.townshipCheck, on: MF.d("2024-03-05"), by: MF.townshipOperator, context: goodContext()) }
        #expect(r?.message.contains("2024年3月6日起") == true)
        // A rejection during the notice waits for it too.
        #expect(
            unmet { () throws(Refusal) in try e.apply(.reject(reason: "有异议"), on: MF.d("2024-03-05"), by: MF.county, context: goodContext()) } == [
                "notice_period"
            ])
    }

    @Test("notice_period applies after the elimination notice: 5 days allowed, 4 refused")
    func eliminationNoticePeriod() {
        let e = episode(.eliminationNotice, last: "2023-03-01")
        #expect(unmet { () throws(Refusal) in try e.apply(.eliminate, on: MF.d("2023-03-06"), by: MF.county, context: goodContext()) } == [])
        #expect(
            unmet { () throws(Refusal) in try e.apply(.eliminate, on: MF.d("2023-03-05"), by: MF.county, context: goodContext()) } == [
                "notice_period"
            ])
    }

    @Test("consent: a visit without signed consent does not advance")
    func consent() {
        let e = episode(.candidate)
        #expect(
            unmet { () throws(Refusal) in try e.apply(.visit(consent: false), on: MF.d("2024-02-01"), by: MF.villageOperator, context: goodContext())
            } == ["consent"])
        #expect(
            unmet { () throws(Refusal) in try e.apply(.visit(consent: true), on: MF.d("2024-02-01"), by: MF.villageOperator, context: goodContext()) }
                == [])
    }

    @Test("monitored_6_months: identified 2022-06-28, allowed on 2022-12-28, refused on 2022-12-27 (both elimination steps)")
    func sixMonths() {
        let e = episode(.monitored, last: "2022-06-28")
        #expect(
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2022-12-28"), by: MF.villageOperator, context: goodContext()) }
                == [])
        #expect(
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2022-12-27"), by: MF.villageOperator, context: goodContext()) }
                == ["monitored_6_months"])
        let n = episode(.eliminationNotice, last: "2022-12-20")
        #expect(
            unmet { () throws(Refusal) in try n.apply(.eliminate, on: MF.d("2022-12-27"), by: MF.county, context: goodContext()) } == [
                "monitored_6_months"
            ])
        #expect(unmet { () throws(Refusal) in try n.apply(.eliminate, on: MF.d("2022-12-28"), by: MF.county, context: goodContext()) } == [])
        // Month ends clamp: identified 2022-08-31 → allowed from 2023-02-28.
        let late = episode(.monitored, last: "2022-08-31", identified: "2022-08-31")
        #expect(
            unmet { () throws(Refusal) in try late.apply(.proposeElimination, on: MF.d("2023-02-27"), by: MF.villageOperator, context: goodContext())
            } == ["monitored_6_months"])
        #expect(
            unmet { () throws(Refusal) in try late.apply(.proposeElimination, on: MF.d("2023-02-28"), by: MF.villageOperator, context: goodContext())
            } == [])
        var twelve = goodContext()
        twelve.settings.minimumMonitoringMonths = 12
        #expect(
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-06-27"), by: MF.villageOperator, context: twelve) } == [
                "monitored_6_months"
            ])
    }

    @Test("measure_applied: a measure started on the step date counts, one starting the day after does not")
    func measureApplied() {
        let e = episode(.monitored, last: "2022-06-28")
        var ctx = goodContext()
        ctx.measures = [
            AssistanceMeasure(stored: .other, description: "x", unit: "u", person: "p", startOn: MF.d("2023-01-02"), endOn: nil, amountFen: 0)
        ]
        #expect(
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) } == [
                "measure_applied"
            ])
        #expect(unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-02"), by: MF.villageOperator, context: ctx) } == [])
        ctx.measures = []
        #expect(
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-02"), by: MF.villageOperator, context: ctx) } == [
                "measure_applied"
            ])
    }

    @Test("income_above_line: exactly the line passes, one 分 under is refused; no assessment or no line is refused")
    func incomeAboveLine() {
        let e = episode(.monitored, last: "2022-06-28")
        func codes(_ ctx: EpisodeContext) -> [String] {
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) }
        }
        #expect(codes(goodContext(perCapita: 650_000)) == [])
        #expect(codes(goodContext(perCapita: 649_999)) == ["income_above_line"])
        #expect(codes(goodContext(line: nil)) == ["income_above_line"])
        var none = goodContext()
        none.latestAssessment = nil
        #expect(codes(none) == ["income_above_line"])
    }

    @Test("basic_needs_secured: an open basic_needs warning blocks; a resolved one or another rule does not")
    func basicNeeds() throws {
        let e = episode(.monitored, last: "2022-06-28")
        let w = EarlyWarning(rule: .basicNeeds, assessedOn: MF.d("2022-11-01"), facts: WarningFacts(summary: "住房不安全"), raisedOn: MF.d("2022-11-01"))
        var ctx = goodContext()
        ctx.warnings = [w]
        #expect(
            unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) } == [
                "basic_needs_secured"
            ])
        ctx.warnings = [try w.resolved(note: "危房已改造", on: MF.d("2022-12-01"))]
        #expect(unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) } == [])
        ctx.warnings = [
            EarlyWarning(rule: .largeExpense, assessedOn: MF.d("2022-11-01"), facts: WarningFacts(summary: "x"), raisedOn: MF.d("2022-11-01"))
        ]
        #expect(unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) } == [])
    }

    @Test("labour_capacity: without a present able member the household stays under guarantee (兜底)")
    func labour() {
        let e = episode(.monitored, last: "2022-06-28")
        var ctx = goodContext()
        ctx.members = [MF.member(labour: false), MF.member(left: "2022-12-31", labour: true)]
        let r = refusal { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) }
        #expect(r?.conditions.map(\.code) == ["labour_capacity"])
        #expect(r?.message.contains("兜底") == true)
        ctx.members = [MF.member(labour: false), MF.member(left: "2023-01-01", labour: true)]
        #expect(unmet { () throws(Refusal) in try e.apply(.proposeElimination, on: MF.d("2023-01-01"), by: MF.villageOperator, context: ctx) } == [])
    }

    @Test("every unmet condition is listed together, with Chinese messages")
    func together() {
        let e = episode(.eliminationNotice, last: "2022-12-01")
        let ctx = EpisodeContext(
            today: today, latestAssessment: MF.assessment(on: "2022-11-01", perCapita: 100), lineFen: 650_000,
            warnings: [
                EarlyWarning(
                    rule: .basicNeeds, assessedOn: MF.d("2022-11-01"), facts: WarningFacts(summary: "x"),
                    raisedOn: MF.d("2022-11-01"))
            ],
            measures: [], members: [MF.member(labour: false)])
        let r = refusal { () throws(Refusal) in try e.apply(.eliminate, on: MF.d("2022-12-03"), by: MF.county, context: ctx) }
        #expect(r?.kind == .preconditionUnmet)
        #expect(
            r?.conditions.map(\.code) == [
                "notice_period", "monitored_6_months", "measure_applied", "income_above_line",
                "basic_needs_secured", "labour_capacity",
            ])
        #expect(r?.conditions.allSatisfy { $0.message.unicodeScalars.contains { $0.value >= 0x4E00 } } == true)
        #expect(r.map { r in r.conditions.allSatisfy { r.message.contains($0.message) } } == true)
    }

    @Test("approval: below the line needed for unstable_exited and marginal; sudden_hardship may be above it")
    func approval() {
        let e = episode(.townshipChecked, identified: nil)
        func codes(_ category: MonitoringCategory, _ perCapita: Int64) -> [String] {
            unmet { () throws(Refusal) in
                try e.apply(
                    .approve(category: category, riskTypes: [.accident]), on: MF.d("2024-02-01"), by: MF.county,
                    context: goodContext(perCapita: perCapita))
            }
        }
        #expect(codes(.marginal, 649_999) == [])
        #expect(codes(.marginal, 650_000) == ["income_below_line"])
        #expect(codes(.unstableExited, 650_000) == ["income_below_line"])
        #expect(codes(.suddenHardship, 2_000_000) == [])
        var none = goodContext()
        none.latestAssessment = nil
        #expect(
            unmet { () throws(Refusal) in
                try e.apply(.approve(category: .marginal, riskTypes: [.illness]), on: MF.d("2024-02-01"), by: MF.county, context: none)
            } == ["income_below_line"])
        #expect(
            unmet { () throws(Refusal) in
                try e.apply(.approve(category: .suddenHardship, riskTypes: [.illness]), on: MF.d("2024-02-01"), by: MF.county, context: none)
            } == [])
    }

    @Test("roles: editors record, township-or-above editors check, county-or-above admins and supervisors decide")
    func roles() {
        typealias A = MonitoringActor
        let cases: [(EpisodeState, EpisodeStep, A, Bool)] = [
            (.candidate, .visit(consent: true), A(role: .operator, scopeLevel: .village), true),
            (.candidate, .visit(consent: true), A(role: .viewer, scopeLevel: .province), false),
            (.candidate, .visit(consent: true), A(role: .supervisor, scopeLevel: .county), false),
            (.verifying, .notice, A(role: .admin, scopeLevel: .village), true),
            (.publicNotice, .townshipCheck, A(role: .operator, scopeLevel: .village), false),
            (.publicNotice, .townshipCheck, A(role: .operator, scopeLevel: .township), true),
            (.publicNotice, .townshipCheck, A(role: .admin, scopeLevel: .city), true),
            (.publicNotice, .townshipCheck, A(role: .supervisor, scopeLevel: .county), false),
            (.townshipChecked, .approve(category: .suddenHardship, riskTypes: [.illness]), A(role: .supervisor, scopeLevel: .township), false),
            (.townshipChecked, .approve(category: .suddenHardship, riskTypes: [.illness]), A(role: .operator, scopeLevel: .county), false),
            (.townshipChecked, .approve(category: .suddenHardship, riskTypes: [.illness]), A(role: .supervisor, scopeLevel: .county), true),
            (.townshipChecked, .approve(category: .suddenHardship, riskTypes: [.illness]), A(role: .admin, scopeLevel: .province), true),
            (.candidate, .reject(reason: "不符合"), A(role: .admin, scopeLevel: .township), false),
            (.candidate, .reject(reason: "不符合"), A(role: .supervisor, scopeLevel: .city), true),
            (.monitored, .proposeElimination, A(role: .operator, scopeLevel: .village), true),
            (.eliminationProposed, .eliminationNotice, A(role: .viewer, scopeLevel: .village), false),
            (.eliminationNotice, .eliminate, A(role: .operator, scopeLevel: .province), false),
            (.eliminationNotice, .eliminate, A(role: .supervisor, scopeLevel: .township), false),
            (.eliminationNotice, .eliminate, A(role: .supervisor, scopeLevel: .county), true),
        ]
        for (state, step, actor, allowed) in cases {
            let r = refusal { () throws(Refusal) in try episode(state).apply(step, on: MF.d("2024-02-01"), by: actor, context: goodContext()) }
            if allowed { #expect(r == nil, "\(state) \(step) \(actor)") } else { #expect(r?.kind == .forbidden, "\(state) \(step) \(actor)") }
        }
        let r = refusal { () throws(Refusal) in
            try episode(.townshipChecked).apply(
                .approve(category: .marginal, riskTypes: [.illness]), on: MF.d("2024-02-01"), by: MF.villageOperator, context: goodContext())
        }
        #expect(r?.message.contains("县级或以上") == true)
        #expect(A(role: .viewer, scope: DivisionScope(MF.code("141124100"))).scopeLevel == .township)
    }

    @Test("step input: dates, notes, risk types and the rejection reason, every problem at once")
    func input() {
        let e = episode(.townshipChecked, last: "2024-01-10", identified: nil)
        let r = refusal { () throws(Refusal) in
            try e.apply(
                .approve(category: .suddenHardship, riskTypes: []), on: MF.d("2024-01-09"), note: "a\u{0007}", by: MF.county, context: goodContext())
        }
        #expect(r?.kind == .invalid && r?.problems.map(\.field) == ["note", "date", "risk_types"])
        let future = refusal { () throws(Refusal) in
            try e.apply(.reject(reason: ""), on: today.adding(days: 1), by: MF.county, context: goodContext())
        }
        #expect(future?.problems.map(\.field) == ["date", "reason"])
        let long = refusal { () throws(Refusal) in
            try e.apply(
                .reject(reason: String(repeating: "长", count: 1001)), on: MF.d("2024-01-10"), note: String(repeating: "字", count: 1001),
                by: MF.county, context: goodContext())
        }
        #expect(long?.problems.map(\.field) == ["note", "reason"])
        #expect(
            refusal { () throws(Refusal) in try e.apply(.reject(reason: "同日"), on: MF.d("2024-01-10"), by: MF.county, context: goodContext()) } == nil
        )
    }

    @Test("opening: one running episode per household, editors only, not in the future")
    func opening() {
        func open(_ existing: [MonitoringEpisode], _ actor: MonitoringActor = MF.villageOperator, on date: String = "2024-01-01") -> Refusal? {
            refusal { () throws(Refusal) in
                try MonitoringEpisode.open(channel: .grassrootsScreening, on: MF.d(date), by: actor, existing: existing, today: today)
            }
        }
        #expect(open([]) == nil)
        #expect(open([episode(.notIncluded), episode(.riskEliminated)]) == nil)
        for state in EpisodeState.allCases where !state.isClosed {
            #expect(open([episode(.riskEliminated), episode(state)])?.conditions.map(\.code) == ["open_episode"], "\(state)")
        }
        #expect(open([], MonitoringActor(role: .supervisor, scopeLevel: .county))?.kind == .forbidden)
        #expect(open([], on: "2026-01-01")?.problems.map(\.field) == ["date"])
        // A new episode starts on or after the day the previous one ended.
        var ended = episode(.riskEliminated)
        ended.closedOn = MF.d("2024-01-01")
        #expect(open([ended], on: "2024-01-01") == nil)
        #expect(open([ended], on: "2023-12-31")?.problems.map(\.field) == ["date"])
        // A department warning names the warnings it comes from.
        let noWarning = refusal { () throws(Refusal) in
            try MonitoringEpisode.open(channel: .departmentWarning, on: MF.d("2024-01-01"), by: MF.villageOperator, existing: [], today: today)
        }
        #expect(noWarning?.problems.map(\.field) == ["warning_ids"])
        #expect(
            refusal { () throws(Refusal) in
                try MonitoringEpisode.open(
                    channel: .departmentWarning, on: MF.d("2024-01-01"), warningIDs: [UUID()], by: MF.villageOperator, existing: [], today: today)
            } == nil)
    }
}
