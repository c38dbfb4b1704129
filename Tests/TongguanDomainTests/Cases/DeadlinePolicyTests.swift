import Foundation
import Testing

@testable import TongguanDomain

@Suite("Deadline policies: shipped defaults, validation, JSON")
struct DeadlinePolicyTests {
    @Test("shipped defaults per source")
    func shipped() {
        let petition = DeadlinePolicy.shipped(.petition)
        #expect(petition.counting == .calendar)
        #expect(petition.routeDays == 15 && petition.acceptDays == 15 && petition.handleDays == 60)
        #expect(petition.handleFrom == .accepted && petition.extensionMaxDays == 30)
        #expect(petition.reviewRequestDays == 30 && petition.reviewDays == 30 && petition.reReviewDays == 30)
        let hotline = DeadlinePolicy.shipped(.hotline)
        #expect(hotline == DeadlinePolicy(source: .hotline, counting: .working, handleDays: 5, handleFrom: .routed, extensionMaxDays: 10))
        for source in [CaseSource.liaisonStation, .leaderVisit, .online] {
            #expect(
                DeadlinePolicy.shipped(source)
                    == DeadlinePolicy(
                        source: source, counting: .working, handleDays: 15,
                        handleFrom: .routed, extensionMaxDays: 15))
        }
        for source in CaseSource.allCases { #expect(DeadlinePolicy.shipped(source).problems().isEmpty) }
        #expect(DeadlinePolicies.shipped.policies.map(\.source) == CaseSource.allCases)
        #expect(DeadlinePolicies.shipped[.hotline] == hotline)
    }

    @Test("every limit must be 1 to a year of its kind of days")
    func bounds() {
        var p = DeadlinePolicy.shipped(.petition)
        p.routeDays = 0
        p.acceptDays = -1
        p.handleDays = 366
        p.extensionMaxDays = 365
        p.reviewDays = 0
        #expect(p.problems().map(\.field) == ["route_days", "accept_days", "handle_days", "review_days"])
        #expect(p.problems().first?.message == "交办时限应为1到365个自然日")
        var h = DeadlinePolicy.shipped(.hotline)
        h.handleDays = 251
        h.extensionMaxDays = 250
        #expect(h.problems() == [FieldProblem(field: "handle_days", message: "办理时限应为1到250个工作日")])
        h.handleDays = 1
        #expect(h.problems().isEmpty)
    }

    @Test("petitions need the review limits and count handling from acceptance; others have no review")
    func consistency() {
        var p = DeadlinePolicy.shipped(.petition)
        p.handleFrom = .routed
        p.reviewDays = nil
        p.reviewRequestDays = nil
        #expect(p.problems().map(\.field) == ["handle_from", "review_request_days", "review_days"])
        var o = DeadlinePolicy.shipped(.online)
        o.reviewDays = 30
        o.reReviewDays = 30
        #expect(o.problems().map(\.field) == ["review_days", "re_review_days"])
        #expect(o.problems().first?.message == "复查、复核仅适用于信访件")
        var a = DeadlinePolicy.shipped(.hotline)
        a.handleFrom = .accepted
        #expect(a.problems() == [FieldProblem(field: "accept_days", message: "办理时限自受理起算时须设置受理时限")])
        a.acceptDays = 2
        #expect(a.problems().isEmpty)
        var none = DeadlinePolicy.shipped(.hotline)
        none.extensionMaxDays = nil
        #expect((try? none.validated()) == none)
        #expect(throws: ValidationFailure.self) { try p.validated() }
    }

    @Test("JSON keys are snake_case; absent limits are left out")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(DeadlinePolicy.shipped(.hotline)), as: UTF8.self)
        #expect(text == #"{"counting":"working","extension_max_days":10,"handle_days":5,"handle_from":"routed","source":"hotline"}"#)
        let all = try encoder.encode(DeadlinePolicies.shipped)
        #expect(try JSONDecoder().decode(DeadlinePolicies.self, from: all) == .shipped)
        #expect(String(decoding: all, as: UTF8.self).hasPrefix(#"{"policies":[{"counting":"working","extension_max_days":15,"handle_days":15"#))
    }

    @Test("a policy set needs every source once, and every policy valid")
    func policySet() throws {
        var policies = DeadlinePolicies.shipped.policies
        policies.removeLast()
        var bad = DeadlinePolicy.shipped(.hotline)
        bad.handleDays = 0
        policies.append(bad)
        do {
            _ = try DeadlinePolicies(validating: policies)
            Issue.record("expected problems")
        } catch {
            #expect(
                error.problems == [
                    FieldProblem(field: "policies[4].source", message: "来源「12345热线」重复"),
                    FieldProblem(field: "policies[4].handle_days", message: "办理时限应为1到250个工作日"),
                    FieldProblem(field: "policies", message: "缺少来源「网上」的时限设置"),
                ])
        }
        let json = Data(#"{"policies":[{"source":"hotline","counting":"working","handle_days":5,"handle_from":"routed"}]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DeadlinePolicies.self, from: json) }
        var longer = DeadlinePolicy.shipped(.hotline)
        longer.handleDays = 7
        let replaced = try DeadlinePolicies.shipped.replacing(longer)
        #expect(replaced[.hotline].handleDays == 7)
        #expect(replaced.policies.map(\.source) == CaseSource.allCases)
        longer.handleDays = 0
        #expect(throws: ValidationFailure.self) { try DeadlinePolicies.shipped.replacing(longer) }
    }
}
