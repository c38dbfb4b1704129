import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct ProjectsAPITests {
    static var body: [String: Any] {
        [
            "name": "年产10万吨铝合金轮毂项目", "investor_name": "山西吕兴实业有限公司", "credit_code": "91350100M000100Y43",
            "division_code": "141124", "development_zone": "临县经济开发区", "industry": "铝镁新材料",
            "total_investment_fen": 123_456_789_00, "expected_annual_output_fen": 5_000_000_00,
            "contact_person": "王建国", "contact_phone": "13912345678",
        ]
    }

    func createRound(_ t: TestApp, token: String, name: String = "2021年第三次", date: String = "2021-07-16") async throws -> String {
        let res = try await t.request(.POST, "/api/v1/rounds", token: token, json: ["name": name, "date": date, "division_code": "141100"])
        try #require(res.status == .created, "\(res.body.string)")
        return try #require(try res.json()["id"] as? String)
    }

    @Test func createReadAndListWithFilters() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let round = try await createRound(t, token: token)
            var body = Self.body
            body["milestones"] = [["stage": "signed", "date": "2021-07-16", "round_id": round]]
            let created = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
            #expect(created.status == .created, "\(created.body.string)")
            #expect(created.headers.first(name: .eTag) != nil)
            let project = try created.json()
            #expect(project["stage"] as? String == "signed")
            #expect(project["total_investment_fen"] as? Int == 123_456_789_00)
            let id = try #require(project["id"] as? String)
            let list = try await t.request(.GET, "/api/v1/projects?stage=signed&industry=铝镁新材料&division=141124&q=轮毂&round_id=\(round)", token: token)
            let items = try #require(try list.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [id])
            for filter in ["stage=started", "industry=白酒", "division=141123", "q=不存在"] {
                let none = try await t.request(.GET, "/api/v1/projects?\(filter)", token: token)
                #expect((try none.json()["metadata"] as? [String: Any])?["total"] as? Int == 0, "\(filter)")
            }
            let bad = try await t.request(.GET, "/api/v1/projects?stage=done&round_id=x&division=1", token: token)
            #expect(Set(try bad.problemFields()) == ["stage", "round_id", "division"])
        }
    }

    @Test func everyFieldRuleIsReportedAtOnce() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(
                .POST, "/api/v1/projects", token: token,
                json: [
                    "name": "", "investor_name": "公司", "credit_code": "91350100M000100Y44", "division_code": "141100",
                    "industry": "钢铁", "total_investment_fen": -5, "expected_annual_output_fen": 1.5, "contact_phone": "12345",
                    "milestones": [["stage": "started", "date": "2021-07-16"], ["stage": "signed", "date": "2021-08-01"]],
                ])
            #expect(res.status == .unprocessableEntity)
            let fields = Set(try res.problemFields())
            #expect(
                fields.isSuperset(of: [
                    "name", "credit_code", "division_code", "industry", "total_investment_fen",
                    "expected_annual_output_fen", "contact_phone",
                ]), "\(fields)")
            #expect(fields.contains { $0.hasPrefix("milestones.") })
            let messages = (try res.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(messages.contains { $0.contains("校验位错误") })
        }
    }

    @Test func patchNeedsTheCurrentETag() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let created = try await t.request(.POST, "/api/v1/projects", token: token, json: Self.body)
            let id = try #require(try created.json()["id"] as? String)
            let etag = try #require(created.headers.first(name: .eTag))
            let missing = try await t.request(.PATCH, "/api/v1/projects/\(id)", token: token, json: ["notes": "x"])
            #expect(missing.status == .preconditionRequired)
            let ok = try await t.request(.PATCH, "/api/v1/projects/\(id)", token: token, json: ["notes": "第一次修改"], headers: ["If-Match": etag])
            #expect(ok.status == .ok)
            let newTag = try #require(ok.headers.first(name: .eTag))
            #expect(newTag != etag)
            let stale = try await t.request(.PATCH, "/api/v1/projects/\(id)", token: token, json: ["notes": "覆盖"], headers: ["If-Match": etag])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.isProblem)
            let current = try await t.request(.GET, "/api/v1/projects/\(id)", token: token)
            #expect(try current.json()["notes"] as? String == "第一次修改")
            // A milestone change is a change too: the old tag goes stale.
            _ = try await t.request(.PUT, "/api/v1/projects/\(id)/milestones/signed", token: token, json: ["date": "2021-07-16"])
            let afterMilestone = try await t.request(
                .PATCH, "/api/v1/projects/\(id)", token: token, json: ["notes": "y"], headers: ["If-Match": newTag])
            #expect(afterMilestone.status == .preconditionFailed)
        }
    }

    @Test func milestonesMoveForwardOnly() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let id = try #require(try await t.request(.POST, "/api/v1/projects", token: token, json: Self.body).json()["id"] as? String)
            let path = "/api/v1/projects/\(id)/milestones"
            #expect(try await t.request(.PUT, "\(path)/started", token: token, json: ["date": "2021-08-01"]).status == .unprocessableEntity)
            #expect(try await t.request(.PUT, "\(path)/signed", token: token, json: ["date": "2021-07-16"]).status == .ok)
            let early = try await t.request(.PUT, "\(path)/started", token: token, json: ["date": "2021-07-01"])
            #expect(early.status == .unprocessableEntity)
            #expect((try early.json()["errors"] as? [[String: Any]])?.first?["message"] as? String == "「开工」日期不能早于「签约」日期")
            let started = try await t.request(.PUT, "\(path)/started", token: token, json: ["date": "2021-08-01"])
            #expect(try started.json()["stage"] as? String == "started")
            let blocked = try await t.request(.DELETE, "\(path)/signed", token: token)
            #expect(blocked.status == .conflict)
            #expect((try blocked.json()["detail"] as? String)?.contains("不能删除「签约」") == true)
            #expect(try await t.request(.PUT, "\(path)/finished", token: token, json: ["date": "2021-08-01"]).status == .notFound)
            #expect(try await t.request(.DELETE, "\(path)/producing", token: token).status == .notFound)
            let removed = try await t.request(.DELETE, "\(path)/started", token: token)
            #expect(try removed.json()["stage"] as? String == "signed")
        }
    }

    @Test func aReferencedRoundCannotBeDeleted() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let round = try await createRound(t, token: token)
            let unused = try await createRound(t, token: token, name: "2021年第四次", date: "2021-10-15")
            var body = Self.body
            body["milestones"] = [["stage": "signed", "date": "2021-07-16", "round_id": round]]
            _ = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
            let refused = try await t.request(.DELETE, "/api/v1/rounds/\(round)", token: token)
            #expect(refused.status == .conflict)
            #expect(refused.isProblem)
            #expect(try await t.request(.DELETE, "/api/v1/rounds/\(unused)", token: token).status == .noContent)
            let dup = try await t.request(.POST, "/api/v1/rounds", token: token, json: ["name": "2021年第三次", "date": "2021-07-16"])
            #expect(try dup.problemFields() == ["name"])
        }
    }

    @Test func changesAreAuditedWithPersonalDataMasked() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let id = try #require(try await t.request(.POST, "/api/v1/projects", token: token, json: Self.body).json()["id"] as? String)
            let res = try await t.request(.GET, "/api/v1/audit?entity_type=project&entity_id=\(id)", token: token)
            let raw = res.body.string
            #expect(raw.contains("project.create"))
            #expect(!raw.contains("13912345678"))
            #expect(raw.contains("139****5678"))
            #expect(!raw.contains("王建国"))
        }
    }
}

