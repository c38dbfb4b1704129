import Foundation
import Testing

@testable import TongguanDomain

@Suite("Case due dates and overdue")
struct CaseDeadlinesTests {
    typealias F = CaseFixtures
    func d(_ s: String) -> CivilDate { F.d(s) }
    func due(_ c: CaseSnapshot, _ policy: DeadlinePolicy? = nil) -> CaseDeadlines.Due {
        CaseDeadlines.compute(c, policy: policy ?? .shipped(c.source), calendar: F.calendar)
    }
    func overdue(_ c: CaseSnapshot, on day: String) -> [CaseDeadlines.Step] {
        CaseDeadlines.overdueSteps(c, policy: .shipped(c.source), calendar: F.calendar, on: d(day))
    }

    @Test("a petition: route 15 days from receipt, accept 15 from routing, handle 60 from acceptance")
    func petition() {
        var c = F.fresh(.petition, received: "2024-09-02")
        #expect(due(c) == CaseDeadlines.Due(route: d("2024-09-17"), provisional: false))
        #expect(overdue(c, on: "2024-09-17") == [])
        #expect(overdue(c, on: "2024-09-18") == [.route])
        c.state = .routed
        c.routedOn = d("2024-09-05")
        c.unitId = F.unitA
        #expect(due(c).accept == d("2024-09-20") && due(c).handle == nil)
        #expect(overdue(c, on: "2024-09-30") == [.accept])
        c.state = .accepted
        c.acceptedOn = d("2024-09-20")
        #expect(due(c).handle == d("2024-11-19"))
        #expect(overdue(c, on: "2024-11-19") == [])
        #expect(overdue(c, on: "2024-11-20") == [.handle])
        c.state = .inProgress
        c.extensionDays = 30
        #expect(due(c).handle == d("2024-12-19"))
        #expect(overdue(c, on: "2024-12-19") == [])
        #expect(due(c).route == d("2024-09-17") && due(c).accept == d("2024-09-20"))
    }

    @Test("the hotline: 5 working days from routing, running before acceptance")
    func hotline() {
        var c = F.fresh(.hotline, received: "2024-09-27")
        #expect(due(c) == CaseDeadlines.Due(provisional: false))
        #expect(overdue(c, on: "2025-06-01") == [])
        c.state = .routed
        c.routedOn = d("2024-09-27")
        #expect(due(c).handle == d("2024-10-10") && due(c).accept == nil && due(c).route == nil)
        #expect(overdue(c, on: "2024-10-10") == [])
        #expect(overdue(c, on: "2024-10-11") == [.handle])
        c.state = .inProgress
        c.extensionDays = 10
        // Ten working days after 2024-10-10, counting the Saturday 10-12 worked.
        #expect(due(c).handle == d("2024-10-23"))
    }

    @Test("liaison station, leader visit and online: 15 working days from routing")
    func fifteenWorkingDays() {
        for source in [CaseSource.liaisonStation, .leaderVisit, .online] {
            var c = F.fresh(source, received: "2025-09-30")
            c.state = .routed
            c.routedOn = d("2025-09-30")
            #expect(due(c).handle == d("2025-10-28"), "\(source)")
            c.extensionDays = 15
            #expect(due(c).handle == d("2025-11-18"), "\(source)")
        }
    }

    @Test("a reopened case counts from the reopen date")
    func reopened() {
        var c = F.fresh(.hotline, received: "2024-09-27")
        c.state = .inProgress
        c.routedOn = d("2024-09-27")
        c.reopenedOn = d("2024-11-01")
        #expect(due(c).handle == d("2024-11-08"))
        var p = F.fresh(.petition, received: "2024-09-02")
        p.state = .inProgress
        p.acceptedOn = d("2024-09-20")
        p.reopenedOn = d("2024-12-01")
        #expect(due(p).handle == d("2025-01-30"))
    }

