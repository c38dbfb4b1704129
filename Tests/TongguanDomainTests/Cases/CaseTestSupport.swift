import Foundation

@testable import TongguanDomain

/// Shared people, places and dates for the case tests. The case is in 临县 (141124), at a
/// township (141124100); "today" is 2024-12-31 unless a test says otherwise.
enum CaseFixtures {
    static func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    static let calendar = WorkingCalendarTests.calendar
    static let today = d("2024-12-31")
    static let division = DivisionCode("141124100")!
    static let unitA = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    static let unitB = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!

    static let county = DivisionScope(DivisionCode("141124")!)
    static let city = DivisionScope(DivisionCode("141100")!)
    static let township = DivisionScope(DivisionCode("141124100")!)
    static let otherCounty = DivisionScope(DivisionCode("141125")!)

    /// 临县 admin: routes, answers reviews, closes, follows up, reopens.
    static let dispatcher = CaseActor(role: .admin, scope: county)
    static let cityDispatcher = CaseActor(role: .admin, scope: city)
    static let otherCountyAdmin = CaseActor(role: .admin, scope: otherCounty)
    /// An admin at township level: not a dispatcher.
    static let townshipAdmin = CaseActor(role: .admin, scope: township)
    /// An operator of the unit the case is routed to.
    static let handler = CaseActor(role: .operator, scope: county, inCaseUnit: true)
    static let unitAdmin = CaseActor(role: .admin, scope: township, inCaseUnit: true)
    /// An operator of another unit.
    static let outsider = CaseActor(role: .operator, scope: county)
    static let viewerInUnit = CaseActor(role: .viewer, scope: county, inCaseUnit: true)
    static let supervisor = CaseActor(role: .supervisor, scope: city)
    static let otherSupervisor = CaseActor(role: .supervisor, scope: otherCounty)
    static let ownerLeader = CaseActor(role: .viewer, scope: county, isOwnerLeader: true)
    /// Dispatcher, handler and supervisor at once: isolates state rules from role rules.
    static let everyone = CaseActor(role: .admin, scope: county, inCaseUnit: true, isOwnerLeader: true)

    static func fresh(_ source: CaseSource = .petition, received: String = "2024-09-02") -> CaseSnapshot {
        CaseSnapshot(source: source, divisionCode: division, receivedOn: d(received))
    }

    /// A case in `state` with every earlier step dated on the day it was received, so that
    /// only the state and the actor decide.
    static func inState(_ state: CaseState, _ source: CaseSource = .petition, received: String = "2024-12-02") -> CaseSnapshot {
        var c = fresh(source, received: received)
        c.state = state
        let day = c.receivedOn
        if state != .registered && state != .returned { c.unitId = unitA; c.routedOn = day }
        if [.accepted, .inProgress, .replied, .closed, .underReview, .underReReview].contains(state) { c.acceptedOn = day }
        if [.inProgress, .replied, .closed, .underReview, .underReReview].contains(state) { c.startedOn = day }
        if [.replied, .closed, .underReview, .underReReview].contains(state) { c.repliedOn = day; c.outcome = .explained }
        if state == .closed { c.closedOn = day }
        if state == .underReview { c.reviewRequestedOn = day }
        if state == .underReReview { c.reviewRequestedOn = day; c.reReviewRequestedOn = day }
        return c
    }

    static func apply(
        _ action: CaseAction, _ c: CaseSnapshot, on date: String, by actor: CaseActor = everyone,
        policy: DeadlinePolicy? = nil, today: CivilDate = today, note: String? = nil
    ) throws(Refusal) -> CaseWorkflow.Transition {
        try CaseWorkflow.apply(
            action, to: c, on: d(date), today: today, note: note, actor: actor, calendar: calendar,
            policy: policy ?? .shipped(c.source))
    }

    /// The refusal's condition codes, or nil when the step is allowed.
    static func codes(
        _ action: CaseAction, _ c: CaseSnapshot, on date: String, by actor: CaseActor = everyone,
        policy: DeadlinePolicy? = nil, today: CivilDate = today
    ) -> [String]? {
        do {
            _ = try apply(action, c, on: date, by: actor, policy: policy, today: today)
            return nil
        } catch {
            return error.conditions.map(\.code)
        }
    }

    /// One sample of every action with complete inputs.
    static let complete: [CaseAction] = [
        .route(unitId: unitA), .accept, .return(reason: "不属于本单位职责"), .start, .extend(days: 5, reason: "需现场核查"),
        .reply(outcome: .resolved, text: "已答复"), .close, .followUp(satisfaction: .satisfied), .reopen(reason: "群众不满意"),
        .review, .reReview,
    ]
}
