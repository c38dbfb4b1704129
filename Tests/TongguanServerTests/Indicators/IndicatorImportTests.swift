import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct IndicatorImportTests {
    typealias B = IndicatorBodies
    static let header = "指标编码,区划代码,期间,数值,备注\n"

    @Test func theValuesSheetImportsAllOrNothingAndTakesPeerCities() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.manual("air.pm25", name: "PM2.5平均浓度", unit: "μg/m³", direction: "lower_is_better"), token: token)
            try await t.createIndicator(B.manual("skills.trained", name: "职业技能培训人数", unit: "人"), token: token)
            try await t.createIndicator(
                B.computed("projects.signed.count", name: "签约项目数", stage: "signed", measure: "count"), token: token)
            // Every problem of every row, nothing written.
            let bad =
                Self.header + "air.pm25,141100,2021-01..2021-05,38,\nskills.trained,141100,2021-H3,1,\nprojects.signed.count,141100,2021,5,\n"
                + "air.pm25,999900,2021-01..2021-05,40,\nskills.trained,141124,2021-H1,八千,\nair.pm25,141100,2021-01..2021-05,39,重复\n"
            let refused = try await t.importFile("/api/v1/indicator-values/import", Data(bad.utf8), token: token)
            try expectProblem(refused, .unprocessableEntity)
            let rows = try #require(try refused.json()["rows"] as? [[String: Any]])
            let cells = Set(rows.map { "\($0["row"] as! Int)/\($0["column"] as! String)" })
            #expect(cells == ["3/期间", "4/指标编码", "6/数值", "7/期间"], "\(rows)")
            let unknown = Self.header + "air.pm25,999900,2021-01..2021-05,40,\n"
            let notMember = try await t.importFile("/api/v1/indicator-values/import", Data(unknown.utf8), token: token)
            #expect(notMember.body.string.contains("不存在,也不是任何比较组的成员"))
            #expect(try await t.valueRows("air.pm25", query: "period=2021-01..2021-05", token: token)[0]["value"] is NSNull)

            let good =
                Self.header + "air.pm25,141100,2021-01..2021-05,38,生态环境局\nair.pm25,610100,2021-01..2021-05,61,\n"
                + "skills.trained,141100,2021-H1,\"19,000\",\nskills.trained,141124,2021-H1,1200,\n"
            let dry = try await t.importFile("/api/v1/indicator-values/import?dry_run=true", Data(good.utf8), token: token)
            let dryReport = try dry.json()
            #expect(dryReport["applied"] as? Bool == false && dryReport["created"] as? Int == 3 && dryReport["peer_values"] as? Int == 1)
            #expect(
                try await t.valueRows("air.pm25", query: "period=2021-01..2021-05", token: token)[0]["value"] is NSNull, "a dry run writes nothing")
            let done = try await t.importFile("/api/v1/indicator-values/import", Data(good.utf8), token: token)
            #expect(done.status == .ok)
            #expect(try done.json()["applied"] as? Bool == true)
            #expect(try await t.valueRows("air.pm25", query: "period=2021-01..2021-05", token: token)[0]["value"] as? Int == 38)
            #expect(try await t.valueRows("skills.trained", query: "period=2021-H1&division=141124", token: token)[0]["value"] as? Int == 1200)
            let ranking = try await t.request(.GET, "/api/v1/indicators/air.pm25/ranking?group=汾渭平原&period=2021-01..2021-05", token: token)
            let ranked = try #require(try ranking.json()["rows"] as? [[String: Any]])
            #expect(ranked.prefix(2).map { "\($0["member"] as? String ?? "")\($0["rank"] as? Int ?? 0)" } == ["吕梁1", "西安2"])
            #expect(ranked.dropFirst(2).allSatisfy { $0["rank"] is NSNull }, "members without a value are not ranked")
            let history = try await t.request(.GET, "/api/v1/indicators/air.pm25/values/history?period=2021-01..2021-05", token: token)
            #expect(history.body.string.contains("\"channel\":\"import\"") && history.body.string.contains("生态环境局"))
            let again = try await t.importFile("/api/v1/indicator-values/import", Data(good.utf8), token: token)
            #expect(try again.json()["unchanged"] as? Int == 3 && (try again.json()["peer_values"] as? Int) == 0)

            // A county editor imports its own county only, and no peer values of the city's indicators.
            try await t.createUser("lin", role: .operator, division: "141124")
            let lin = try await t.token("lin")
            let county = Self.header + "skills.trained,141124,2021-Q1,300,\nskills.trained,141123,2021-Q1,1,\nair.pm25,610200,2021-01..2021-05,46,\n"
            let outside = try await t.importFile("/api/v1/indicator-values/import", Data(county.utf8), token: lin)
            let lines = try #require(try outside.json()["rows"] as? [[String: Any]]).map { $0["row"] as? Int }
            #expect(lines == [3, 4], "\(outside.body.string)")
            // The page's upload form answers with the report page.
            let web = WebClient(t)
            try await web.signIn()
            var (headers, body) = TestApp.multipart(fields: [("csrf_token", web.csrf ?? "")], file: Data(good.utf8), filename: "v.csv")
            headers.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let page = try await t.app.testing().sendRequest(.POST, "/indicators/import", headers: headers, body: body)
            #expect(page.status == .ok && page.body.string.contains("导入完成"), "\(page.body.string)")
        }
    }
}
