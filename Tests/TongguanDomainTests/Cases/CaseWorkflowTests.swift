import Foundation
import Testing

@testable import TongguanDomain

@Suite("Case workflow: the main line, states and roles")
struct CaseWorkflowTests {
    typealias F = CaseFixtures
    func d(_ s: String) -> CivilDate { F.d(s) }

    @Test("a petition goes registered → routed → accepted → in_progress → replied → closed → followed up")
    func petitionMainLine() throws {
        var c = F.fresh(.petition)
        var t = try F.apply(.route(unitId: F.unitA), c, on: "2024-09-05", by: F.dispatcher, note: "请依法办理")
        #expect(t.snapshot.state == .routed && t.snapshot.unitId == F.unitA && t.snapshot.routedOn == d("2024-09-05"))
        #expect(t.event == CaseEvent(kind: .route, on: d("2024-09-05"), from: .registered, to: .routed, note: "请依法办理", unitId: F.unitA))
        c = t.snapshot
        t = try F.apply(.accept, c, on: "2024-09-10", by: F.handler)
        #expect(t.snapshot.state == .accepted && t.snapshot.acceptedOn == d("2024-09-10"))
        #expect(t.event.kind == .accept && t.event.from == .routed && t.event.to == .accepted)
        c = t.snapshot
        t = try F.apply(.start, c, on: "2024-09-11", by: F.handler)
        #expect(t.snapshot.state == .inProgress && t.snapshot.startedOn == d("2024-09-11"))
        c = t.snapshot
        t = try F.apply(.reply(outcome: .resolved, text: "已协调解决"), c, on: "2024-10-20", by: F.unitAdmin)
        #expect(t.snapshot.state == .replied && t.snapshot.repliedOn == d("2024-10-20") && t.snapshot.outcome == .resolved)
        #expect(t.event.outcome == .resolved && t.event.text == "已协调解决")
        c = t.snapshot
        t = try F.apply(.close, c, on: "2024-10-21", by: F.handler)
        #expect(t.snapshot.state == .closed && t.snapshot.closedOn == d("2024-10-21") && t.snapshot.isResolved)
        c = t.snapshot
        t = try F.apply(.followUp(satisfaction: .satisfied), c, on: "2024-10-25", by: F.supervisor)
        #expect(t.snapshot.state == .closed && t.snapshot.satisfaction == .satisfied && t.snapshot.followedUpOn == d("2024-10-25"))
        #expect(t.event.kind == .followUp && t.event.from == .closed && t.event.to == .closed && t.event.satisfaction == .satisfied)
        #expect(t.snapshot.lastStepOn == d("2024-10-25"))
    }

    @Test("a unit returns a case with a reason; the dispatcher routes it again")
    func returnAndReroute() throws {
        let routed = try F.apply(.route(unitId: F.unitA), F.fresh(.hotline), on: "2024-09-03", by: F.dispatcher).snapshot
        let returned = try F.apply(.return(reason: "  不属于本单位职责 "), routed, on: "2024-09-04", by: F.handler)
        #expect(returned.snapshot.state == .returned && returned.snapshot.unitId == nil)
        #expect(returned.event.unitId == F.unitA && returned.event.reason == "不属于本单位职责")
        let rerouted = try F.apply(.route(unitId: F.unitB), returned.snapshot, on: "2024-09-05", by: F.cityDispatcher)
        #expect(rerouted.snapshot.state == .routed && rerouted.snapshot.unitId == F.unitB && rerouted.snapshot.routedOn == d("2024-09-05"))
        #expect(rerouted.event.from == .returned)
    }

    static let allowedStates: [CaseAction.Name: [CaseState]] = [
        .route: [.registered, .returned], .accept: [.routed], .return: [.routed], .start: [.accepted],
        .extend: [.accepted, .inProgress], .reply: [.inProgress, .underReview, .underReReview], .close: [.replied],
        .followUp: [.closed], .reopen: [.closed], .review: [.replied, .closed], .reReview: [.replied, .closed],
    ]

    @Test("every action in every state: wrong_state exactly outside the allowed states", arguments: CaseState.allCases)
    func stateMatrix(state: CaseState) {
        for action in F.complete {
            let codes = F.codes(action, F.inState(state), on: "2024-12-02") ?? []
            let allowed = Self.allowedStates[action.name]!.contains(state)
            #expect(codes.contains("wrong_state") == !allowed, "\(action.name) in \(state)")
        }
    }

