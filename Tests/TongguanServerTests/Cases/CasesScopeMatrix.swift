import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 诉求's share of the scope matrix: units, leaders and cases in each place. Workflow steps
/// a role may not take answer 409 with the workflow's conditions (the platform's mapping of
/// `Refusal.unmet`); city-wide settings answer 403 to a county's caller.
extension ScopeMatrixTests {
    static let petitions = Part(
        cases: [
            Case(method: .GET, path: "/api/v1/units", make: { _, _ in ("/api/v1/units", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/units",
                make: { f, place in ("/api/v1/units", ["name": "单位\(f.freshName())", "division_code": divisionOf[place]!]) },
                expected: adminOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .PATCH, path: "/api/v1/units/:id", make: { f, place in ("/api/v1/units/\(f.id("unit", place))", ["active": true]) },
                expected: adminOnly(success: .ok)),
            Case(
                method: .POST, path: "/api/v1/units/:id/members",
                make: { f, place in ("/api/v1/units/\(f.id("unit", place))/members", ["user_id": f.userIDs[.sameCounty]!]) },
                expected: adminOnly(success: .ok)),
            Case(
                method: .DELETE, path: "/api/v1/units/:id/members/:user_id",
                make: { f, place in ("/api/v1/units/\(f.id("unit", place))/members/\(f.userIDs[.sameCounty]!)", nil) },
                expected: adminOnly(success: .ok)),
            Case(method: .GET, path: "/api/v1/leaders", make: { _, _ in ("/api/v1/leaders", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/leaders",
                make: { f, place in ("/api/v1/leaders", ["name": "领导\(f.freshName())", "title": "县长", "division_code": divisionOf[place]!]) },
                expected: adminOnly(success: .created, outside: .unprocessableEntity)),
            Case(method: .GET, path: "/api/v1/cases/policies", make: { _, _ in ("/api/v1/cases/policies", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .PUT, path: "/api/v1/cases/policies",
                make: { _, _ in
                    let list = DeadlinePolicies.shipped.policies.map { p -> [String: any Sendable] in
                        var o: [String: any Sendable] = [
                            "source": p.source.rawValue, "counting": p.counting.rawValue, "handle_days": p.handleDays,
                            "handle_from": p.handleFrom.rawValue,
                        ]
                        if let v = p.routeDays { o["route_days"] = v }
                        if let v = p.acceptDays { o["accept_days"] = v }
                        if let v = p.extensionMaxDays { o["extension_max_days"] = v }
                        if let v = p.reviewRequestDays { o["review_request_days"] = v }
                        if let v = p.reviewDays { o["review_days"] = v }
                        if let v = p.reReviewDays { o["re_review_days"] = v }
                        return o
                    }
                    return ("/api/v1/cases/policies", ["policies": list])
                },
                // City-wide: a county's caller never changes it.
                expected: { _, _ in .forbidden }),
            Case(
                method: .GET, path: "/api/v1/cases/calendar", make: { _, _ in ("/api/v1/cases/calendar?year=2024", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/cases/calendar/import",
                make: { _, _ in ("/api/v1/cases/calendar/import", ["__raw": "date,kind,name\n2027-01-01,holiday,元旦\n"]) },
                expected: { _, _ in .forbidden }),
            Case(
                method: .GET, path: "/api/v1/cases", make: { _, place in ("/api/v1/cases?division=\(divisionOf[place]!)", nil) },
                expected: { _, _ in .ok }),
            // The sheet export: masked for editors and supervisors, in full (with a reason) for
            // admins and supervisors; the rows are the caller's scope whatever the filter.
            Case(
                method: .GET, path: "/api/v1/cases/export", make: { _, place in ("/api/v1/cases/export?division=\(divisionOf[place]!)", nil) },
                expected: { role, _ in role.canEditRecords || role.canSupervise ? .ok : .forbidden }),
            Case(
                method: .POST, path: "/api/v1/cases/export",
                make: { _, place in ("/api/v1/cases/export?division=\(divisionOf[place]!)", ["reason": "核对联系方式"]) },
                expected: { role, _ in role.canSupervise ? .ok : .forbidden }),
            // Open311 services: city-wide settings, read by everyone, changed by city admins only.
            Case(
                method: .GET, path: "/api/v1/open311/services", make: { _, _ in ("/api/v1/open311/services", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .GET, path: "/api/v1/open311/services/:code", make: { _, _ in ("/api/v1/open311/services/garbage", nil) },
                expected: { _, _ in .ok }),
            Case(
                method: .PUT, path: "/api/v1/open311/services/:code",
                make: { _, _ in
                    ("/api/v1/open311/services/garbage", ["name": "垃圾清运", "group": "环境卫生", "kind": "求助"])
                }, expected: { _, _ in .forbidden }),
            Case(
                method: .GET, path: "/api/v1/cases/stats",
                make: { _, place in ("/api/v1/cases/stats?group_by=source&division=\(divisionOf[place]!)", nil) }, expected: { _, _ in .ok }),
            Case(
                method: .POST, path: "/api/v1/cases",
                make: { _, place in
                    (
                        "/api/v1/cases",
                        [
                            "source": "hotline", "kind": "投诉", "title": "路灯不亮", "content": "路灯坏了",
                            "requester": ["name": "李四", "phone": "13800001234"],
                            "division_code": divisionOf[place]!, "received_on": "2024-09-02",
                        ]
                    )
                },
                expected: editorsOnly(success: .created, outside: .unprocessableEntity)),
            Case(
                method: .GET, path: "/api/v1/cases/:id", make: { f, place in ("/api/v1/cases/\(f.id("case", place))", nil) }, expected: readable),
            Case(
                method: .PATCH, path: "/api/v1/cases/:id", make: { f, place in ("/api/v1/cases/\(f.id("case", place))", ["title": "改标题"]) },
                expected: editorsOnly(success: .ok)),
            // The callers are in no unit: admins and supervisors only.
            Case(
                method: .POST, path: "/api/v1/cases/:id/requester/reveal",
                make: { f, place in ("/api/v1/cases/\(f.id("case", place))/requester/reveal", ["reason": "回访核实"]) },
                expected: { role, place in place != .sameCounty ? .notFound : (role.canSupervise ? .ok : .forbidden) }),
            Case(
                method: .POST, path: "/api/v1/cases/:id/reveal",
                make: { f, place in ("/api/v1/cases/\(f.id("case", place))/reveal", ["reason": "核实身份"]) },
                expected: { role, place in place != .sameCounty ? .notFound : (role.canSupervise ? .ok : .forbidden) }),
            Case(
                method: .POST, path: "/api/v1/cases/:id/supervision",
                make: { f, place in ("/api/v1/cases/\(f.id("case", place))/supervision", ["level": "reminder", "note": "请抓紧办理"]) },
                expected: { role, place in place != .sameCounty ? .notFound : (role.canSupervise ? .ok : .conflict) }),
            Case(
                method: .POST, path: "/api/v1/cases/:id/subtasks",
                make: { f, place in
                    (
                        "/api/v1/cases/\(f.id("handled", place))/subtasks",
                        ["unit_id": f.id("unit", .sameCounty), "person": "王五", "description": "核查", "deadline": "2024-09-05", "date": "2024-09-03"]
                    )
                },
                // Nobody in the matrix is in the case's unit or a county dispatcher of it, except the admin.
                expected: { role, place in place != .sameCounty ? .notFound : (role == .admin ? .created : .conflict) }),
            Case(
                method: .PATCH, path: "/api/v1/cases/:id/subtasks/:sid",
                make: { f, place in
                    (
                        "/api/v1/cases/\(f.id("handled", place))/subtasks/\(f.id("subtask", place))",
                        ["state": "done", "note": "已核查", "date": "2024-09-04"]
                    )
                },
                expected: { _, place in place != .sameCounty ? .notFound : .conflict }),
            Case(
                method: .POST, path: "/api/v1/cases/:id/actions",
                make: { f, place in
                    ("/api/v1/cases/\(f.id("case", place))/actions", ["action": "route", "unit_id": f.id("unit", .sameCounty), "date": "2024-09-03"])
                },
                // Only a county (or higher) admin dispatches; everyone else is told the role condition.
                expected: { role, place in place != .sameCounty ? .notFound : (role == .admin ? .ok : .conflict) }),
        ],
        setUp: { t, fixture in
            let actor = AuditActor(name: "test", requestID: "t", clientAddress: "local")
            let settings = try await CaseSettings.load(on: t.db)
            for place in Place.allCases {
                let code = divisionOf[place]!
                let unit = try await UnitService.create(
                    .init(name: "单位-\(place.rawValue)", division: DivisionCode(code), active: true), actor: actor, on: t.db)
                fixture.ids["unit", default: [:]][place] = unit.id!.uuidString
                let details = CaseDetails(
                    source: .hotline, kind: .complaint, title: "诉求-\(place.rawValue)", content: "内容", requesterName: "赵六",
                    requesterPhone: "13800001234", requesterResidentId: "11010519491231002X", divisionCode: DivisionCode(code)!,
                    receivedOn: CivilDate(iso: "2024-09-02")!)
                let c = try await CaseService.register(details, actor: actor, keys: { try t.app.dataKeys }, on: t.db)
                fixture.ids["case", default: [:]][place] = c.id!.uuidString
                // A case being handled by the unit, with an open subtask.
                let handled = try await CaseService.register(details, actor: actor, keys: { try t.app.dataKeys }, on: t.db)
                var s = handled.snapshot
                s.state = .inProgress; s.unitId = unit.id; s.routedOn = s.receivedOn; s.acceptedOn = s.receivedOn; s.startedOn = s.receivedOn
                s.openSubtasks = 1
                handled.apply(s)
                handled.unitDivisionCode = unit.divisionCode
                handled.refreshDeadlines(policy: settings.policy(.hotline), calendar: settings.calendar)
                try await handled.save(on: t.db)
                let subtask = CaseSubtaskRecord(
                    caseID: handled.id!,
                    subtask: CaseSubtask(unitId: unit.id!, person: "王五", description: "核查", deadline: CivilDate(iso: "2024-09-05")!),
                    createdOn: CivilDate(iso: "2024-09-02")!)
                try await subtask.create(on: t.db)
                fixture.ids["handled", default: [:]][place] = handled.id!.uuidString
                fixture.ids["subtask", default: [:]][place] = subtask.id!.uuidString
            }
        })
}