@Suite struct ProjectSummaryTests {
    /// The demo's 2021-07-16 round gives the article's figures, through the API.
    @Test func demoReproducesTheArticle() async throws {
        try await TestApp.with { t in
            let count = try await DemoData.load(on: t.db)
            #expect(count > 150)
            let token = try await t.adminToken()
            let rounds = try #require(try await t.request(.GET, "/api/v1/rounds", token: token).json()["items"] as? [[String: Any]])
            let july = try #require(rounds.first { $0["date"] as? String == "2021-07-16" }?["id"] as? String)
            let res = try await t.request(.GET, "/api/v1/projects/summary?round_id=\(july)", token: token)
            let rows = try #require(try res.json()["rows"] as? [[String: Any]])
            func row(_ stage: String) -> (Int, Int64) {
                let r = rows.first { $0["stage"] as? String == stage }
                return (r?["count"] as? Int ?? -1, Int64(r?["total_investment_fen"] as? Int ?? -1))
            }
            #expect(row("signed") == (42, 1_836_100_000_000))
            #expect(row("started") == (34, 795_400_000_000))
            #expect(row("producing") == (18, 149_700_000_000))
            #expect(rows.allSatisfy { $0.keys.contains("group") && $0["group"] is NSNull })
            #expect(Fen.yiText(1_836_100_000_000) == "183.61亿元")
            // January–May 2021, by date range.
            let spring = try await t.request(.GET, "/api/v1/projects/summary?from=2021-01-01&to=2021-05-31", token: token)
            let springRows = try #require(try spring.json()["rows"] as? [[String: Any]])
            let signed = springRows.first { $0["stage"] as? String == "signed" }
            let producing = springRows.first { $0["stage"] as? String == "producing" }
            #expect(signed?["count"] as? Int == 49)
            #expect(signed?["total_investment_fen"] as? Int == 2_410_000_000_000)
            #expect(producing?["count"] as? Int == 33)
            #expect(producing?["expected_annual_output_fen"] as? Int == 2_180_000_000_000)
        }
    }

