import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct IndicatorPagesTests {
    typealias B = IndicatorBodies

    @Test func catalogueIndicatorValuesEntryAndHistory() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let token = try await t.adminToken()
            try await t.createIndicator(B.computed("projects.signed.count", name: "签约项目数", stage: "signed", measure: "count"), token: token)
            let web = WebClient(t)
            try await web.signIn()
            let list = try await web.get("/indicators")
            #expect(list.status == .ok)
            #expect(
                list.body.string.contains("签约项目数") && list.body.string.contains("id=\"new-indicator\"")
                    && list.body.string.contains("id=\"import-form\""))
            // A new manual indicator through the form; a bad form keeps every problem.
            let bad = try await web.post("/indicators", form: ["code": "Bad", "name": "", "direction": "higher_is_better", "source_type": "manual"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-field=\"code\"") && bad.body.string.contains("data-field=\"name\""))
            let created = try await web.post(
                "/indicators",
                form: [
                    "code": "skills.trainees", "name": "职业技能培训参训人数", "unit": "人", "decimals": "0", "direction": "higher_is_better",
                    "roll_up": "sum", "division_code": "141100", "source_type": "manual",
                ])
            #expect(created.status == .seeOther, "\(created.body.string)")
            // Values by county, each linked to the list of projects it counts.
            let show = try await web.get("/indicators/projects.signed.count?period=2021-01..2021-05")
            let html = show.body.string
            #expect(html.contains("2021年1—5月"))
            #expect(
                html.contains(#"<a href="/projects?division=141100&amp;milestone_stage=signed&amp;from=2021-01-01&amp;to=2021-05-31">49个</a>"#),
                "\(html)")
            #expect(html.components(separatedBy: "data-division=").count - 1 == 14)
            #expect(!html.contains("id=\"value-form\""), "a computed indicator has no entry form")
            // Manual entry through the page, then its history.
            let entered = try await web.post(
                "/indicators/skills.trainees/values",
                form: ["division_code": "141100", "period": "2021-H1", "value": "19,000", "note": "人人持证", "source_document": "吕梁日报"])
            #expect(entered.status == .seeOther, "\(entered.body.string)")
            let refused = try await web.post(
                "/indicators/skills.trainees/values", form: ["division_code": "141100", "period": "2021-H3", "value": "x"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("data-field=\"period\"") && refused.body.string.contains("data-field=\"value\""))
            let history = try await web.get("/indicators/skills.trainees/history?division=141100&period=2021-H1")
            #expect(history.body.string.contains("19000人") && history.body.string.contains("吕梁日报") && history.body.string.contains("页面"))
            let manual = try await web.get("/indicators/skills.trainees?period=2021-H1")
            #expect(manual.body.string.contains(#"href="/indicators/skills.trainees/history?division=141100&amp;period=2021-H1">19000人</a>"#))
            #expect(manual.body.string.contains("id=\"value-form\""))
        }
    }

    @Test func rankingTargetsAndPeersPagesNameTheirGroupsAndRule() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.manual("air.pm25", name: "PM2.5平均浓度", unit: "μg/m³", direction: "lower_is_better"), token: token)
            try await t.createIndicator(B.manual("health.primary_visit_rate", name: "基层就诊率", unit: "%", decimals: 1), token: token)
            try await t.putValue("air.pm25", period: "2021-01..2021-05", value: 38, token: token)
            _ = try await t.request(
                .PUT, "/api/v1/indicators/air.pm25/peer-values", token: token,
                json: ["member_code": "140100", "period": "2021-01..2021-05", "value": 60])
            _ = try await t.request(
                .POST, "/api/v1/targets", token: token,
                json: [
                    "indicator": "health.primary_visit_rate", "division_code": "141100", "value": 65, "due": "2022-12-31", "baseline_period": "2020",
                    "baseline_value": 50,
                ])
            try await t.putValue("health.primary_visit_rate", period: "2021-H1", value: 58, token: token)
            let web = WebClient(t)
            try await web.signIn()
            let ranking = try await web.get("/indicators/air.pm25/ranking?group=%E5%B1%B1%E8%A5%BF%E7%9C%81&period=2021-01..2021-05")
            #expect(ranking.status == .ok)
            #expect(ranking.body.string.contains("山西省(2003年划定)11个城市(其中2个有数据)"))
            #expect(ranking.body.string.contains("<svg class=\"bar-chart\""))
            let targets = try await web.get("/indicators/targets?as_of=2021-07-01")
            let html = targets.body.string
            #expect(html.contains("<strong>按期可达</strong>"), "the rule is written on the page")
            #expect(html.contains("data-status=\"on_track\"") && html.contains("<svg class=\"ind-progress\""))
            #expect(html.contains(#"class="ind-progress-fill ind-status-on_track" x="0" y="2" width="87""#), "53 % of a 164-wide bar")
            let made = try await web.post(
                "/indicators/targets",
                form: ["indicator": "health.primary_visit_rate", "division_code": "141100", "value": "70", "due": "2023-12-31"])
            #expect(made.status == .seeOther)
            let wrong = try await web.post(
                "/indicators/targets", form: ["indicator": "health.primary_visit_rate", "division_code": "141100", "value": "", "due": ""])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("data-field=\"due\""))
            let peers = try await web.get("/indicators/peers")
            #expect(peers.body.string.contains("汾渭平原(2018年划定)11个城市") && peers.body.string.contains("西安(610100)"))
            let group = try await web.post("/indicators/peers", form: ["name": "测试组", "year": "2021", "members": "甲,A1\n乙,B2"])
            #expect(group.status == .seeOther)
        }
    }

    @Test func dashboardTilesAreChosenPerDivisionAndPrintWithoutNavigation() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let token = try await t.adminToken()
            try await t.createIndicator(B.computed("projects.signed.count", name: "签约项目数", stage: "signed", measure: "count"), token: token)
            try await t.createIndicator(B.manual("rural.industry_fund", name: "产业帮扶资金", unit: "亿元", decimals: 2), token: token)
            try await t.putValue("rural.industry_fund", period: "2021", value: "5.88", token: token)
            try await t.putValue("rural.industry_fund", period: "2020", value: "5.126", token: token)
            _ = try await t.request(.PUT, "/api/v1/dashboards/141100", token: token, json: ["items": []])
            let web = WebClient(t)
            try await web.signIn()
            let saved = try await web.post(
                "/indicators/dashboard/edit",
                form: [
                    "division": "141100", "show.projects.signed.count": "on", "order.projects.signed.count": "2",
                    "kind.projects.signed.count": "quarter",
                    "show.rural.industry_fund": "on", "order.rural.industry_fund": "1", "kind.rural.industry_fund": "year",
                ])
            #expect(saved.status == .seeOther)
            let page = try await web.get("/indicators/dashboard?as_of=2021-12-31")
            let html = page.body.string
            let fund = try #require(html.range(of: "data-indicator=\"rural.industry_fund\""))
            let signed = try #require(html.range(of: "data-indicator=\"projects.signed.count\""))
            #expect(fund.lowerBound < signed.lowerBound, "the chosen order")
            #expect(html.contains("5.88亿元") && html.contains("环比增长14.7%"))
            #expect(html.contains("<svg class=\"ind-sparkline\"") && html.contains("<polyline class=\"ind-spark-line\""))
            // Q4 2021: the October round signed 20 projects and 14 of the July round's started… signed only counts signatures.
            let q4 = try await t.valueRows("projects.signed.count", query: "period=2021-Q4", token: token)
            #expect(html.contains(">\(q4[0]["value"] as! Int)个</a>"))
            // A county without its own choice shows the city's, computed for itself.
            let county = try await web.get("/indicators/dashboard?division=141124&as_of=2021-12-31")
            #expect(county.body.string.contains("指标由吕梁市选定") && county.body.string.contains("临县指标看板"))
            let api = try await t.request(.GET, "/api/v1/dashboards/141124?as_of=2021-12-31", token: token)
            let body = try api.json()
            #expect(body["chosen_by"] as? String == "141100")
            let tiles = try #require(body["tiles"] as? [[String: Any]])
            #expect(tiles.map { $0["indicator"] as? String } == ["rural.industry_fund", "projects.signed.count"])
            #expect((tiles[0]["latest"] as? [String: Any]) == nil, "nothing entered for 临县")
            #expect((tiles[1]["sparkline"] as? [[String: Any]])?.count == 12)
            let css = try await t.app.testing().sendRequest(.GET, "/css/app.css")
            #expect(css.body.string.contains("@media print") && css.body.string.contains("size: A4"))
            try await t.createUser("lin", role: .viewer, division: "141124")
            let lin = WebClient(t)
            try await lin.signIn("lin", password: TestApp.password)
            #expect(try await lin.get("/indicators/dashboard?division=141123").status == .notFound)
            #expect(try await lin.get("/indicators/dashboard/edit?division=141124").status == .forbidden)
        }
    }
}
