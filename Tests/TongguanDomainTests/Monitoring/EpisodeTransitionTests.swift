import Foundation
import Testing

@testable import TongguanDomain

@Suite("Monitoring episode: every step from every state")
struct EpisodeTransitionTests {
    /// The workflow as the issue states it, written out independently of the code's table.
    static let expected: [EpisodeStepKind: (from: [EpisodeState], to: EpisodeState)] = [
        .visit: ([.candidate], .verifying),
        .notice: ([.verifying], .publicNotice),
        .townshipCheck: ([.publicNotice], .townshipChecked),
        .approve: ([.townshipChecked], .monitored),
        .reject: ([.candidate, .verifying, .publicNotice, .townshipChecked], .notIncluded),
        .proposeElimination: ([.monitored], .eliminationProposed),
        .eliminationNotice: ([.eliminationProposed], .eliminationNotice),
        .eliminate: ([.eliminationNotice], .riskEliminated),
    ]

    static func step(_ kind: EpisodeStepKind) -> EpisodeStep {
        switch kind {
        case .open: .open(channel: .selfApplication, warningIDs: [])
        case .visit: .visit(consent: true)
        case .notice: .notice
        case .townshipCheck: .townshipCheck
        case .approve: .approve(category: .suddenHardship, riskTypes: [.illness])
        case .reject: .reject(reason: "经核实不符合纳入条件")
        case .proposeElimination: .proposeElimination
        case .eliminationNotice: .eliminationNotice
        case .eliminate: .eliminate
        }
    }

    /// A context in which every condition holds on 2025-06-01.
    static let context = EpisodeContext(
        today: MF.d("2025-06-01"), latestAssessment: MF.assessment(on: "2025-05-01", perCapita: 900_000), lineFen: 850_000,
        measures: [
            AssistanceMeasure(
                stored: .employment, description: "公益岗", unit: "镇政府", person: "某某", startOn: MF.d("2024-02-01"),
                endOn: nil, amountFen: 0)
        ],
        members: [MF.member(labour: true)])

    static func episode(in state: EpisodeState) -> MonitoringEpisode {
        MonitoringEpisode(
            state: state, channel: .grassrootsScreening, openedOn: MF.d("2023-10-01"), lastStepOn: MF.d("2024-05-01"),
            identifiedOn: MF.d("2024-01-01"))
    }