    @Test("wrong_state names the current and the allowed states")
    func wrongStateMessage() throws {
        do {
            _ = try F.apply(.close, F.inState(.inProgress), on: "2024-12-02")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .preconditionUnmet)
            #expect(error.conditions == [UnmetCondition(code: "wrong_state", message: "当前状态为「办理中」,「办结」只能在「已答复」状态下进行")])
            #expect(error.message == "条件未满足:当前状态为「办理中」,「办结」只能在「已答复」状态下进行")
        }
    }

    /// Whether each actor may take each step, as role/unit conditions (nil: allowed).
    static let roleTable: [(CaseAction, CaseState, [(String, CaseActor, [String]?)])] = {
        let unitStep: [(String, CaseActor, [String]?)] = [
            ("handler", F.handler, nil), ("unit admin", F.unitAdmin, nil), ("outsider", F.outsider, ["unit_mismatch"]),
            ("viewer in unit", F.viewerInUnit, ["role"]), ("supervisor", F.supervisor, ["role", "unit_mismatch"]),
            ("dispatcher", F.dispatcher, ["unit_mismatch"]),
        ]
        let dispatch: [(String, CaseActor, [String]?)] = [
            ("dispatcher", F.dispatcher, nil), ("city dispatcher", F.cityDispatcher, nil), ("township admin", F.townshipAdmin, ["role"]),
            ("other county admin", F.otherCountyAdmin, ["role"]), ("handler", F.handler, ["role"]), ("unit admin", F.unitAdmin, ["role"]),
            ("supervisor", F.supervisor, ["role"]),
        ]
        return [
            (.route(unitId: F.unitA), .registered, dispatch),
            (.accept, .routed, unitStep),
            (.return(reason: "非本单位事项"), .routed, unitStep),
            (.start, .accepted, unitStep),
            (.extend(days: 5, reason: "需现场核查"), .inProgress, unitStep),
            (.reply(outcome: .explained, text: "已解释"), .inProgress, unitStep),
            (.reply(outcome: .explained, text: "复查意见"), .underReview, dispatch),
            (.reply(outcome: .notSupported, text: "复核意见"), .underReReview, dispatch),
            (
                .close, .replied,
                [
                    ("handler", F.handler, nil), ("unit admin", F.unitAdmin, nil), ("dispatcher", F.dispatcher, nil),
                    ("outsider", F.outsider, ["role"]), ("supervisor", F.supervisor, ["role"]),
                    ("viewer in unit", F.viewerInUnit, ["role"]), ("township admin", F.townshipAdmin, ["role"]),
                ]
            ),
            (
                .followUp(satisfaction: .basicallySatisfied), .closed,
                [
                    ("dispatcher", F.dispatcher, nil), ("supervisor", F.supervisor, nil), ("township admin", F.townshipAdmin, nil),
                    ("other supervisor", F.otherSupervisor, ["role"]), ("handler", F.handler, ["role"]), ("owner leader", F.ownerLeader, ["role"]),
                ]
            ),
            (.review, .replied, dispatch),
            (.review, .closed, dispatch),
        ]
    }()

    @Test("every step's role rule")
    func roleMatrix() {
        for (action, state, actors) in Self.roleTable {
            for (name, actor, expected) in actors {
                #expect(F.codes(action, F.inState(state), on: "2024-12-02", by: actor) == expected, "\(action.name) in \(state) by \(name)")
            }
        }
    }

    @Test("reopen and re_review: dispatchers only")
    func reopenAndReReviewRoles() {
        var closed = F.inState(.closed)
        closed.satisfaction = .unsatisfied
        closed.followedUpOn = closed.receivedOn
        #expect(F.codes(.reopen(reason: "不满意"), closed, on: "2024-12-03", by: F.dispatcher) == nil)
        #expect(F.codes(.reopen(reason: "不满意"), closed, on: "2024-12-03", by: F.supervisor) == ["role"])
        #expect(F.codes(.reopen(reason: "不满意"), closed, on: "2024-12-03", by: F.handler) == ["role"])
        var reviewed = F.inState(.replied)
        reviewed.reviewRequestedOn = reviewed.receivedOn
        #expect(F.codes(.reReview, reviewed, on: "2024-12-03", by: F.dispatcher) == nil)
        #expect(F.codes(.reReview, reviewed, on: "2024-12-03", by: F.handler) == ["role"])
    }

    @Test("the role message names who may act")
    func roleMessage() {
        do {
            _ = try F.apply(.route(unitId: F.unitA), F.fresh(), on: "2024-09-03", by: F.handler)
        } catch {
            #expect(error.conditions == [UnmetCondition(code: "role", message: "只有县级及以上的管理员(交办人)可以执行此操作")])
        }
        do {
            _ = try F.apply(.accept, F.inState(.routed), on: "2024-12-03", by: F.supervisor)
        } catch {
            #expect(error.conditions.map(\.message) == ["只有承办单位的经办人或管理员可以执行此操作", "您不属于该诉求的承办单位"])
        }
    }

    @Test("buttons: the actions an actor could take now")
    func available() {
        func names(_ c: CaseSnapshot, _ actor: CaseActor) -> [CaseAction.Name] {
            CaseWorkflow.available(to: c, today: F.d("2024-12-03"), actor: actor, calendar: F.calendar, policy: .shipped(c.source))
        }
        #expect(names(F.inState(.registered), F.dispatcher) == [.route])
        #expect(names(F.inState(.registered), F.handler) == [])
        #expect(names(F.inState(.routed), F.handler) == [.accept, .return])
        #expect(names(F.inState(.accepted), F.handler) == [.start, .extend])
        #expect(names(F.inState(.inProgress), F.handler) == [.extend, .reply])
        #expect(names(F.inState(.replied), F.handler) == [.close])
        #expect(names(F.inState(.replied), F.dispatcher) == [.close, .review])
        #expect(names(F.inState(.replied, .hotline), F.dispatcher) == [.close])
        #expect(names(F.inState(.closed), F.dispatcher) == [.followUp, .review])
        #expect(names(F.inState(.closed), F.viewerInUnit) == [])
        #expect(names(F.inState(.underReview), F.dispatcher) == [.reply])
    }
}
