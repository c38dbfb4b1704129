import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// 户主变更 through `POST /api/v1/households/{code}/head` and the household page's form: the
/// new head, the others' relations restated, the former head staying or leaving in the same
/// step; locked by If-Match or `version`; every unmet condition at once, in Chinese; audited
/// without personal data; `monitoring_spans` kept when the former head leaves.
@Suite struct HeadHandOverTests {
    typealias F = RegistryFixture

    struct Family {
        var code: String
        var head: String
        var spouse: String
        var child: String
        var grandchild: String
    }

    /// 王建国 (head), 张丽 (spouse), 王小 (child), 王小小 (grandchild).
    static func family(_ t: TestApp, token: String, n: Int = 40) async throws -> Family {
        let h = try await F.household(
            t, token: token, headID: F.id(n),
            members: [
                F.member(F.id(n + 1), name: "张丽", relation: "spouse"), F.member(F.id(n + 2), name: "王小", relation: "child"),
                F.member(F.id(n + 3, born: 2015), name: "王小小", relation: "grandchild"),
            ])
        let members = try #require(h["members"] as? [[String: Any]])
        func id(_ relation: String) throws -> String {
            try #require(members.first { $0["relation"] as? String == relation }?["id"] as? String)
        }
        return Family(
            code: h["household_code"] as! String, head: try id("head"), spouse: try id("spouse"), child: try id("child"),
            grandchild: try id("grandchild"))
    }

    static func etag(_ t: TestApp, _ code: String, token: String) async throws -> String {
        try #require(try await t.request(.GET, "/api/v1/households/\(code)", token: token).headers.first(name: .eTag))
    }

    static func relations(_ json: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for m in json["members"] as? [[String: Any]] ?? [] { out[m["id"] as! String] = m["relation"] as? String }
        return out
    }

