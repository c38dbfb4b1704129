import Testing

@testable import TongguanDomain

@Suite("Warning lifecycle: raise, resolve, supersede, idempotent scans")
struct WarningPlannerTests {
    let today = MF.d("2024-07-01")

    @Test("an assessment raises one open warning per rule it triggers")
    func raises() {
        let a = MF.assessment(perCapita: 600_000, medical: 400_000, housingSafe: false)
        let plan = WarningPlanner.plan(MF.input(a), existing: [], today: today)
        #expect(plan.raise.map(\.rule) == [.belowLine, .largeExpense, .basicNeeds])
        #expect(plan.raise.allSatisfy { $0.status == .open && $0.assessedOn == a.assessedOn && $0.raisedOn == today })
        #expect(plan.close.isEmpty)
    }

    @Test("the same rule on the same assessment never raises twice, whatever the earlier warning's status")
    func idempotent() throws {
        let a = MF.assessment(perCapita: 600_000)
        let first = WarningPlanner.plan(MF.input(a), existing: [], today: today)
        let stored = WarningPlanner.applying(first, to: [], today: today)
        #expect(WarningPlanner.plan(MF.input(a), existing: stored, today: today).isEmpty)
        let resolved = try stored[0].resolved(note: "已核实,家庭收入统计有误", on: today)
        #expect(WarningPlanner.plan(MF.input(a), existing: [resolved], today: today).isEmpty)
    }

    @Test("a later assessment that no longer triggers a rule resolves its open warning, saying so")
    func autoResolve() {
        let old = MF.assessment(on: "2024-01-01", perCapita: 600_000)
        let stored = WarningPlanner.applying(WarningPlanner.plan(MF.input(old), existing: [], today: today), to: [], today: today)
        let new = MF.assessment(on: "2024-06-01", perCapita: 1_000_000)
        let plan = WarningPlanner.plan(MF.input(new, previous: old), existing: stored, today: today)
        #expect(plan.raise.isEmpty)
        #expect(
            plan.close == [
                .init(
                    key: WarningKey(rule: .belowLine, assessedOn: old.assessedOn), status: .resolved,
                    note: "2024年6月1日的评估不再触发此规则,自动解除")
            ])
        let after = WarningPlanner.applying(plan, to: stored, today: today)
        #expect(after[0].status == .resolved && after[0].closedOn == today && after[0].note == plan.close[0].note)
    }

    @Test("a later assessment that triggers the same rule again supersedes the old warning: one open per rule")
    func supersede() {
        let old = MF.assessment(on: "2024-01-01", perCapita: 600_000)
        let stored = WarningPlanner.applying(WarningPlanner.plan(MF.input(old), existing: [], today: today), to: [], today: today)
        let new = MF.assessment(on: "2024-06-01", perCapita: 610_000)
        let plan = WarningPlanner.plan(MF.input(new, previous: old), existing: stored, today: today)
        #expect(plan.raise.map(\.key) == [WarningKey(rule: .belowLine, assessedOn: new.assessedOn)])
        #expect(plan.close.map(\.status) == [.superseded])
        let after = WarningPlanner.applying(plan, to: stored, today: today)
        #expect(after.filter(\.isOpen).map(\.assessedOn) == [new.assessedOn])
    }

    @Test("closed warnings and warnings of the same assessment are left alone")
    func leavesClosed() throws {
        let old = MF.assessment(on: "2024-01-01", perCapita: 600_000)
        var stored = WarningPlanner.applying(WarningPlanner.plan(MF.input(old), existing: [], today: today), to: [], today: today)
        stored[0] = try stored[0].resolved(note: "已落实", on: today)
        let new = MF.assessment(on: "2024-06-01", perCapita: 1_000_000)
        #expect(WarningPlanner.plan(MF.input(new), existing: stored, today: today).isEmpty)
    }

    @Test("a back-dated assessment keeps its warnings as history without touching newer ones")
    func backDated() {
        let newer = MF.assessment(on: "2024-06-01", perCapita: 600_000)
        let stored = WarningPlanner.applying(WarningPlanner.plan(MF.input(newer), existing: [], today: today), to: [], today: today)
        let older = MF.assessment(on: "2024-01-01", perCapita: 500_000)
        let plan = WarningPlanner.plan(MF.input(older), existing: stored, newerAssessmentOn: newer.assessedOn, today: today)
        #expect(plan.close.isEmpty)
        #expect(plan.raise.map(\.rule) == [.belowLine])
        #expect(plan.raise[0].status == .superseded && plan.raise[0].note?.contains("2024年6月1日") == true)
    }

    @Test("a scan with today's registry raises what the recorded members did not show, once")
    func scan() {
        let a = MF.assessment(perCapita: 1_000_000)
        let recorded = WarningPlanner.plan(MF.input(a, members: [MF.member()]), existing: [], today: today)
        #expect(recorded.isEmpty)
        let todayMembers = [MF.member("D***", insured: false)]
        let scan = WarningPlanner.plan(MF.input(a, members: todayMembers), existing: [], today: today)
        #expect(scan.raise.map(\.rule) == [.basicNeeds])
        #expect(scan.raise[0].facts.findings[0].member == "D***")
        let stored = WarningPlanner.applying(scan, to: [], today: today)
        #expect(WarningPlanner.plan(MF.input(a, members: todayMembers), existing: stored, today: today).isEmpty)
    }

    @Test("manual resolution needs an open warning and a note")
    func manual() throws {
        let w = EarlyWarning(rule: .belowLine, assessedOn: MF.d("2024-06-01"), facts: WarningFacts(summary: "x"), raisedOn: MF.d("2024-06-02"))
        let done = try w.resolved(note: "  收入已核实  ", on: today)
        #expect(done.status == .resolved && done.note == "收入已核实" && done.closedOn == today)
        #expect { try done.resolved(note: "再次", on: today) } throws: { ($0 as! Refusal).kind == .conflict }
        #expect { try w.resolved(note: "   ", on: today) } throws: { ($0 as! Refusal).problems.map(\.field) == ["note"] }
        #expect { try w.resolved(note: "a\u{202E}b", on: today) } throws: { ($0 as! Refusal).problems.map(\.field) == ["note"] }
        #expect { try w.resolved(note: String(repeating: "字", count: 501), on: today) } throws: { ($0 as! Refusal).kind == .invalid }
        #expect { try w.resolved(note: "早", on: MF.d("2024-06-01")) } throws: { ($0 as! Refusal).problems.map(\.field) == ["date"] }
    }
}