    @Test("review and re-review: answered within 30 days; the request window shows while one may still be asked")
    func review() {
        var c = F.inState(.replied, received: "2024-09-02")
        c.repliedOn = d("2024-10-20")
        #expect(due(c).reviewRequestBy == d("2024-11-19") && due(c).review == nil)
        #expect(overdue(c, on: "2024-12-31") == [])
        c.state = .underReview
        c.reviewRequestedOn = d("2024-11-19")
        #expect(due(c).review == d("2024-12-19") && due(c).reviewRequestBy == nil)
        #expect(overdue(c, on: "2024-12-19") == [])
        #expect(overdue(c, on: "2024-12-20") == [.review])
        c.state = .closed
        c.repliedOn = d("2024-12-10")
        #expect(due(c).reviewRequestBy == d("2025-01-09"))
        c.state = .underReReview
        c.reReviewRequestedOn = d("2025-01-09")
        #expect(due(c).review == d("2025-02-08"))
        c.state = .replied
        c.repliedOn = d("2025-01-20")
        #expect(due(c).reviewRequestBy == nil)
        var h = F.inState(.replied, .hotline)
        h.repliedOn = d("2024-12-03")
        #expect(due(h).reviewRequestBy == nil && due(h).review == nil)
    }

    @Test("returned cases wait on routing again; replied and closed cases are never overdue")
    func pending() {
        let policy = DeadlinePolicy.shipped(.petition)
        #expect(CaseDeadlines.pendingSteps(F.inState(.returned), policy: policy) == [.route])
        #expect(CaseDeadlines.pendingSteps(F.inState(.routed), policy: policy) == [.accept])
        #expect(CaseDeadlines.pendingSteps(F.inState(.routed, .hotline), policy: .shipped(.hotline)) == [.accept, .handle])
        #expect(CaseDeadlines.pendingSteps(F.inState(.replied), policy: policy) == [])
        #expect(CaseDeadlines.pendingSteps(F.inState(.closed), policy: policy) == [])
        #expect(overdue(F.inState(.closed, received: "2021-01-04"), on: "2024-12-31") == [])
        #expect(overdue(F.inState(.returned, received: "2024-01-02"), on: "2024-12-31") == [.route])
        #expect(CaseDeadlines.isOverdue(F.inState(.returned, received: "2024-01-02"), policy: policy, calendar: F.calendar, on: d("2024-12-31")))
    }

    @Test("a working-day count into an unloaded year is provisional")
    func provisional() {
        var c = F.fresh(.hotline, received: "2026-12-28")
        c.state = .routed
        c.routedOn = d("2026-12-28")
        #expect(due(c) == CaseDeadlines.Due(handle: d("2027-01-04"), provisional: true))
        c.routedOn = d("2026-12-23")
        #expect(due(c) == CaseDeadlines.Due(handle: d("2026-12-30"), provisional: false))
        var p = F.fresh(.petition, received: "2026-12-28")
        p.state = .routed
        p.routedOn = d("2026-12-28")
        #expect(!due(p).provisional)
    }

    @Test("editing the policy moves the due dates")
    func policyEdit() {
        var c = F.fresh(.hotline, received: "2024-09-27")
        c.state = .routed
        c.routedOn = d("2024-09-27")
        var longer = DeadlinePolicy.shipped(.hotline)
        longer.handleDays = 7
        #expect(due(c, longer).handle == d("2024-10-12"))
        longer.counting = .calendar
        #expect(due(c, longer).handle == d("2024-10-04"))
    }

    @Test("status JSON: due dates as YYYY-MM-DD, only those that apply, overdue as of today")
    func json() throws {
        var c = F.fresh(.petition, received: "2024-09-02")
        c.state = .routed
        c.routedOn = d("2024-09-05")
        let status = CaseDeadlines.status(c, policy: .shipped(.petition), calendar: F.calendar, on: d("2024-09-30"))
        #expect(status.overdue && status.overdueSteps == [.accept])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(status), as: UTF8.self)
        #expect(text == #"{"due":{"accept":"2024-09-20","route":"2024-09-17"},"overdue":true,"overdue_steps":["accept"],"provisional":false}"#)
        #expect(CaseDeadlines.Step.allCases.map(\.label) == ["交办", "受理", "办理", "复查复核"])
    }
}