    @Test func groupingsAddUpToTheStageTotals() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let token = try await t.adminToken()
            let byStage = try #require(try await t.request(.GET, "/api/v1/projects/summary", token: token).json()["rows"] as? [[String: Any]])
            for grouping in ["division", "industry"] {
                let rows = try #require(
                    try await t.request(.GET, "/api/v1/projects/summary?group_by=\(grouping)", token: token).json()["rows"] as? [[String: Any]])
                for stageRow in byStage {
                    let stage = stageRow["stage"] as? String
                    let parts = rows.filter { $0["stage"] as? String == stage }
                    #expect(parts.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == stageRow["count"] as? Int)
                    #expect(parts.reduce(0) { $0 + ($1["total_investment_fen"] as? Int ?? 0) } == stageRow["total_investment_fen"] as? Int)
                    #expect(parts.allSatisfy { ($0["group"] as? String)?.isEmpty == false })
                }
            }
            let counties = try #require(
                try await t.request(.GET, "/api/v1/projects/summary?group_by=division", token: token).json()["rows"] as? [[String: Any]])
            #expect(Set(counties.compactMap { $0["group"] as? String }).count == 13)
        }
    }

    @Test func aCountySeesOnlyItsOwnFigures() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            try await t.createUser("lin.view", role: .viewer, division: "141124")
            let token = try await t.token("lin.view")
            let rows = try #require(
                try await t.request(.GET, "/api/v1/projects/summary?group_by=division", token: token).json()["rows"] as? [[String: Any]])
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0["group"] as? String == "141124" })
            let other = try #require(
                try await t.request(.GET, "/api/v1/projects/summary?division=141123", token: token).json()["rows"] as? [[String: Any]])
            #expect(other.allSatisfy { $0["count"] as? Int == 0 })
        }
    }

    /// One statement, however many projects: no N+1.
    @Test func summaryIsOneQuery() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            for grouping in ProjectSummary.Grouping.allCases {
                let counter = QueryCounter()
                let req = counter.request(on: t.app)
                let rows = try await ProjectSummary.run(.init(groupBy: grouping), scope: DivisionScope(DivisionCode("141100")!), on: req.db)
                #expect(!rows.isEmpty)
                #expect(counter.statements.count == 1, "\(grouping): \(counter.statements)")
            }
        }
    }

    @Test func demoRefusesADatabaseWithData() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            await #expect(throws: DemoRefused.self) { _ = try await DemoData.load(on: t.db) }
        }
    }
}
