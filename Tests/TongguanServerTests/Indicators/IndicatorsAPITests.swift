import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct IndicatorsAPITests {
    typealias B = IndicatorBodies

    @Test func computedIndicatorsCountTheRecordsForAnyPeriodAndDivision() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let token = try await t.adminToken()
            try await t.createIndicator(B.computed("projects.signed.count", name: "签约项目数", stage: "signed", measure: "count"), token: token)
            try await t.createIndicator(
                B.computed("projects.signed.investment", name: "签约项目总投资", stage: "signed", measure: "investment", unit: "亿元", scale: 10, decimals: 2),
                token: token)
            // Jan–May 2021: 49 projects, 241亿元 (an integer in 亿元, so a JSON number).
            let rows = try await t.valueRows("projects.signed.count", query: "period=2021-01..2021-05", token: token)
            #expect(rows.count == 1)
            #expect(rows[0]["value"] as? Int == 49)
            #expect(rows[0]["division_code"] as? String == "141100")
            let source = try #require(rows[0]["source"] as? [String: Any])
            #expect(source["kind"] as? String == "computed")
            let link = try #require(source["link"] as? String)
            #expect(
                link.hasPrefix("/projects?") && link.contains("milestone_stage=signed") && link.contains("from=2021-01-01")
                    && link.contains("to=2021-05-31"))
            #expect(try await t.rawValue("projects.signed.investment", query: "period=2021-01..2021-05", token: token) == "241")
            // The July round's day: 183.61亿元 is not an integer, so it travels as a string.
            #expect(try await t.rawValue("projects.signed.investment", query: "period=2021-07-16", token: token) == "\"183.61\"")
            let display = try await t.valueRows("projects.signed.investment", query: "period=2021-07-16", token: token)
            #expect(display[0]["display"] as? String == "183.61亿元")
            // The list behind the link holds exactly the projects counted.
            let listed = try await t.request(.GET, "/api/v1" + link, token: token)
            #expect((try listed.json()["metadata"] as? [String: Any])?["total"] as? Int == 49)
            // Per county: the 13 counties add up to the city's figure.
            let counties = try await t.valueRows("projects.signed.count", query: "period=2021-01..2021-05&group_by=division", token: token)
            #expect(counties.count == 13)
            #expect(counties.compactMap { $0["value"] as? Int }.reduce(0, +) == 49)
            let lin = try await t.valueRows("projects.signed.count", query: "period=2021-01..2021-05&division=141124", token: token)
            #expect(lin[0]["value"] as? Int == counties.first { $0["division_code"] as? String == "141124" }?["value"] as? Int)
            // Periods written every way; bad ones are problems.
            for period in ["2021", "2021-H1", "2021-Q2", "2021-05", "2021-05-20"] {
                #expect(try await t.request(.GET, "/api/v1/indicators/projects.signed.count/values?period=\(period)", token: token).status == .ok)
            }
            let bad = try await t.request(.GET, "/api/v1/indicators/projects.signed.count/values?period=2021-13&group_by=county", token: token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.problemFields()) == ["period", "group_by"])
            let missing = try await t.request(.GET, "/api/v1/indicators/projects.signed.count/values", token: token)
            #expect(try missing.problemFields() == ["period"])
        }
    }

    @Test func aRatioOfTwoQueriesIsExactAndShownInPercent() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let token = try await t.adminToken()
            var body = B.computed("projects.start.ratio", name: "签约项目开工比例", stage: "started", measure: "count", unit: "%", scale: -2, decimals: 1)
            var source = body["source"] as! [String: Any]
            source["denominator"] = ["kind": "projects.summary", "parameters": ["stage": "signed", "measure": "count"]]
            body["source"] = source
            try await t.createIndicator(body, token: token)
            // 41 started ÷ 49 signed in January–May.
            let rows = try await t.valueRows("projects.start.ratio", query: "period=2021-01..2021-05", token: token)
            #expect(rows[0]["value"] as? String == "83.67346939")
            #expect(rows[0]["display"] as? String == "83.7%")
            // No project signed in a month: the ratio is not 0 but unavailable, with the reason.
            let empty = try await t.valueRows("projects.start.ratio", query: "period=2021-02", token: token)
            #expect(empty[0]["value"] is NSNull)
            #expect(empty[0]["reason"] as? String == "分母为0,比值无意义")
        }
    }

    @Test func definitionsAreCheckedAgainstTheRegisteredQueryKinds() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let res = try await t.request(
                .POST, "/api/v1/indicators", token: token,
                json: [
                    "code": "Bad Code", "name": "", "direction": "up", "roll_up": "sum", "division_code": "141123x",
                    "source": ["type": "computed", "query": ["kind": "nothing.registered", "parameters": ["measure": "received"]]],
                ])
            #expect(res.status == .unprocessableEntity)
            let fields = Set(try res.problemFields())
            #expect(fields.isSuperset(of: ["code", "name", "direction", "division_code", "source.query.kind"]), "\(fields)")
            let messages = (try res.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(messages.contains { $0.contains("未知的查询类型「nothing.registered」") && $0.contains("projects.summary") })
            let params = try await t.request(
                .POST, "/api/v1/indicators", token: token,
                json: [
                    "code": "projects.x", "name": "x", "direction": "higher_is_better",
                    "source": ["type": "computed", "query": ["kind": "projects.summary", "parameters": ["stage": "done", "colour": "red"]]],
                ])
            #expect(
                Set(try params.problemFields()) == [
                    "source.query.parameters.stage", "source.query.parameters.colour", "source.query.parameters.measure",
                ])
            try await t.createIndicator(B.manual("air.pm25", name: "PM2.5平均浓度", unit: "μg/m³"), token: token)
            let twice = try await t.request(.POST, "/api/v1/indicators", token: token, json: B.manual("air.pm25", name: "重复", unit: "个"))
            #expect(try twice.problemFields() == ["code"])
            let kinds = try await t.request(.GET, "/api/v1/query-kinds", token: token)
            let items = try #require(try kinds.json()["items"] as? [[String: Any]])
            #expect(items.contains { $0["kind"] as? String == "projects.summary" })
            try await t.createUser("op", role: .operator, division: "141100")
            let op = try await t.token("op")
            #expect(try await t.request(.POST, "/api/v1/indicators", token: op, json: B.manual("a.b", name: "x", unit: "个")).status == .forbidden)
        }
    }

    @Test func patchNeedsTheETagKeepsTheCodeAndAManualIndicatorWithValuesStaysManual() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.manual("skills.trainees", name: "参训人数", unit: "人"), token: token)
            let read = try await t.request(.GET, "/api/v1/indicators/skills.trainees", token: token)
            let etag = try #require(read.headers.first(name: .eTag))
            #expect(
                try await t.request(.PATCH, "/api/v1/indicators/skills.trainees", token: token, json: ["name": "x"]).status == .preconditionRequired)
            let ok = try await t.request(
                .PATCH, "/api/v1/indicators/skills.trainees", token: token, json: ["name": "职业技能培训参训人数"], headers: ["If-Match": etag])
            #expect(ok.status == .ok)
            #expect(try ok.json()["name"] as? String == "职业技能培训参训人数")
            let stale = try await t.request(
                .PATCH, "/api/v1/indicators/skills.trainees", token: token, json: ["unit": "万人"], headers: ["If-Match": etag])
            #expect(stale.status == .preconditionFailed)
            try await t.putValue("skills.trainees", period: "2021-H1", value: 19000, token: token)
            let tag = try #require(try await t.request(.GET, "/api/v1/indicators/skills.trainees", token: token).headers.first(name: .eTag))
            let change = try await t.request(
                .PATCH, "/api/v1/indicators/skills.trainees", token: token,
                json: [
                    "code": "skills.other",
                    "source": ["type": "computed", "query": ["kind": "projects.summary", "parameters": ["stage": "signed", "measure": "count"]]],
                ], headers: ["If-Match": tag])
            #expect(Set(try change.problemFields()) == ["code", "source.type"])
        }
    }

    @Test func manualValuesAreExactKeepTheirHistoryAndRollUpOnlyAsTheIndicatorSays() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.manual("rural.industry_fund", name: "市级财政产业帮扶资金", unit: "亿元", decimals: 2), token: token)
            let put = try await t.putValue("rural.industry_fund", period: "2021", value: "5.88", note: "来源:吕梁日报", token: token)
            #expect(put.status == .ok, "\(put.body.string)")
            #expect(try put.json()["value"] as? String == "5.88")
            #expect(try await t.rawValue("rural.industry_fund", query: "period=2021", token: token) == "\"5.88\"")
            let again = try await t.putValue("rural.industry_fund", period: "2021", value: "5.9", token: token)
            #expect(try again.json()["display"] as? String == "5.90亿元")
            let history = try await t.request(.GET, "/api/v1/indicators/rural.industry_fund/values/history?period=2021", token: token)
            let items = try #require(try history.json()["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items[0]["value"] as? String == "5.9" && items[0]["before"] as? String == "5.88")
            #expect(items[1]["before"] is NSNull && items[1]["note"] as? String == "来源:吕梁日报")
            #expect(items.allSatisfy { $0["entered_by"] as? String == "admin" && $0["channel"] as? String == "api" })
            let row = try await t.valueRows("rural.industry_fund", query: "period=2021", token: token)[0]
            #expect((row["source"] as? [String: Any])?["link"] as? String == "/indicators/rural.industry_fund/history?division=141100&period=2021")
            // Nothing entered for 2020: a gap naming the period, never 0.
            let gap = try await t.valueRows("rural.industry_fund", query: "period=2020", token: token)[0]
            #expect(gap["value"] is NSNull && gap["missing"] as? [String] == ["2020"])

            // Months roll up into a range only for an indicator that says sum; exactly.
            try await t.createIndicator(B.manual("ecology.afforestation", name: "退耕还林面积", unit: "万亩", decimals: 1, rollUp: "sum"), token: token)
            try await t.createIndicator(B.manual("ecology.plain", name: "不汇总", unit: "万亩"), token: token)
            for (m, v) in [("01", "0.1"), ("02", "0.2"), ("03", "10"), ("04", "30.7"), ("05", "41")] {
                #expect(try await t.putValue("ecology.afforestation", period: "2021-\(m)", value: v, token: token).status == .ok)
                #expect(try await t.putValue("ecology.plain", period: "2021-\(m)", value: v, token: token).status == .ok)
            }
            #expect(try await t.rawValue("ecology.afforestation", query: "period=2021-01..2021-02", token: token) == "\"0.3\"")
            #expect(try await t.rawValue("ecology.afforestation", query: "period=2021-01..2021-05", token: token) == "82")
            let half = try await t.valueRows("ecology.afforestation", query: "period=2021-H1", token: token)[0]
            #expect(half["value"] is NSNull && half["missing"] as? [String] == ["2021-06"])
            let plain = try await t.valueRows("ecology.plain", query: "period=2021-01..2021-05", token: token)[0]
            #expect(plain["value"] is NSNull && plain["missing"] as? [String] == ["2021-01..2021-05"])
        }
    }

    @Test func valueEntryIsRefusedWhereItMakesNoSense() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.computed("projects.signed.count", name: "签约项目数", stage: "signed", measure: "count"), token: token)
            try await t.createIndicator(B.manual("health.talents", name: "引进医学人才", unit: "名"), token: token)
            let computed = try await t.putValue("projects.signed.count", period: "2021", value: 42, token: token)
            #expect(computed.status == .conflict)
            #expect(computed.isProblem)
            let bad = try await t.request(
                .PUT, "/api/v1/indicators/health.talents/values", token: token,
                json: ["division_code": "999999", "period": "2021-Q5", "value": 1.5, "extra": true])
            #expect(Set(try bad.problemFields()) == ["division_code", "period", "value", "extra"])
            let messages = (try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(messages.contains("非整数数值须写成字符串,如 \"183.61\""))
            #expect(try await t.request(.GET, "/api/v1/indicators/no.such/values?period=2021", token: token).status == .notFound)
            try await t.createUser("viewer", role: .viewer, division: "141100")
            let viewer = try await t.token("viewer")
            #expect(try await t.putValue("health.talents", period: "2021", value: 300, token: viewer).status == .forbidden)
        }
    }
}
