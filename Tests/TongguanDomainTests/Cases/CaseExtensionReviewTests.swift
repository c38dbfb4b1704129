import Foundation
import Testing

@testable import TongguanDomain

@Suite("Extensions, reopening and petition review / re-review")
struct CaseExtensionReviewTests {
    typealias F = CaseFixtures
    func d(_ s: String) -> CivilDate { F.d(s) }

    /// A hotline case routed on Monday 2024-09-30 and accepted the same day: handle due
    /// 2024-10-12 (the Saturday worked after National Day).
    func hotline() throws -> CaseSnapshot {
        let routed = try F.apply(.route(unitId: F.unitA), F.fresh(.hotline, received: "2024-09-30"), on: "2024-09-30", by: F.dispatcher)
        let accepted = try F.apply(.accept, routed.snapshot, on: "2024-09-30", by: F.handler)
        return try F.apply(.start, accepted.snapshot, on: "2024-09-30", by: F.handler).snapshot
    }

    func handleDue(_ c: CaseSnapshot) -> CivilDate? {
        CaseDeadlines.compute(c, policy: .shipped(c.source), calendar: F.calendar).handle
    }

    @Test("a hotline extension adds working days to the current due date, across National Day")
    func hotlineExtension() throws {
        let c = try hotline()
        #expect(handleDue(c) == d("2024-10-12"))
        let t = try F.apply(.extend(days: 10, reason: "需多部门会商"), c, on: "2024-10-11", by: F.handler)
        #expect(t.snapshot.extensionDays == 10)
        #expect(handleDue(t.snapshot) == d("2024-10-25"))
        #expect(
            t.event
                == CaseEvent(
                    kind: .extend, on: d("2024-10-11"), from: .inProgress, to: .inProgress, reason: "需多部门会商",
                    days: 10, handleDue: d("2024-10-25")))
        #expect(t.event.summary == "延期,延期10天,办理期限至2024年10月25日,理由:需多部门会商")
        #expect(F.codes(.extend(days: 1, reason: "再延"), t.snapshot, on: "2024-10-14") == ["extension_used"])
    }

    @Test("extension days: required, 1 to the policy's maximum, none when the policy allows none")
    func extensionBounds() throws {
        let c = try hotline()
        #expect(F.codes(.extend(days: 10, reason: "r"), c, on: "2024-10-08") == nil)
        #expect(F.codes(.extend(days: 1, reason: "r"), c, on: "2024-10-08") == nil)
        #expect(F.codes(.extend(days: 11, reason: "r"), c, on: "2024-10-08") == ["extension_too_long"])
        #expect(F.codes(.extend(days: 0, reason: "r"), c, on: "2024-10-08") == ["extension_too_long"])
        #expect(F.codes(.extend(days: -2, reason: "r"), c, on: "2024-10-08") == ["extension_too_long"])
        #expect(F.codes(.extend(days: nil, reason: nil), c, on: "2024-10-08") == ["days_required", "reason_required"])
        var strict = DeadlinePolicy.shipped(.hotline)
        strict.extensionMaxDays = nil
        #expect(F.codes(.extend(days: 3, reason: "r"), c, on: "2024-10-08", policy: strict) == ["extension_not_allowed"])
        do {
            _ = try F.apply(.extend(days: 11, reason: "r"), c, on: "2024-10-08")
        } catch {
            #expect(error.conditions.first?.message == "延期应为1到10个工作日")
        }
    }

    @Test("an extension is asked for on or before the due date, not after")
    func extensionAfterDue() throws {
        let c = try hotline()
        #expect(F.codes(.extend(days: 5, reason: "r"), c, on: "2024-10-12") == nil)
        #expect(F.codes(.extend(days: 5, reason: "r"), c, on: "2024-10-14") == ["deadline_passed"])
    }

    @Test("a petition extension is up to 30 calendar days from the 60-day due date")
    func petitionExtension() throws {
        var c = F.inState(.inProgress, received: "2024-09-02")
        c.acceptedOn = d("2024-09-20")
        #expect(handleDue(c) == d("2024-11-19"))
        let t = try F.apply(.extend(days: 30, reason: "案情复杂"), c, on: "2024-11-18")
        #expect(handleDue(t.snapshot) == d("2024-12-19"))
        #expect(F.codes(.extend(days: 31, reason: "案情复杂"), c, on: "2024-11-18") == ["extension_too_long"])
        // An accepted (not yet started) case may be extended too.
        var accepted = c
        accepted.state = .accepted
        #expect(F.codes(.extend(days: 15, reason: "r"), accepted, on: "2024-11-18") == nil)
    }

    @Test("reopening restarts the handle deadline from the reopen date and frees the extension")
    func reopen() throws {
        var c = try hotline()
        c = try F.apply(.extend(days: 2, reason: "r"), c, on: "2024-10-10", by: F.handler).snapshot
        c = try F.apply(.reply(outcome: .explained, text: "已解释"), c, on: "2024-10-15", by: F.handler).snapshot
        c = try F.apply(.close, c, on: "2024-10-16", by: F.dispatcher).snapshot
        c = try F.apply(.followUp(satisfaction: .unsatisfied), c, on: "2024-10-18", by: F.supervisor).snapshot
        let t = try F.apply(.reopen(reason: "群众反映问题未解决"), c, on: "2024-11-01", by: F.dispatcher)
        let r = t.snapshot
        #expect(r.state == .inProgress && r.reopenedOn == d("2024-11-01"))
        #expect(r.extensionDays == nil && r.outcome == nil && r.repliedOn == nil && r.closedOn == nil)
        #expect(r.satisfaction == nil && r.followedUpOn == nil && r.unitId == F.unitA)
        // 5 working days after Friday 2024-11-01.
        #expect(handleDue(r) == d("2024-11-08"))
        #expect(t.event.handleDue == d("2024-11-08") && t.event.reason == "群众反映问题未解决")
        #expect(F.codes(.extend(days: 10, reason: "r"), r, on: "2024-11-04") == nil)
        // The new round closes and may be followed up again.
        var again = try F.apply(.reply(outcome: .resolved, text: "已解决"), r, on: "2024-11-05", by: F.handler).snapshot
        again = try F.apply(.close, again, on: "2024-11-05", by: F.handler).snapshot
        #expect(F.codes(.followUp(satisfaction: .satisfied), again, on: "2024-11-06", by: F.supervisor) == nil)
    }

    /// A petition answered on 2024-10-20.
    func answeredPetition() -> CaseSnapshot {
        var c = F.inState(.replied, received: "2024-09-02")
        c.repliedOn = d("2024-10-20")
        c.lastStepOn = d("2024-10-20")
        return c
    }

    @Test("review within 30 calendar days of the answer, answered by the dispatcher; then re-review likewise")
    func reviewThenReReview() throws {
        let answered = answeredPetition()
        #expect(F.codes(.review, answered, on: "2024-11-19") == nil)
        #expect(F.codes(.review, answered, on: "2024-11-20") == ["review_window_closed"])
        let review = try F.apply(.review, answered, on: "2024-11-19", by: F.dispatcher)
        #expect(review.snapshot.state == .underReview && review.snapshot.reviewRequestedOn == d("2024-11-19"))
        #expect(review.event.kind == .review && review.event.from == .replied && review.event.to == .underReview)
        let reviewAnswer = try F.apply(
            .reply(outcome: .notSupported, text: "维持原处理意见"), review.snapshot, on: "2024-12-10",
            by: F.dispatcher)
        #expect(reviewAnswer.snapshot.state == .replied && reviewAnswer.snapshot.repliedOn == d("2024-12-10"))
        #expect(F.codes(.review, reviewAnswer.snapshot, on: "2024-12-11") == ["reviewed_already"])
        let closed = try F.apply(.close, reviewAnswer.snapshot, on: "2024-12-11", by: F.dispatcher).snapshot
        // Window from the review's answer, 2024-12-10: last day 2025-01-09.
        #expect(F.codes(.reReview, closed, on: "2025-01-09", today: d("2025-02-01")) == nil)
        #expect(F.codes(.reReview, closed, on: "2025-01-10", today: d("2025-02-01")) == ["review_window_closed"])
        let reReview = try F.apply(.reReview, closed, on: "2025-01-09", by: F.cityDispatcher, today: d("2025-02-01"))
        #expect(reReview.snapshot.state == .underReReview && reReview.snapshot.closedOn == nil)
        let final = try F.apply(
            .reply(outcome: .notSupported, text: "复核维持"), reReview.snapshot, on: "2025-01-20",
            by: F.dispatcher, today: d("2025-02-01")
        ).snapshot
        #expect(final.state == .replied && !final.canStillBeReviewed)
        #expect(F.codes(.review, final, on: "2025-01-21", today: d("2025-02-01")) == ["re_reviewed_already"])
        #expect(F.codes(.reReview, final, on: "2025-01-21", today: d("2025-02-01")) == ["re_reviewed_already"])
        do {
            _ = try F.apply(.review, final, on: "2025-01-21", today: d("2025-02-01"))
        } catch {
            #expect(error.conditions.first?.message == "该事项已经复核,同一事项不再受理复查、复核")
        }
    }

    @Test("re-review needs an answered review first")
    func reReviewNeedsReview() {
        #expect(F.codes(.reReview, answeredPetition(), on: "2024-11-01") == ["review_required"])
        #expect(F.codes(.reReview, F.inState(.underReview), on: "2024-12-03")?.contains("wrong_state") == true)
    }

    @Test("review and re-review are for petitions only")
    func petitionsOnly() {
        for source in CaseSource.allCases where !source.isPetition {
            #expect(F.codes(.review, F.inState(.replied, source), on: "2024-12-03") == ["not_petition"])
            #expect(F.codes(.reReview, F.inState(.closed, source), on: "2024-12-03") == ["not_petition", "review_required"])
        }
    }

    @Test("a review request clears the closing and follow-up of the answer it contests")
    func reviewClearsClosing() throws {
        var closed = F.inState(.closed)
        closed.satisfaction = .unsatisfied
        closed.followedUpOn = closed.receivedOn
        let t = try F.apply(.review, closed, on: "2024-12-05")
        #expect(t.snapshot.closedOn == nil && t.snapshot.satisfaction == nil && t.snapshot.followedUpOn == nil)
        #expect(t.snapshot.outcome == .explained)
    }
}
