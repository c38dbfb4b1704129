import Foundation

/// What the workflow needs to know about a case: its state and the date of every step so
/// far. The server keeps these as columns and passes them in; the workflow answers the next
/// snapshot, so no rule lives in a SQL update.
public struct CaseSnapshot: Hashable, Sendable {
    public var source: CaseSource
    public var state: CaseState
    public var divisionCode: DivisionCode
    public var receivedOn: CivilDate
    /// The unit it is routed to; nil before routing and after a return.
    public var unitId: UUID?
    /// The latest routing (a re-routing after a return restarts the unit's clocks).
    public var routedOn: CivilDate?
    public var acceptedOn: CivilDate?
    public var startedOn: CivilDate?
    /// Set by `reopen`: the handle deadline restarts from here.
    public var reopenedOn: CivilDate?
    /// Days of the one extension of the current handling round.
    public var extensionDays: Int?
    public var openSubtasks: Int
    /// The latest answer: the reply, or the review's or re-review's answer.
    public var repliedOn: CivilDate?
    public var outcome: CaseOutcome?
    public var closedOn: CivilDate?
    public var satisfaction: Satisfaction?
    public var followedUpOn: CivilDate?
    public var reviewRequestedOn: CivilDate?
    public var reReviewRequestedOn: CivilDate?
    /// 挂牌督办.
    public var flagged: Bool
    /// The date of the latest workflow step: a later step may not be dated before it.
    public var lastStepOn: CivilDate

    public init(
        source: CaseSource, state: CaseState = .registered, divisionCode: DivisionCode, receivedOn: CivilDate,
        unitId: UUID? = nil, routedOn: CivilDate? = nil, acceptedOn: CivilDate? = nil, startedOn: CivilDate? = nil,
        reopenedOn: CivilDate? = nil, extensionDays: Int? = nil, openSubtasks: Int = 0, repliedOn: CivilDate? = nil,
        outcome: CaseOutcome? = nil, closedOn: CivilDate? = nil, satisfaction: Satisfaction? = nil,
        followedUpOn: CivilDate? = nil, reviewRequestedOn: CivilDate? = nil, reReviewRequestedOn: CivilDate? = nil,
        flagged: Bool = false, lastStepOn: CivilDate? = nil
    ) {
        self.source = source
        self.state = state
        self.divisionCode = divisionCode
        self.receivedOn = receivedOn
        self.unitId = unitId
        self.routedOn = routedOn
        self.acceptedOn = acceptedOn
        self.startedOn = startedOn
        self.reopenedOn = reopenedOn
        self.extensionDays = extensionDays
        self.openSubtasks = openSubtasks
        self.repliedOn = repliedOn
        self.outcome = outcome
        self.closedOn = closedOn
        self.satisfaction = satisfaction
        self.followedUpOn = followedUpOn
        self.reviewRequestedOn = reviewRequestedOn
        self.reReviewRequestedOn = reReviewRequestedOn
        self.flagged = flagged
        self.lastStepOn = lastStepOn ?? receivedOn
    }

    /// 办结 (whatever the outcome).
    public var isClosed: Bool { state == .closed }

    /// 化解: answered as resolved. Reported apart from `isClosed`.
    public var isResolved: Bool { outcome == .resolved && (state == .replied || state == .closed) }

    /// Whether a petitioner may still ask for review or re-review (subject to the window).
    public var canStillBeReviewed: Bool { source.isPetition && reReviewRequestedOn == nil }
}
