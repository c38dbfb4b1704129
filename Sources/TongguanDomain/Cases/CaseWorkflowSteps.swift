/// The rules of each step, kept apart from `CaseWorkflow.apply`'s input handling.
extension CaseWorkflow {
    struct Step {
        let snapshot: CaseSnapshot
        let actor: CaseActor
        let calendar: WorkingCalendar
        let policy: DeadlinePolicy
        let date: CivilDate

        static let handlerWho = "承办单位的经办人或管理员"
        static let dispatcherWho = "县级及以上的管理员(交办人)"

        func run(_ action: CaseAction, note: String?, unmet: inout [UnmetCondition]) -> Transition {
            let c = snapshot
            var next = c
            next.lastStepOn = date
            var event = CaseEvent(kind: CaseEvent.Kind(action.name), on: date, from: c.state, to: c.state, note: note)
            func state(_ allowed: CaseState...) {
                if !allowed.contains(c.state) { unmet.append(CaseCondition.wrongState(c.state, allowed: allowed, action: action.name.label)) }
            }
            func require(_ ok: Bool, _ condition: UnmetCondition) { if !ok { unmet.append(condition) } }

            switch action {
            case .route(let unitId):
                state(.registered, .returned)
                dispatcher(&unmet)
                require(unitId != nil, CaseCondition.unitRequired)
                next.state = .routed
                next.unitId = unitId
                next.routedOn = date
                next.acceptedOn = nil
                next.startedOn = nil
                event.unitId = unitId
            case .accept:
                state(.routed)
                handler(&unmet)
                next.state = .accepted
                next.acceptedOn = date
            case .return(let reason):
                state(.routed)
                handler(&unmet)
                require(reason != nil, CaseCondition.reasonRequired)
                next.state = .returned
                next.unitId = nil
                event.unitId = c.unitId
                event.reason = reason
            case .start:
                state(.accepted)
                handler(&unmet)
                next.state = .inProgress
                next.startedOn = date
            case .extend(let days, let reason):
                state(.accepted, .inProgress)
                handler(&unmet)
                extend(days: days, reason: reason, next: &next, event: &event, unmet: &unmet)
            case .reply(let outcome, let text):
                state(.inProgress, .underReview, .underReReview)
                if c.state == .underReview || c.state == .underReReview { dispatcher(&unmet) } else { handler(&unmet) }
                require(outcome != nil, CaseCondition.outcomeRequired)
                require(text != nil, CaseCondition.replyTextRequired)
                require(c.openSubtasks == 0, CaseCondition.openSubtasks(c.openSubtasks))
                next.state = .replied
                next.repliedOn = date
                next.outcome = outcome
                event.outcome = outcome
                event.text = text
            case .close:
                state(.replied)
                require(actor.isHandler || actor.isDispatcher(for: c.divisionCode), CaseCondition.role("承办单位或县级及以上的管理员"))
                next.state = .closed
                next.closedOn = date
            case .followUp(let satisfaction):
                state(.closed)
                require(
                    actor.isDispatcher(for: c.divisionCode) || actor.isSupervisor(for: c.divisionCode),
                    CaseCondition.role("县级及以上的管理员或督办人"))
                require(satisfaction != nil, CaseCondition.satisfactionRequired)
                require(c.followedUpOn == nil, CaseCondition.followedUpAlready)
                next.satisfaction = satisfaction
                next.followedUpOn = date
                event.satisfaction = satisfaction
            case .reopen(let reason):
                state(.closed)
                dispatcher(&unmet)
                require(c.satisfaction == .unsatisfied, CaseCondition.unsatisfiedFollowUpRequired)
                require(reason != nil, CaseCondition.reasonRequired)
                next.state = .inProgress
                next.reopenedOn = date
                next.extensionDays = nil
                next.repliedOn = nil
                next.outcome = nil
                next.closedOn = nil
                next.satisfaction = nil
                next.followedUpOn = nil
                event.reason = reason
                event.handleDue = CaseDeadlines.compute(next, policy: policy, calendar: calendar).handle
            case .review, .reReview:
                review(again: action == .reReview, unmet: &unmet)
                state(.replied, .closed)
                dispatcher(&unmet)
                next.state = action == .review ? .underReview : .underReReview
                if action == .review { next.reviewRequestedOn = date } else { next.reReviewRequestedOn = date }
                next.closedOn = nil
                next.satisfaction = nil
                next.followedUpOn = nil
            }
            event.to = next.state
            return Transition(snapshot: next, event: event)
        }

        func dispatcher(_ unmet: inout [UnmetCondition]) {
            if !actor.isDispatcher(for: snapshot.divisionCode) { unmet.append(CaseCondition.role(Step.dispatcherWho)) }
        }

        /// A unit's step: the role must edit records and the user must be in the case's unit;
        /// both are reported when both fail.
        func handler(_ unmet: inout [UnmetCondition]) {
            if !actor.role.canEditRecords { unmet.append(CaseCondition.role(Step.handlerWho)) }
            if !actor.inCaseUnit { unmet.append(CaseCondition.unitMismatch) }
        }

        func extend(days: Int?, reason: String?, next: inout CaseSnapshot, event: inout CaseEvent, unmet: inout [UnmetCondition]) {
            let c = snapshot
            if let max = policy.extensionMaxDays {
                if let days {
                    if !(1...max).contains(days) { unmet.append(CaseCondition.extensionTooLong(max: max, counting: policy.counting)) }
                } else {
                    unmet.append(CaseCondition.daysRequired)
                }
                if c.extensionDays != nil { unmet.append(CaseCondition.extensionUsed) }
            } else {
                unmet.append(CaseCondition.extensionNotAllowed)
            }
            if reason == nil { unmet.append(CaseCondition.reasonRequired) }
            if let due = CaseDeadlines.compute(c, policy: policy, calendar: calendar).handle, date > due {
                unmet.append(CaseCondition.deadlinePassed(due))
            }
            next.extensionDays = days
            event.days = days
            event.reason = reason
            event.handleDue = CaseDeadlines.compute(next, policy: policy, calendar: calendar).handle
        }

        /// Petition-only, once each, re-review after review, nothing after re-review, and
        /// within the request window counted from the latest answer.
        func review(again: Bool, unmet: inout [UnmetCondition]) {
            let c = snapshot
            if !c.source.isPetition { unmet.append(CaseCondition.notPetition) }
            if c.reReviewRequestedOn != nil {
                unmet.append(CaseCondition.reReviewedAlready)
            } else if again {
                if c.reviewRequestedOn == nil { unmet.append(CaseCondition.reviewRequired) }
            } else if c.reviewRequestedOn != nil {
                unmet.append(CaseCondition.reviewedAlready)
            }
            guard c.source.isPetition, c.state == .replied || c.state == .closed, let window = policy.reviewRequestDays else { return }
            let answered = c.repliedOn ?? c.closedOn ?? c.lastStepOn
            let last = calendar.adding(window, policy.counting, after: answered).date
            if date > last { unmet.append(CaseCondition.reviewWindowClosed(last)) }
        }
    }
}