    @Test func theHeadHandsOverAndTheOthersAreRestated() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let f = try await Self.family(t, token: token)
            let etag = try await Self.etag(t, f.code, token: token)
            // The son takes over: his father stays as 父母, his mother becomes 父母, his child 子女.
            let res = try await t.request(
                .POST, "/api/v1/households/\(f.code)/head", token: token,
                json: [
                    "member_id": f.child,
                    "relations": [f.head: "parent", f.spouse: "parent", f.grandchild: "child"] as [String: any Sendable],
                ], headers: ["If-Match": etag])
            #expect(res.status == .ok, "\(res.text)")
            let json = try res.json()
            #expect(
                Self.relations(json) == [f.child: "head", f.head: "parent", f.spouse: "parent", f.grandchild: "child"])
            #expect(json["head_name"] as? String == "王小" && json["member_count"] as? Int == 4)
            let newTag = try #require(res.headers.first(name: .eTag))
            #expect(newTag != etag)
            // Exactly one present head, and no data-quality finding about it.
            let quality = try await t.request(.GET, "/api/v1/households/quality", token: token).json()
            let checks = try #require(quality["checks"] as? [[String: Any]])
            let noHead = checks.first { $0["check"] as? String == "no_head" }
            #expect(noHead?["count"] as? Int == 0)

            // The audit event names the members by ID and the relations, never a name or an ID number.
            let audit = try await t.request(.GET, "/api/v1/audit?entity_type=household&entity_id=\(f.code)&per=50", token: token)
            let items = try #require(try audit.json()["items"] as? [[String: Any]])
            let event = try #require(items.first { $0["action"] as? String == "household.head_change" })
            let text = String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self)
            #expect(text.contains(f.child) && text.contains("parent") && text.contains(f.head))
            for personal in ["王建国", "张丽", "王小", F.id(40), F.id(41), F.id(42), String(F.id(40).prefix(6)) + "********"] {
                #expect(!text.contains(personal), "audit holds \(personal)")
            }
        }
    }

    @Test func refusalsListEveryConditionInChineseAndWriteNothing() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let f = try await Self.family(t, token: token)
            let etag = try await Self.etag(t, f.code, token: token)
            let path = "/api/v1/households/\(f.code)/head"
            // No lock at all: 428. A stale ETag or version: 412.
            #expect(try await t.request(.POST, path, token: token, json: ["member_id": f.spouse]).status == .preconditionRequired)
            let staleTag = try await t.request(
                .POST, path, token: token, json: ["member_id": f.spouse, "relations": [f.head: "spouse"] as [String: any Sendable]],
                headers: ["If-Match": "\"stale\""])
            #expect(staleTag.status == .preconditionFailed && staleTag.isProblem)
            let staleVersion = try await t.request(
                .POST, path, token: token,
                json: ["member_id": f.spouse, "relations": [f.head: "spouse"] as [String: any Sendable], "version": 1])
            #expect(staleVersion.status == .preconditionFailed, "\(staleVersion.text)")
            // The former head stays but is given no relation.
            let bare = try await t.request(.POST, path, token: token, json: ["member_id": f.spouse], headers: ["If-Match": etag])
            #expect(bare.status == .conflict && bare.text.contains("former_head_relation_required"))
            #expect(bare.text.contains("更换户主时须填写原户主与新户主的关系"))
            // Several problems at once: the head named as new head, a member made head, an unknown member.
            let many = try await t.request(
                .POST, path, token: token,
                json: [
                    "member_id": f.head, "relations": [f.child: "head", UUID().uuidString: "other"] as [String: any Sendable],
                ], headers: ["If-Match": etag])
            #expect(many.status == .conflict && many.isProblem)
            for code in ["new_head_invalid", "relation_head_invalid", "relation_member_invalid"] { #expect(many.text.contains(code)) }
            #expect(many.text.contains("新户主应为本户另一名在户成员"))
            // A departure with a relation for the leaver, dated tomorrow.
            let tomorrow = RegistryFinder.today().adding(days: 1).description
            let leaving = try await t.request(
                .POST, path, token: token,
                json: [
                    "member_id": f.spouse, "relations": [f.head: "spouse"] as [String: any Sendable],
                    "former_head_departure": ["reason": "death", "date": tomorrow] as [String: any Sendable],
                ], headers: ["If-Match": etag])
            #expect(leaving.status == .conflict && leaving.text.contains("leaver_relation") && leaving.text.contains("date_in_future"))
            // Bad input: every field problem at once (422).
            let bad = try await t.request(
                .POST, path, token: token,
                json: [
                    "relations": [f.head: "boss"] as [String: any Sendable],
                    "former_head_departure": ["reason": "vanished"] as [String: any Sendable],
                    "extra": 1,
                ], headers: ["If-Match": etag])
            #expect(bad.status == .unprocessableEntity)
            let fields = Set(try bad.problemFields())
            #expect(
                fields == [
                    "member_id", "relations.\(f.head.uppercased())", "former_head_departure.reason", "former_head_departure.date", "extra",
                ], "\(bad.text)")
            // Nothing was written: the same ETag, the same relations.
            #expect(try await Self.etag(t, f.code, token: token) == etag)
            let after = try await t.request(.GET, "/api/v1/households/\(f.code)", token: token).json()
            #expect(Self.relations(after) == [f.head: "head", f.spouse: "spouse", f.child: "child", f.grandchild: "grandchild"])
            // Viewers may not; other counties do not see the household.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.request(
                .POST, path, token: try await t.token("lin.viewer"), json: ["member_id": f.spouse], headers: ["If-Match": etag])
            #expect(viewer.status == .forbidden)
            try await t.createUser("xing.op", role: .operator, division: "141123")
            let away = try await t.request(
                .POST, path, token: try await t.token("xing.op"),
                json: ["member_id": f.spouse, "relations": [f.head: "spouse"] as [String: any Sendable]], headers: ["If-Match": etag])
            #expect(away.status == .notFound && away.isProblem)
        }
    }

    @Test func theFormerHeadLeavesInTheSameStep() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let f = try await Self.family(t, token: token)
            // Leaving without naming a new head says what to do.
            let bare = try await t.request(.POST, "/api/v1/members/\(f.head)/leave", token: token, json: ["reason": "death", "date": "2024-03-01"])
            #expect(bare.status == .conflict && bare.text.contains("new_head_required") && bare.text.contains("更换户主"))
            let version = try #require(try await t.request(.GET, "/api/v1/households/\(f.code)", token: token).json()["version"] as? Int)
            let res = try await t.request(
                .POST, "/api/v1/households/\(f.code)/head", token: token,
                json: [
                    "member_id": f.spouse, "relations": [f.child: "child", f.grandchild: "grandchild"] as [String: any Sendable],
                    "former_head_departure": ["reason": "death", "date": "2024-03-01"] as [String: any Sendable], "version": version,
                ])
            #expect(res.status == .ok, "\(res.text)")
            let json = try res.json()
            let members = try #require(json["members"] as? [[String: Any]])
            let former = try #require(members.first { $0["id"] as? String == f.head })
            #expect(
                former["status"] as? String == "left" && former["leave_reason"] as? String == "death" && former["left_on"] as? String == "2024-03-01")
            #expect(
                members.filter { $0["relation"] as? String == "head" && $0["status"] as? String == "present" }.map { $0["id"] as? String } == [
                    f.spouse
                ])
            #expect(json["member_count"] as? Int == 3 && json["version"] as? Int == version + 1)
            // The same version again is stale.
            let again = try await t.request(
                .POST, "/api/v1/households/\(f.code)/head", token: token, json: ["member_id": f.child, "version": version])
            #expect(again.status == .preconditionFailed)
        }
    }

    struct SpanRow: Decodable, Equatable {
        var start_on: String
        var end_on: String
        var members: Int
        var state: String
    }

    static func spans(_ t: TestApp, _ code: String) async throws -> [SpanRow] {
        try await t.db.sql.raw(
            """
            SELECT start_on, end_on, members, state FROM monitoring_spans
            WHERE household_id = (SELECT id FROM households WHERE household_code = \(bind: code)) ORDER BY start_on, end_on
            """
        ).all(decoding: SpanRow.self)
    }

    @Test func aDepartingHeadCutsTheMonitoringSpans() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            try await WorkflowFixture.setLine(t, token: token, year: 2024, yuan: 8500)
            let f = try await Self.family(t, token: token)
            let opened = try await t.request(
                .POST, "/api/v1/households/\(f.code)/episodes", token: token, json: ["channel": "grassroots_screening", "date": "2024-01-05"])
            try #require(opened.status == .created || opened.status == .ok, "\(opened.text)")
            let before = try await Self.spans(t, f.code)
            #expect(before.count == 1 && before.first?.members == 4)
            let res = try await t.request(
                .POST, "/api/v1/households/\(f.code)/head", token: token,
                json: [
                    "member_id": f.spouse, "former_head_departure": ["reason": "moved_out", "date": "2024-03-01"] as [String: any Sendable],
                ], headers: ["If-Match": try await Self.etag(t, f.code, token: token)])
            #expect(res.status == .ok, "\(res.text)")
            let after = try await Self.spans(t, f.code)
            // Cut on the day after the departure, one member fewer from then on.
            #expect(after.map(\.members) == [4, 3] && after.last?.start_on == "2024-03-02", "\(after)")
            // And exactly what a rebuild from the records gives.
            let id = try #require(try await Household.query(on: t.db).filter(\.$code == f.code).first()?.id)
            try await MonitoringSpans.refresh([id], on: t.db)
            #expect(try await Self.spans(t, f.code) == after)
        }
    }

    @Test func theHouseholdPageFormHandsOverWithConfirmation() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let admin = try await t.adminToken()
            let f = try await Self.family(t, token: admin)
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/monitoring/households/\(f.code)")
            let html = page.body.string
            #expect(html.contains("id=\"head-form\"") && html.contains("name=\"relation_\(f.spouse)\""))
            let version = try RegistryEditPagesTests.version(html)
            var form = ["member_id": f.spouse, "relation_\(f.head)": "spouse", "version": version]
            // Without the confirmation box nothing happens.
            let unconfirmed = try await web.post("/monitoring/households/\(f.code)/head", form: form)
            #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.body.string.contains("请勾选「确认」后再提交"))
            // A refusal re-renders the page with the Chinese message.
            let refused = try await web.post(
                "/monitoring/households/\(f.code)/head", form: ["member_id": f.spouse, "version": version, "confirm": "on"])
            #expect(refused.status == .conflict && refused.body.string.contains("更换户主时须填写原户主与新户主的关系"))
            // The re-rendered page carries the stored version, so its form can be sent again.
            #expect(try RegistryEditPagesTests.version(refused.body.string) == version)
            form["confirm"] = "on"
            let saved = try await web.post("/monitoring/households/\(f.code)/head", form: form)
            #expect(saved.status == .seeOther)
            let json = try await t.request(.GET, "/api/v1/households/\(f.code)", token: admin).json()
            #expect(Self.relations(json)[f.spouse] == "head" && Self.relations(json)[f.head] == "spouse")
            // The same form again was read at the old version: stale, nothing changed.
            let stale = try await web.post(
                "/monitoring/households/\(f.code)/head",
                form: ["member_id": f.child, "relation_\(f.spouse)": "parent", "version": version, "confirm": "on"])
            #expect(stale.status == .conflict)
            #expect(Self.relations(try await t.request(.GET, "/api/v1/households/\(f.code)", token: admin).json())[f.spouse] == "head")
            // The history shows the hand-over.
            #expect(try await web.get("/monitoring/households/\(f.code)").body.string.contains("<td>更换户主</td>"))
            // A viewer gets no form and may not post.
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = WebClient(t)
            try await viewer.signIn("lin.viewer", password: TestApp.password)
            #expect(!(try await viewer.get("/monitoring/households/\(f.code)").body.string.contains("id=\"head-form\"")))
            #expect(try await viewer.post("/monitoring/households/\(f.code)/head", form: form).status == .forbidden)
        }
    }
}
