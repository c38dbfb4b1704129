/// Due dates of a case, derived from its step dates, its source's policy and the working
/// calendar every time they are asked for, so that editing a policy or loading next year's
/// holidays moves every open case's deadlines consistently. A due date is the last day on
/// which the step is on time; the case is overdue from the day after.
public enum CaseDeadlines {
    /// The steps that have a time limit.
    public enum Step: String, Sendable, Codable, CaseIterable {
        case route, accept, handle, review

        public var label: String {
            switch self {
            case .route: "交办"
            case .accept: "受理"
            case .handle: "办理"
            case .review: "复查复核"
            }
        }
    }

    /// `"due": {"route", "accept", "handle", "review"}` (those that apply), plus the last
    /// day a petitioner may ask for review, and whether any date is provisional.
    public struct Due: Hashable, Sendable {
        public var route: CivilDate?
        public var accept: CivilDate?
        public var handle: CivilDate?
        /// The answer deadline of the latest review or re-review request.
        public var review: CivilDate?
        /// The last day to ask for review (or re-review), while one may still be asked.
        public var reviewRequestBy: CivilDate?
        /// A working-day count ran through a year whose holidays are not loaded.
        public var provisional: Bool

        public subscript(step: Step) -> CivilDate? {
            switch step {
            case .route: route
            case .accept: accept
            case .handle: handle
            case .review: review
            }
        }
    }

    public static func compute(_ c: CaseSnapshot, policy: DeadlinePolicy, calendar: WorkingCalendar) -> Due {
        var provisional = false
        func add(_ days: Int?, after date: CivilDate?) -> CivilDate? {
            guard let days, let date else { return nil }
            let counted = calendar.adding(days, policy.counting, after: date)
            if counted.provisional { provisional = true }
            return counted.date
        }
        var due = Due(provisional: false)
        due.route = add(policy.routeDays, after: c.receivedOn)
        due.accept = add(policy.acceptDays, after: c.routedOn)
        due.handle = handleDue(c, policy: policy, add: add)
        if let reReview = c.reReviewRequestedOn {
            due.review = add(policy.reReviewDays, after: reReview)
        } else if let review = c.reviewRequestedOn {
            due.review = add(policy.reviewDays, after: review)
        }
        if c.canStillBeReviewed, let answered = c.repliedOn, c.state == .replied || c.state == .closed {
            due.reviewRequestBy = add(policy.reviewRequestDays, after: answered)
        }
        due.provisional = provisional
        return due
    }

    /// The handle due date: from the reopening, else from routing or acceptance as the
    /// policy says, plus the limit, plus the extension counted on from that date.
    static func handleDue(_ c: CaseSnapshot, policy: DeadlinePolicy, add: (Int?, CivilDate?) -> CivilDate?) -> CivilDate? {
        let start = c.reopenedOn ?? (policy.handleFrom == .routed ? c.routedOn : c.acceptedOn)
        guard let base = add(policy.handleDays, start) else { return nil }
        guard let extra = c.extensionDays else { return base }
        return add(extra, base)
    }

    /// The steps the case is waiting on now.
    public static func pendingSteps(_ c: CaseSnapshot, policy: DeadlinePolicy) -> [Step] {
        switch c.state {
        case .registered, .returned: [.route]
        case .routed: policy.handleFrom == .routed ? [.accept, .handle] : [.accept]
        case .accepted, .inProgress: [.handle]
        case .underReview, .underReReview: [.review]
        case .replied, .closed: []
        }
    }

    /// The pending steps whose due date is before `today`.
    public static func overdueSteps(_ c: CaseSnapshot, policy: DeadlinePolicy, calendar: WorkingCalendar, on today: CivilDate) -> [Step] {
        let due = compute(c, policy: policy, calendar: calendar)
        return pendingSteps(c, policy: policy).filter { step in due[step].map { today > $0 } ?? false }
    }

    public static func isOverdue(_ c: CaseSnapshot, policy: DeadlinePolicy, calendar: WorkingCalendar, on today: CivilDate) -> Bool {
        !overdueSteps(c, policy: policy, calendar: calendar, on: today).isEmpty
    }

    /// What a case answers about its deadlines:
    /// `{"due": {"route": "2024-10-15", ...}, "provisional": false, "overdue": true, "overdue_steps": ["handle"]}`.
    public struct Status: Hashable, Sendable, Encodable {
        public var due: Due
        public var overdue: Bool
        public var overdueSteps: [Step]

        enum CodingKeys: String, CodingKey {
            case due, overdue, provisional
            case overdueSteps = "overdue_steps"
        }

        enum DueKeys: String, CodingKey {
            case route, accept, handle, review
            case reviewRequestBy = "review_request_by"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            var dueContainer = container.nestedContainer(keyedBy: DueKeys.self, forKey: .due)
            try dueContainer.encodeIfPresent(due.route?.description, forKey: .route)
            try dueContainer.encodeIfPresent(due.accept?.description, forKey: .accept)
            try dueContainer.encodeIfPresent(due.handle?.description, forKey: .handle)
            try dueContainer.encodeIfPresent(due.review?.description, forKey: .review)
            try dueContainer.encodeIfPresent(due.reviewRequestBy?.description, forKey: .reviewRequestBy)
            try container.encode(due.provisional, forKey: .provisional)
            try container.encode(overdue, forKey: .overdue)
            try container.encode(overdueSteps, forKey: .overdueSteps)
        }
    }

    public static func status(_ c: CaseSnapshot, policy: DeadlinePolicy, calendar: WorkingCalendar, on today: CivilDate) -> Status {
        let steps = overdueSteps(c, policy: policy, calendar: calendar, on: today)
        return Status(due: compute(c, policy: policy, calendar: calendar), overdue: !steps.isEmpty, overdueSteps: steps)
    }
}
