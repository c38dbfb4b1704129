import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite("诉求 pages: registration, steps, refusals as messages, working lists, reminders, calendar")
struct CasePagesTests {
    @Test("register through the form, route and accept through the case page; a refused step shows the workflow's message")
    func intakeThroughForms() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let web = WebClient(t)
            try await web.signIn()
            let bad = try await web.post("/cases", form: ["source": "petition", "kind": "投诉", "title": "", "requester_phone": "12"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("来源为「信访」的诉求类别应为") && bad.body.string.contains("data-field=\"requester_phone\""))
            let form: [String: String] = [
                "source": "hotline", "kind": "投诉", "title": "路灯不亮", "content": "村口路灯坏了三天", "requester_name": "李四",
                "requester_phone": "13800001234", "requester_resident_id": "11010519491231002X", "division_code": "141124",
                "received_on": "2024-09-02",
            ]
            let created = try await web.post("/cases", form: form)
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let id = String(location.split(separator: "/").last!.split(separator: "?").first!)
            let page = try await web.get("/cases/\(id)")
            #expect(page.body.string.contains("141124-2024-000001") && page.body.string.contains("110105********002X"))
            #expect(!page.body.string.contains("11010519491231002X"))
            #expect(page.body.string.contains("id=\"action-route\"") && !page.body.string.contains("id=\"action-accept\""))
            // Accepting is the unit's step: the admin is told so on the page.
            let refused = try await web.post("/cases/\(id)/actions", form: ["action": "accept", "date": "2024-09-03"])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("当前状态为「已登记」"))
            let routed = try await web.post("/cases/\(id)/actions", form: ["action": "route", "unit_id": kit.unitID, "date": "2024-09-03"])
            #expect(routed.status == .seeOther)
            let handler = WebClient(t)
            try await handler.signIn("lin.handler", password: TestApp.password)
            let home = try await handler.get("/")
            #expect(home.body.string.contains("id=\"reminders\"") && home.body.string.contains("本单位有1件诉求已逾期"))
            let accepted = try await handler.post("/cases/\(id)/actions", form: ["action": "accept", "date": "2024-09-04"])
            #expect(accepted.status == .seeOther)
            let mine = try await handler.get("/cases/mine")
            #expect(mine.body.string.contains("临县信访局的在办诉求(1件)"))
            // Reveal is for admins and supervisors, with a reason.
            let revealed = try await web.post("/cases/\(id)/reveal", form: ["reason": "核实身份"])
            #expect(revealed.status == .ok && revealed.body.string.contains("11010519491231002X"))
        }
    }

    @Test("supervision lists: overdue, due soon, flagged, and escalation to the level above the unit")
    func supervisionLists() async throws {
        try await TestApp.with { t in
            let kit = try await CaseKit.make(t)
            let old = try await kit.register(CaseKit.body(received: "2024-09-02"))["id"] as! String
            try await kit.must(old, "route", ["unit_id": kit.unitID, "date": "2024-09-02"])
            let today = CaseClock.today()
            let fresh = try await kit.register(CaseKit.body(received: today.description))["id"] as! String
            try await kit.must(fresh, "route", ["unit_id": kit.unitID, "date": today.description])
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/cases/supervision")
            let html = page.body.string
            #expect(html.contains("已逾期(1件)") && html.contains("下级承办单位逾期未办(提级督办)(1件)"))
            #expect(html.contains("141124-2024-000001"))
            // A county admin is the unit's own level: nothing is escalated to them.
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            let county = WebClient(t)
            try await county.signIn("lin.admin", password: TestApp.password)
            #expect(try await county.get("/cases/supervision").body.string.contains("下级承办单位逾期未办(提级督办)(0件)"))
        }
    }

    @Test("the calendar page: the city's admin uploads a year; problems are listed; counties only read")
    func calendarPage() async throws {
        try await TestApp.with { t in
            _ = try await CaseKit.make(t)
            let web = WebClient(t)
            try await web.signIn()
            let page = try await web.get("/cases/calendar?year=2024")
            #expect(page.body.string.contains("2024-10-01") && page.body.string.contains("unloaded-years"))
            let added = try await web.post("/cases/calendar/days", form: ["date": "2027-01-01", "kind": "holiday", "name": "元旦"])
            #expect(added.status == .seeOther)
            let cal = try await CalendarService.calendar(on: t.db)
            #expect(cal.isLoaded(year: 2027))
            let wrong = try await web.post("/cases/calendar/days", form: ["date": "2027-01-04", "kind": "workday", "name": "调休"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("调休上班日应为周六或周日"))
            try await t.createUser("lin.admin", role: .admin, division: "141124")
            let county = WebClient(t)
            try await county.signIn("lin.admin", password: TestApp.password)
            #expect(!(try await county.get("/cases/calendar").body.string.contains("calendar-import")))
            let refused = try await county.post("/cases/calendar/days", form: ["date": "2027-01-02", "kind": "holiday", "name": "元旦"])
            #expect(refused.status == .forbidden)
        }
    }
}
