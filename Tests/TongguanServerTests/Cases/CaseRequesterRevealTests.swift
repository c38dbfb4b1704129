import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The requester's phone is masked in every case answer and page, for every role; the clear
/// phone and ID come only through `requester/reveal`, with a reason, to admins, supervisors and
/// the handling unit's users, and the audit trail keeps the reason, never the values.
@Suite struct CaseRequesterRevealTests {
    static let phone = "13800001234"
    static let id = "11010519491231002X"

    @Test func phonesAreMaskedByDefaultAndRevealedWithAReasonToTheRightPeople() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            var body = CaseKit.body()
            body["requester"] = ["name": "张三丰", "phone": Self.phone, "resident_id": Self.id]
            let c = try await kit.register(body)
            let caseID = try #require(c["id"] as? String)
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            try await t.createUser("lin.super", role: .supervisor, division: "141124")
            try await t.createUser("lin.other", role: .operator, division: "141124")
            let viewer = try await t.token("lin.viewer"), supervisor = try await t.token("lin.super"), other = try await t.token("lin.other")

            // Masked for everyone; the name is masked for viewers only.
            for (token, nameShown) in [(kit.admin, "张三丰"), (supervisor, "张三丰"), (kit.handler, "张三丰"), (viewer, PersonalData.name.mask("张三丰"))] {
                let res = try await t.request(.GET, "/api/v1/cases/\(caseID)", token: token)
                #expect(res.status == .ok)
                let requester = try #require(try res.json()["requester"] as? [String: Any])
                #expect(requester["phone"] as? String == PersonalData.phone.mask(Self.phone))
                #expect(requester["name"] as? String == nameShown)
                #expect(!res.body.string.contains(Self.phone) && !res.body.string.contains(Self.id))
            }
            let list = try await t.request(.GET, "/api/v1/cases", token: kit.admin)
            #expect(!list.body.string.contains(Self.phone))
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/cases/\(caseID)")
            #expect(page.body.string.contains(PersonalData.phone.mask(Self.phone)) && !page.body.string.contains(Self.phone))
            #expect(page.body.string.contains("id=\"requester-reveal-form\""))

            // A reason is required; viewers and users outside the handling unit are refused.
            let noReason = try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: kit.admin, json: [:])
            let noReasonFields = try noReason.problemFields()
            #expect(noReason.status == .unprocessableEntity && noReasonFields == ["reason"])
            let blank = try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: kit.admin, json: ["reason": "  "])
            #expect(blank.status == .unprocessableEntity)
            for token in [viewer, other, kit.handler] {
                let res = try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: token, json: ["reason": "回访"])
                #expect(res.status == .forbidden && !res.body.string.contains(Self.phone))
            }
            // Admins and supervisors; the handling unit's users once the case is routed to it.
            let byAdmin = try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: kit.admin, json: ["reason": "核实身份"])
            #expect(byAdmin.status == .ok)
            let revealed = try byAdmin.json()
            #expect(
                revealed["phone"] as? String == Self.phone && revealed["resident_id"] as? String == Self.id && revealed["name"] as? String == "张三丰")
            #expect(try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: supervisor, json: ["reason": "督办回访"]).status == .ok)
            try await kit.must(caseID, "route", ["unit_id": kit.unitID, "date": "2024-09-03"])
            let byUnit = try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: kit.handler, json: ["reason": "联系诉求人"])
            let unitPhone = try byUnit.json()["phone"] as? String
            #expect(byUnit.status == .ok && unitPhone == Self.phone)
            let stillOther = try await t.request(.POST, "/api/v1/cases/\(caseID)/requester/reveal", token: other, json: ["reason": "回访"])
            #expect(stillOther.status == .forbidden)

            // The audit trail: who and why, never the values.
            let events = try await WritePathTests.events(t, action: "case.reveal")
            #expect(events.count == 3)
            #expect(events.map { $0.changes.first { $0.field == "reason" }?.after } == ["核实身份", "督办回访", "联系诉求人"])
            #expect(
                events.allSatisfy {
                    $0.changes.contains { $0.field == "revealed" && $0.after == "requester_name,requester_phone,requester_resident_id" }
                })
            let raw = try await t.sql.raw("SELECT changes FROM audit_events").all().map { try $0.decode(column: "changes", as: String.self) }.joined()
            #expect(!raw.contains(Self.phone) && !raw.contains(Self.id))

            // The page's form shows the clear phone and ID once, audited.
            let shown = try await web.post("/cases/\(caseID)/requester/reveal", form: ["reason": "电话回访"])
            #expect(shown.status == .ok && shown.body.string.contains(Self.phone) && shown.body.string.contains(Self.id))
            let refused = try await web.post("/cases/\(caseID)/requester/reveal", form: ["reason": ""])
            #expect(refused.status == .unprocessableEntity && !refused.body.string.contains(Self.phone))
            #expect(try await WritePathTests.events(t, action: "case.reveal").count == 4)
        }
    }
}
