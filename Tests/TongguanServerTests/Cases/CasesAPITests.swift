import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite("诉求 API: registration, workflow, deadlines, refusals")
struct CasesAPITests {
    @Test("registration numbers the case by county and year, protects the resident ID, answers due dates and the first event")
    func register() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            var body = CaseKit.body(division: "141124")
            body["requester"] = ["name": "张三丰", "phone": "138 0000 1234", "resident_id": "11010519491231002x"]
            let first = try await kit.register(body)
            let second = try await kit.register(CaseKit.body(division: "141124", received: "2024-10-08"))
            #expect(first["number"] as? String == "141124-2024-000001")
            #expect(second["number"] as? String == "141124-2024-000002")
            #expect(first["kind"] as? String == "投诉" && first["state"] as? String == "registered")
            let requester = try #require(first["requester"] as? [String: Any])
            #expect(requester["resident_id"] as? String == "110105********002X")
            #expect(requester["phone"] as? String == PersonalData.phone.mask("13800001234"), "masked for admins too")
            let events = try #require(first["events"] as? [[String: Any]])
            #expect(events.map { $0["kind"] as? String } == ["registered"])
            // The clear ID is nowhere in the database or the audit trail.
            let id = try #require(first["id"] as? String)
            let row = try await t.sql.raw("SELECT * FROM cases WHERE id = \(bind: UUID(uuidString: id)!)").first()
            let sealed = try #require(try row?.decode(column: "requester_id_sealed", as: String?.self))
            #expect(sealed.hasPrefix("v1.") && !sealed.contains("11010519491231002"))
            let audit = try await t.sql.raw("SELECT changes FROM audit_events WHERE entity_id = \(bind: id)").all()
            #expect(!audit.isEmpty)
            for r in audit { #expect(!(try r.decode(column: "changes", as: String.self)).contains("11010519491231002")) }
            // A case registered in a township (临泉镇, shipped) is numbered under its county; another year starts again.
            let township = try await kit.register(CaseKit.body(division: "141124100", received: "2023-05-04"))
            #expect(township["number"] as? String == "141124-2023-000001")
        }
    }

    @Test("bad input: every problem at once, kinds by their Chinese label, scope and unknown fields")
    func invalid() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            var body = CaseKit.body(source: "petition", kind: "投诉")
            body["requester"] = ["name": "", "phone": "123", "resident_id": "110105194912310021"]
            body["received_on"] = "2024-13-01"
            body["colour"] = "red"
            let res = try await t.request(.POST, "/api/v1/cases", token: kit.admin, json: body)
            try expectProblem(res, .unprocessableEntity)
            let fields = Set(try res.problemFields())
            #expect(fields == ["kind", "requester.name", "requester.phone", "requester.resident_id", "received_on", "colour"])
            #expect(!res.body.string.contains("110105194912310021"))
            let lin = try await t.createUser("lin.op", role: .operator, division: "141124")
            _ = lin
            let other = try await t.request(.POST, "/api/v1/cases", token: try await t.token("lin.op"), json: CaseKit.body(division: "141123"))
            try expectProblem(other, .unprocessableEntity)
            #expect(try other.problemFields() == ["division_code"])
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewer = try await t.request(.POST, "/api/v1/cases", token: try await t.token("lin.viewer"), json: CaseKit.body())
            try expectProblem(viewer, .forbidden)
        }
    }

    @Test("intake to follow-up: route, accept, start, subtasks block the reply, reply, close, follow up, reopen")
    func workflow() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let c = try await kit.register(CaseKit.body(source: "hotline", received: "2024-09-27"))
            let id = c["id"] as! String
            // The handler cannot route; the dispatcher must name a unit.
            let byHandler = try await kit.act(id, "route", token: kit.handler, ["unit_id": kit.unitID, "date": "2024-09-27"])
            try expectProblem(byHandler, .conflict)
            #expect(try byHandler.conditionCodes() == ["role"])
            #expect(try await kit.act(id, "route", ["date": "2024-09-27"]).conditionCodes() == ["unit_required"])
            var now = try await kit.must(id, "route", ["unit_id": kit.unitID, "date": "2024-09-27"])
            // 5 working days after Friday 2024-09-27: Sunday 29th is a make-up workday, 1–7 October are off.
            #expect((now["due"] as? [String: Any])?["handle"] as? String == "2024-10-10")
            // Someone outside the unit cannot accept it.
            try await t.createUser("zhu.op", role: .operator, division: "141124")
            let outsider = try await t.token("zhu.op")
            #expect(try await kit.act(id, "accept", token: outsider, ["date": "2024-09-28"]).conditionCodes() == ["unit_mismatch"])
            now = try await kit.must(id, "accept", token: kit.handler, ["date": "2024-09-28"])
            #expect(now["state"] as? String == "accepted")
            now = try await kit.must(id, "start", token: kit.handler, ["date": "2024-09-29"])
            // One extension of 3 working days, counted on from the due date: 11th, Saturday 12th (make-up), 14th.
            now = try await kit.must(id, "extend", token: kit.handler, ["days": 3, "reason": "需现场核查", "date": "2024-09-30"])
            #expect((now["due"] as? [String: Any])?["handle"] as? String == "2024-10-14")
            #expect(
                try await kit.act(id, "extend", token: kit.handler, ["days": 1, "reason": "再延", "date": "2024-10-08"]).conditionCodes() == [
                    "extension_used"
                ])
            // A subtask blocks the reply until done.
            let sub = try await t.request(
                .POST, "/api/v1/cases/\(id)/subtasks", token: kit.handler,
                json: ["unit_id": kit.otherUnitID, "person": "李工", "description": "现场测温", "deadline": "2024-10-11", "date": "2024-10-08"])
            try #require(sub.status == .created, "\(sub.body.string)")
            let sid = try sub.json()["id"] as! String
            let blocked = try await kit.act(id, "reply", token: kit.handler, ["outcome": "resolved", "text": "已修复", "date": "2024-10-09"])
            #expect(try blocked.conditionCodes() == ["open_subtasks"])
            let noNote = try await t.request(
                .PATCH, "/api/v1/cases/\(id)/subtasks/\(sid)", token: kit.handler, json: ["state": "done", "date": "2024-10-09"])
            #expect(try noNote.conditionCodes() == ["note_required"])
            let done = try await t.request(
                .PATCH, "/api/v1/cases/\(id)/subtasks/\(sid)", token: kit.handler, json: ["state": "done", "note": "已测温", "date": "2024-10-09"])
            #expect(try done.status == .ok && (done.json()["state"] as? String) == "done")
            now = try await kit.must(id, "reply", token: kit.handler, ["outcome": "resolved", "text": "已修复管道", "date": "2024-10-10"])
            #expect(now["state"] as? String == "replied" && now["reply_text"] as? String == "已修复管道")
            now = try await kit.must(id, "close", token: kit.handler, ["date": "2024-10-10"])
            #expect(now["state"] as? String == "closed" && now["overdue"] as? Bool == false)
            // Only an unsatisfied follow-up may reopen; the handle deadline restarts from the reopening.
            #expect(try await kit.act(id, "reopen", ["reason": "仍不热", "date": "2024-10-11"]).conditionCodes() == ["unsatisfied_follow_up_required"])
            now = try await kit.must(id, "follow_up", ["satisfaction": "unsatisfied", "date": "2024-10-11"])
            #expect(now["satisfaction"] as? String == "unsatisfied")
            now = try await kit.must(id, "reopen", ["reason": "仍不热", "date": "2024-10-11"])
            #expect(now["state"] as? String == "in_progress")
            // Reopened Friday 11th: Saturday 12th is a make-up workday, so five working days end on the 17th.
            #expect((now["due"] as? [String: Any])?["handle"] as? String == "2024-10-17")
            let kinds = (now["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(
                kinds == [
                    "registered", "route", "accept", "start", "extend", "subtask_added", "subtask_done", "reply", "close", "follow_up", "reopen",
                ])
            // Every step is in the audit trail too.
            let audit = try await t.sql.raw("SELECT action FROM audit_events WHERE entity_id = \(bind: id) ORDER BY seq").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(audit.contains("case.route") && audit.contains("case.reopen") && audit.contains("case.subtask_done"))
        }
    }

    @Test("petitions: review, then re-review, each answered; after re-review the same matter is refused with the reason")
    func reviews() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let c = try await kit.register(CaseKit.body(source: "petition", kind: "申诉求决", received: "2024-03-01"))
            let id = c["id"] as! String
            var now = try await kit.must(id, "route", ["unit_id": kit.unitID, "date": "2024-03-04"])
            #expect((now["due"] as? [String: Any])?["route"] as? String == "2024-03-16")
            #expect((now["due"] as? [String: Any])?["accept"] as? String == "2024-03-19")
            now = try await kit.must(id, "accept", token: kit.handler, ["date": "2024-03-05"])
            #expect((now["due"] as? [String: Any])?["handle"] as? String == "2024-05-04")
            try await kit.must(id, "start", token: kit.handler, ["date": "2024-03-05"])
            try await kit.must(id, "reply", token: kit.handler, ["outcome": "not_supported", "text": "不符合政策", "date": "2024-04-01"])
            #expect(try await kit.act(id, "re_review", ["date": "2024-04-02"]).conditionCodes() == ["review_required"])
            now = try await kit.must(id, "review", ["date": "2024-04-20"])
            #expect(now["state"] as? String == "under_review")
            #expect((now["due"] as? [String: Any])?["review"] as? String == "2024-05-20")
            try await kit.must(id, "reply", ["outcome": "not_supported", "text": "维持原意见", "date": "2024-05-10"])
            let late = try await kit.act(id, "re_review", ["date": "2024-06-10"])
            #expect(try late.conditionCodes() == ["review_window_closed"])
            try await kit.must(id, "re_review", ["date": "2024-06-01"])
            try await kit.must(id, "reply", ["outcome": "explained", "text": "复核维持", "date": "2024-06-20"])
            let again = try await kit.act(id, "review", ["date": "2024-06-21"])
            try expectProblem(again, .conflict)
            #expect(
                try again.conditionCodes() == ["re_reviewed_already", "reviewed_already"]
                    || (try again.conditionCodes()).contains("re_reviewed_already"))
            #expect(again.body.string.contains("同一事项不再受理"))
            // Review applies to petitions only.
            let hotline = try await kit.register(CaseKit.body())
            #expect(try await kit.act(hotline["id"] as! String, "review").conditionCodes().contains("not_petition"))
        }
    }

    @Test("actions: unknown and foreign fields are refused; bad values are field problems")
    func actionBodies() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let id = try await kit.register()["id"] as! String
            let foreign = try await kit.act(id, "accept", ["days": 3])
            try expectProblem(foreign, .unprocessableEntity)
            #expect(try foreign.problemFields() == ["days"])
            let bad = try await kit.act(id, "route", ["unit_id": "x", "date": "2024-02-30"])
            #expect(Set(try bad.problemFields()) == ["unit_id", "date"])
            let unknown = try await t.request(.POST, "/api/v1/cases/\(id)/actions", token: kit.admin, json: ["action": "fly"])
            #expect(try unknown.problemFields() == ["action"])
            let elsewhere = try await kit.act(id, "route", ["unit_id": UUID().uuidString])
            #expect(try elsewhere.problemFields() == ["unit_id"])
            let future = try await kit.act(id, "route", ["unit_id": kit.unitID, "date": "2099-01-01"])
            #expect(try future.conditionCodes() == ["date_in_future"])
        }
    }

    @Test("PATCH needs If-Match and only before acceptance; the resident ID is replaced or removed, never echoed")
    func patch() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let id = try await kit.register()["id"] as! String
            let noMatch = try await t.request(.PATCH, "/api/v1/cases/\(id)", token: kit.admin, json: ["title": "新标题"])
            try expectProblem(noMatch, .preconditionRequired)
            let read = try await t.request(.GET, "/api/v1/cases/\(id)", token: kit.admin)
            let etag = try #require(read.headers.first(name: .eTag))
            let res = try await t.request(
                .PATCH, "/api/v1/cases/\(id)", token: kit.admin,
                json: ["title": "新标题", "requester": ["resident_id": "440524188001010014"]], headers: ["If-Match": etag])
            #expect(res.status == .ok, "\(res.body.string)")
            let body = try res.json()
            #expect(body["title"] as? String == "新标题")
            #expect((body["requester"] as? [String: Any])?["resident_id"] as? String == "440524********0014")
            #expect((body["requester"] as? [String: Any])?["name"] as? String == "张三丰")
            let stale = try await t.request(.PATCH, "/api/v1/cases/\(id)", token: kit.admin, json: ["title": "再改"], headers: ["If-Match": etag])
            try expectProblem(stale, .preconditionFailed)
            try await kit.must(id, "route", ["unit_id": kit.unitID])
            try await kit.must(id, "accept", token: kit.handler)
            let after = try await t.request(.PATCH, "/api/v1/cases/\(id)", token: kit.admin, json: ["title": "三改"], headers: ["If-Match": "*"])
            #expect(try after.conditionCodes() == ["wrong_state"])
        }
    }

    @Test("reveal: admins and supervisors with a reason, audited without the ID; others 403")
    func reveal() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            var body = CaseKit.body()
            body["requester"] = ["name": "张三丰", "phone": "13800001234", "resident_id": "11010519491231002X"]
            let id = try await kit.register(body)["id"] as! String
            let noReason = try await t.request(.POST, "/api/v1/cases/\(id)/reveal", token: kit.admin, json: [:])
            try expectProblem(noReason, .unprocessableEntity)
            let res = try await t.request(.POST, "/api/v1/cases/\(id)/reveal", token: kit.admin, json: ["reason": "核实身份"])
            #expect(res.status == .ok)
            #expect(try res.json()["resident_id"] as? String == "11010519491231002X")
            let events = try await t.sql.raw("SELECT changes FROM audit_events WHERE action = 'case.reveal'").all()
            #expect(events.count == 1)
            let changes = try events[0].decode(column: "changes", as: String.self)
            #expect(changes.contains("核实身份") && !changes.contains("11010519491231002"))
            try await t.createUser("lin.viewer", role: .viewer, division: "141124")
            let viewerToken = try await t.token("lin.viewer")
            let viewer = try await t.request(.POST, "/api/v1/cases/\(id)/reveal", token: viewerToken, json: ["reason": "看看"])
            try expectProblem(viewer, .forbidden)
            // Viewers see the requester masked.
            let seen = try await kit.get(id, token: viewerToken)
            #expect((seen["requester"] as? [String: Any])?["name"] as? String == "张**")
            #expect((seen["requester"] as? [String: Any])?["phone"] as? String == "138****1234")
        }
    }

    @Test("lists: overdue on a day, due within working days, by unit, owner leader (any), backlog and flagged")
    func lists() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let a = try await kit.register(CaseKit.body(received: "2024-09-02"))["id"] as! String
            try await kit.must(a, "route", ["unit_id": kit.unitID, "date": "2024-09-02"])  // handle due 2024-09-09
            let b = try await kit.register(CaseKit.body(received: "2024-09-20", extra: ["owner_leader_id": kit.leaderID]))["id"] as! String
            try await kit.must(b, "route", ["unit_id": kit.otherUnitID, "date": "2024-09-20"])  // 2024-09-27
            let backlog =
                try await kit.register(
                    CaseKit.body(
                        source: "petition", kind: "申诉求决", received: "2021-03-01",
                        extra: ["backlog": true, "handed_down_by": "中央联席办", "original_received_on": "2016-05-06"]))["id"] as! String
            func numbers(_ query: String) async throws -> [String] {
                let res = try await t.request(.GET, "/api/v1/cases?\(query)", token: kit.admin)
                try #require(res.status == .ok, "\(query): \(res.body.string)")
                return (try res.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await numbers("overdue_on=2024-09-10") == [backlog, a])
            #expect(try await numbers("overdue_on=2024-09-09") == [backlog])
            #expect(try await numbers("overdue_on=2024-09-30") == [backlog, a, b])
            #expect(try await numbers("unit=\(kit.otherUnitID)") == [b])
            #expect(try await numbers("owner_leader=any") == [b])
            #expect(try await numbers("owner_leader=\(kit.leaderID)") == [b])
            #expect(try await numbers("backlog=true") == [backlog])
            #expect(try await numbers("kind=申诉求决") == [backlog])
            let bad = try await t.request(.GET, "/api/v1/cases?overdue_on=yesterday&owner_leader=x&due_within=-1", token: kit.admin)
            #expect(Set(try bad.problemFields()) == ["overdue_on", "owner_leader", "due_within"])
            // Flagged supervision: supervisors flag with an opinion, once; the handler cannot.
            try await t.createUser("city.sup", role: .supervisor, division: "141100")
            let sup = try await t.token("city.sup")
            let byHandler = try await t.request(.POST, "/api/v1/cases/\(a)/supervision", token: kit.handler, json: ["level": "flagged", "note": "x"])
            #expect(try byHandler.conditionCodes() == ["role"])
            let noNote = try await t.request(.POST, "/api/v1/cases/\(a)/supervision", token: sup, json: ["level": "flagged"])
            #expect(try noNote.conditionCodes() == ["note_required"])
            let flagged = try await t.request(.POST, "/api/v1/cases/\(a)/supervision", token: sup, json: ["level": "flagged", "note": "逾期未办"])
            #expect(try flagged.status == .ok && (flagged.json()["flagged"] as? Bool) == true)
            #expect(try await numbers("flagged=true") == [a])
            let event = (try flagged.json()["events"] as? [[String: Any]])?.last
            #expect(event?["actor"] as? String == "city.sup" && event?["note"] as? String == "逾期未办" && event?["level"] as? String == "flagged")
        }
    }

    @Test("policies: everyone reads them, only the city's admin changes them, and open cases' due dates follow")
    func policies() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let id = try await kit.register(CaseKit.body(received: "2024-09-27"))["id"] as! String
            try await kit.must(id, "route", ["unit_id": kit.unitID, "date": "2024-09-27"])
            let got = try await t.request(.GET, "/api/v1/cases/policies", token: kit.handler)
            var policies = try #require(try got.json()["policies"] as? [[String: Any]])
            #expect(policies.map { $0["source"] as? String } == CaseSource.allCases.map(\.rawValue))
            let petition = policies[1]
            #expect(
                petition["counting"] as? String == "calendar" && petition["handle_days"] as? Int == 60 && petition["extension_max_days"] as? Int == 30
            )
            #expect(policies[2]["handle_days"] as? Int == 5 && policies[2]["counting"] as? String == "working")
            let i = policies.firstIndex { $0["source"] as? String == "hotline" }!
            policies[i]["handle_days"] = 7
            let county = try await t.request(.PUT, "/api/v1/cases/policies", token: kit.handler, json: ["policies": policies])
            try expectProblem(county, .forbidden)
            let put = try await t.request(.PUT, "/api/v1/cases/policies", token: kit.admin, json: ["policies": policies])
            #expect(put.status == .ok, "\(put.body.string)")
            // 7 working days after 2024-09-27: 29th, 30th, 8th, 9th, 10th, 11th, 12th (Saturday, make-up).
            #expect((try await kit.get(id)["due"] as? [String: Any])?["handle"] as? String == "2024-10-12")
            policies[i]["handle_days"] = 0
            policies[i]["review_days"] = 30
            let bad = try await t.request(.PUT, "/api/v1/cases/policies", token: kit.admin, json: ["policies": policies])
            #expect(Set(try bad.problemFields()) == ["policies[\(i)].handle_days", "policies[\(i)].review_days"])
        }
    }

    @Test("the calendar: seeded 2021–2026 on first start, imported by year, and deadlines follow")
    func calendar() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let cal = try await t.request(.GET, "/api/v1/cases/calendar?year=2024", token: kit.handler)
            let body = try cal.json()
            #expect(body["loaded_years"] as? [Int] == [2021, 2022, 2023, 2024, 2025, 2026])
            #expect((body["unloaded_years"] as? [Int])?.contains(2027) == true)
            let entries = try #require(body["entries"] as? [[String: Any]])
            #expect(entries.contains { $0["date"] as? String == "2024-10-01" && $0["kind"] as? String == "holiday" })
            #expect(entries.contains { $0["date"] as? String == "2024-09-29" && $0["kind"] as? String == "workday" })
            let id = try await kit.register(CaseKit.body(received: "2024-09-27"))["id"] as! String
            try await kit.must(id, "route", ["unit_id": kit.unitID, "date": "2024-09-27"])
            // Replace 2024 with a year without National Day: 5 working days run straight through.
            let csv = "date,kind,name\n2024-01-01,holiday,元旦\n"
            let county = try await t.request(
                .POST, "/api/v1/cases/calendar/import", token: kit.handler, raw: csv, headers: ["Content-Type": "text/csv"])
            try expectProblem(county, .forbidden)
            let res = try await t.request(.POST, "/api/v1/cases/calendar/import", token: kit.admin, raw: csv, headers: ["Content-Type": "text/csv"])
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.json()["cases_updated"] as? Int == 1)
            #expect((try await kit.get(id)["due"] as? [String: Any])?["handle"] as? String == "2024-10-04")
            let bad = try await t.request(
                .POST, "/api/v1/cases/calendar/import", token: kit.admin, raw: "date,kind,name\n2024-13-01,holiday,x\n2024-10-09,workday,国庆节\n",
                headers: ["Content-Type": "text/csv"])
            try expectProblem(bad, .unprocessableEntity)
            #expect((try bad.json()["rows"] as? [[String: Any]])?.count == 2)
        }
    }
}