    @Test("allowed steps lead to the issue's next state; every other step is refused as wrong_state", arguments: EpisodeState.allCases)
    func everyTransition(state: EpisodeState) throws {
        for kind in EpisodeStepKind.allCases {
            let expectation = Self.expected[kind]
            let result = Result { () throws(Refusal) -> EpisodeTransition in
                try Self.episode(in: state).apply(Self.step(kind), on: MF.d("2025-06-01"), by: MF.countyAdmin, context: Self.context)
            }
            if let expectation, expectation.from.contains(state) {
                let transition = try result.get()
                #expect(transition.episode.state == expectation.to, "\(state) + \(kind)")
                #expect(transition.record.from == state && transition.record.to == expectation.to)
                #expect(transition.episode.lastStepOn == MF.d("2025-06-01"))
            } else {
                guard case .failure(let refusal) = result else { Issue.record("\(state) + \(kind) was allowed"); continue }
                #expect(refusal.kind == .preconditionUnmet, "\(state) + \(kind)")
                #expect(refusal.conditions.map(\.code) == ["wrong_state"], "\(state) + \(kind)")
                if kind != .open { #expect(refusal.message.contains(state.label)) }
            }
        }
    }

    @Test("the wrong_state message names the allowed steps, or says the episode is over")
    func wrongStateMessage() {
        #expect {
            try Self.episode(in: .candidate).apply(.notice, on: MF.d("2025-06-01"), by: MF.countyAdmin, context: Self.context)
        } throws: { error in
            let m = (error as! Refusal).message
            return m.contains("「待核实」") && m.contains("「入户核实」") && m.contains("「不予纳入」")
        }
        #expect {
            try Self.episode(in: .riskEliminated).apply(.visit(consent: true), on: MF.d("2025-06-01"), by: MF.countyAdmin, context: Self.context)
        } throws: { ($0 as! Refusal).message.contains("本次监测已结束") }
        #expect(EpisodeState.monitored.allowedSteps == [.proposeElimination])
        #expect(EpisodeState.notIncluded.allowedSteps.isEmpty && EpisodeState.riskEliminated.allowedSteps.isEmpty)
    }

    @Test("closed states end an episode; the others block a new one")
    func closedStates() {
        #expect(EpisodeState.allCases.filter(\.isClosed) == [.notIncluded, .riskEliminated])
    }

    @Test("a whole episode from open to risk eliminated, then a new episode may open")
    func wholeEpisode() throws {
        let settings = MonitoringSettings.defaults
        var ctx = EpisodeContext(
            today: MF.d("2023-06-30"), settings: settings,
            latestAssessment: MF.assessment(on: "2022-06-01", perCapita: 600_000), lineFen: 650_000,
            members: [MF.member()])
        let warning = UUID()
        let opened = try MonitoringEpisode.open(
            channel: .departmentWarning, on: MF.d("2022-06-01"), warningIDs: [warning, warning],
            by: MF.villageOperator, existing: [], today: ctx.today)
        #expect(opened.episode.state == .candidate && opened.episode.warningIDs == [warning] && opened.record.from == nil)
        var e = opened.episode
        e = try e.apply(.visit(consent: true), on: MF.d("2022-06-05"), by: MF.villageOperator, context: ctx).episode
        let notice = try e.apply(.notice, on: MF.d("2022-06-10"), note: "在村委会公示栏公示", by: MF.villageOperator, context: ctx)
        #expect(notice.effects == [.noticeStarted(nextStepFrom: MF.d("2022-06-15"))])
        #expect(notice.record.note == "在村委会公示栏公示")
        e = notice.episode
        e = try e.apply(.townshipCheck, on: MF.d("2022-06-15"), by: MF.townshipOperator, context: ctx).episode
        let approved = try e.apply(
            .approve(category: .marginal, riskTypes: [.illness, .illness, .education]), on: MF.d("2022-06-28"),
            by: MF.county, context: ctx)
        e = approved.episode
        #expect(e.state == .monitored && e.identifiedOn == MF.d("2022-06-28") && e.category == .marginal)
        #expect(e.riskTypes == [.illness, .education])
        #expect(approved.effects == [.identified(category: .marginal, riskTypes: [.illness, .education], on: MF.d("2022-06-28"))])
        #expect(e.acceptsMeasures)
        ctx.measures = [
            try AssistanceMeasure(
                type: .medical, description: "大病救助", unit: "县医保局", person: "王某",
                startOn: MF.d("2022-07-01"), amountFen: 500_000, today: ctx.today)
        ]
        ctx.latestAssessment = MF.assessment(on: "2022-12-01", perCapita: 700_000)
        e = try e.apply(.proposeElimination, on: MF.d("2022-12-28"), by: MF.villageOperator, context: ctx).episode
        e = try e.apply(.eliminationNotice, on: MF.d("2023-01-03"), by: MF.villageOperator, context: ctx).episode
        let done = try e.apply(.eliminate, on: MF.d("2023-01-08"), by: MF.county, context: ctx)
        #expect(done.episode.state == .riskEliminated && done.episode.closedOn == MF.d("2023-01-08"))
        #expect(done.effects == [.riskEliminated(on: MF.d("2023-01-08"))])
        #expect(!done.episode.acceptsMeasures)
        let again = try MonitoringEpisode.open(
            channel: .selfApplication, on: MF.d("2023-06-01"), by: MF.villageOperator,
            existing: [done.episode], today: ctx.today)
        #expect(again.episode.state == .candidate)
    }

    @Test("a rejection closes the episode with its reason")
    func reject() throws {
        let t = try Self.episode(in: .verifying).apply(
            .reject(reason: "  家庭收入高于监测线  "), on: MF.d("2025-06-01"),
            by: MF.county, context: Self.context)
        #expect(t.episode.state == .notIncluded && t.episode.notIncludedReason == "家庭收入高于监测线")
        #expect(t.episode.closedOn == MF.d("2025-06-01"))
        #expect(t.effects == [.notIncluded(reason: "家庭收入高于监测线")])
        #expect(t.record.step == .reject(reason: "家庭收入高于监测线"))
    }
}
