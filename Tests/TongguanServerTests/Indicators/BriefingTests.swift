import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct BriefingTests {
    typealias B = IndicatorBodies

    /// The 指标 demo, and with `records` the 诉求 and 台账 demos its computed figures count.
    static func loadDemo(_ t: TestApp, records: Bool = false) async throws {
        _ = try await DemoData.load(on: t.db)
        let actor = AuditActor(name: "demo", requestID: "demo", clientAddress: "local")
        let demo = DemoContext(app: t.app, actor: actor, scope: DivisionScope(DivisionCode("141100")!))
        if records {
            _ = try await CaseDemo.load(demo)
            _ = try await LedgerDemo.load(demo)
        }
        _ = try await IndicatorDemo.load(demo)
    }

    static func demoID(_ t: TestApp, token: String) async throws -> String {
        let list = try await t.request(.GET, "/api/v1/briefings", token: token).json()
        let items = try #require(list["items"] as? [[String: Any]])
        return try #require(items.first { $0["name"] as? String == IndicatorDemo.templateName }?["id"] as? String)
    }

    /// The demo template renders the article's figures from the 项目, 诉求 and 台账 records
    /// (each a link to the records it counts) and the values entered; the one figure no
    /// record holds is a gap; a new project changes the count.
    @Test func theDemoBriefingStatesTheArticlesFiguresAndMarksWhatIsPending() async throws {
        try await TestApp.with { t in
            try await Self.loadDemo(t, records: true)
            let token = try await t.adminToken()
            let id = try await Self.demoID(t, token: token)
            let res = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=md", token: token)
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.description.hasPrefix("text/markdown") == true)
            let md = res.body.string
            // The figures, each followed by its footnote reference.
            func figure(_ before: String, _ value: String, _ after: String) -> Bool {
                md.range(of: before + value + #"\[\^[0-9]+\]"# + after, options: .regularExpression) != nil
            }
            let expected: [(String, String, String)] = [
                ("签约项目", "42", "个、总投资"), ("总投资", "183.61", "亿元,开工"), ("开工项目", "34", "个"), ("总投资", "79.54", "亿元,投产"),
                ("投产项目", "18", "个、总投资"), ("总投资", "14.97", "亿元。"), ("累计签约项目", "49", "个"), ("总投资", "241", "亿元,开工项目"),
                ("开工项目", "41", "个、总投资"), ("总投资", "106", "亿元,投产项目"), ("投产项目", "33", "个、预计年产值"), ("预计年产值", "218", "亿元"),
                ("合作项目", "12", "个"), ("改革,完成", "96", "项涉企事项"), ("审批制度改革,", "951", "个事项实现全程网上办理"),
                ("网上办理,", "219", "个事项纳入一窗受理"), ("推介活动", "11", "场"),
                ("产业帮扶资金", "5.88", "亿元"), ("亿元,", "增长14.7%", "。"), ("农业项目", "176", "个"), ("总投资", "105", "亿元;"),
                ("第一产业增加值", "22.9", "亿元"), ("亿元,", "增长10.2%", "。组建"), ("专家服务团", "13", "个"), ("培训农民", "4940", "人次"),
                ("选派驻村工作队", "1465", "个,队员"), ("队员", "4494", "人,其中第一书记"), ("其中第一书记", "1263", "人;"), ("示范村", "100", "个"),
                ("文化惠民活动", "21", "场"), ("软弱涣散村党组织", "136", "个。"),
                ("退耕还林", "82", "万亩"), ("焦化产能", "140", "万吨"), ("压减任务", "832", "万吨"),
                ("在", "山西省(2003年划定)11个城市中最低", "、"), ("在", "汾渭平原(2018年划定)11个城市中最低", "。"),
                ("技能培训", "1.9", "万人"), ("，?", "1.1", "万人取得证书"), ("学校", "25", "所"), ("撤并", "145", "所"),
                ("全市", "90", "万人完成"), ("能力达", "4", "万份"), ("医疗人才约", "300", "名"), ("基层就诊率达到", "65", "%"),
                ("县域就诊率达到", "90", "%"), ("共派出", "308", "组"), ("组", "1050", "人开展安全生产巡回检查"),
                ("市领导", "7", "批次深入人大代表联络站"), ("收集问题", "269", "个,办结"), ("办结", "132", "个;"), ("带头包案", "67", "件、化解"),
                ("化解", "52", "件,中央联席办"), ("中央联席办交办的", "1905", "件信访积案"), ("已化解", "1794", "件。"),
            ]
            for (before, value, after) in expected {
                #expect(figure(before, NSRegularExpression.escapedPattern(for: value), after), "\(before)\(value)\(after)")
            }
            // The 中博会 round is not among the 项目 records: a gap naming why, never a 0.
            #expect(md.contains("中博会上签约项目【缺:签约项目数 第十二届中博会】"))
            #expect(md.contains("活动批次「第十二届中博会」不存在"))
            // Every 诉求 and 台账 indicator is computed (no gap, no manual value behind it); the
            // 中博会 round is the only gap.
            for spec in IndicatorDemo.specs where ["cases.stats", "ledger.aggregate"].contains(spec.query?.kind) {
                #expect(!md.contains("【缺:\(spec.name)"), "\(spec.code)")
                #expect(!IndicatorDemo.values.contains { $0.0 == spec.code }, "\(spec.code)")
            }
            #expect(md.hasPrefix("> 本简报有2处数据缺失"), "\(md.prefix(400))")
            #expect(md.contains("]: 市领导包案信访事项(cases.owned)"))
            // Footnotes name indicator, parameters and the time of computation.
            #expect(md.contains("]: 签约项目数(projects.signed.count);区划:吕梁市(141100);批次:2021年第三次;计算于"))
            #expect(md.contains("比较组:汾渭平原(2018年划定,11个城市)"))

            // HTML: every figure links to its records; the link lists exactly what it counts.
            let html = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=html", token: token).body.string
            #expect(html.hasPrefix("<!doctype html>") && html.contains("<ol class=\"briefing-footnotes\">"))
            let pattern = #"<a class="figure" href="([^"]+)">42</a>"#
            let match = try #require(html.range(of: pattern, options: .regularExpression))
            let href = String(html[match]).replacingOccurrences(of: #"<a class="figure" href=""#, with: "")
                .replacingOccurrences(of: "\">42</a>", with: "").replacingOccurrences(of: "&amp;", with: "&")
            #expect(href.hasPrefix("/projects?") && href.contains("milestone_stage=signed"))
            let web = WebClient(t)
            try await web.signIn()
            #expect(try await web.get(href).body.string.contains("共 <strong>42</strong> 个项目"))
            #expect(
                html.contains(
                    #"<a class="figure" href="/indicators/air.pm25/ranking?group=%E5%B1%B1%E8%A5%BF%E7%9C%81&amp;group_year=2003&amp;period=2021-01..2021-05">"#
                ))
            // The 诉求 and 台账 figures link to the cases and items they count; a list behind a
            // count shows that many records.
            func figureLink(_ value: String, _ prefix: String) -> String {
                let escaped = NSRegularExpression.escapedPattern(for: prefix)
                let anchor = #"<a class="figure" href="\#(escaped)[^"]*">\#(value)</a>"#
                guard let found = html.range(of: anchor, options: .regularExpression) else {
                    Issue.record("no figure \(value) linking to \(prefix)")
                    return prefix
                }
                return String(html[found]).replacingOccurrences(of: #"<a class="figure" href=""#, with: "")
                    .replacingOccurrences(of: "\">\(value)</a>", with: "").replacingOccurrences(of: "&amp;", with: "&")
            }
            for value in ["269", "132", "67", "52", "1905", "1794"] {
                let page = try await web.get(figureLink(value, "/cases?"))
                #expect(page.status == .ok && page.body.string.contains("共 <strong>\(value)</strong> 件"), "\(value)")
            }
            #expect(figureLink("7", "/cases?").contains("source=liaison_station"))
            for value in ["4494", "1263", "136", "308", "951", "219", "96"] {
                let page = try await web.get(figureLink(value, "/ledgers/"))
                #expect(page.status == .ok && page.body.string.contains("共 <strong>\(value)</strong> 条"), "\(value)")
            }
            #expect(figureLink("1465", "/ledgers/village-task-force/items").hasPrefix("/ledgers/village-task-force/items"))
            #expect(figureLink("1050", "/ledgers/safety-inspection/items").hasPrefix("/ledgers/safety-inspection/items"))
            #expect(html.contains("<mark class=\"gap\">【缺:签约项目数 第十二届中博会】</mark>"))

            // A project signed at the July round: the briefing says 43.
            let round = try #require(try await Round.query(on: t.db).filter(\.$name == "2021年第三次").first())
            let made = try await t.request(
                .POST, "/api/v1/projects", token: token,
                json: [
                    "name": "新签约项目", "investor_name": "公司", "credit_code": "91350100M000100Y43", "division_code": "141124", "industry": "白酒",
                    "total_investment_fen": 1_000_000, "expected_annual_output_fen": 1,
                    "milestones": [["stage": "signed", "date": "2021-07-16", "round_id": round.id!.uuidString]],
                ])
            #expect(made.status == .created, "\(made.body.string)")
            let after = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=md", token: token).body.string
            #expect(after.range(of: #"签约项目43\[\^1\]个"#, options: .regularExpression) != nil)
            // For a county the same template counts the county's records.
            let county = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=md&division=141124", token: token).body.string
            #expect(county.contains("区划:临县(141124)"))
        }
    }

    @Test func templatesAreRefusedWithLineAndReasonAndRenderGapsNeverZero() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            try await t.createIndicator(B.manual("health.primary_visit_rate", name: "基层就诊率", unit: "%", decimals: 1), token: token)
            let bad = try await t.request(
                .POST, "/api/v1/briefings", token: token,
                json: ["name": "坏模板", "default_period": "2021-H1", "body": "第一行\n基层就诊率{{ health.primary_visit_rate | colour: red }}%,{{ air.pm10 }}"])
            try expectProblem(bad, .unprocessableEntity)
            let messages = (try bad.json()["errors"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
            #expect(messages.contains { $0.hasPrefix("第2行第") && $0.contains("未知参数「colour」") }, "\(messages)")
            #expect(messages.contains { $0.hasPrefix("第2行第") && $0.contains("未知指标「air.pm10」") }, "\(messages)")
            let badPeriod = try await t.request(
                .POST, "/api/v1/briefings", token: token, json: ["name": "x", "default_period": "2021-H3", "body": "文字"])
            #expect(try badPeriod.problemFields() == ["default_period"])

            let made = try await t.request(
                .POST, "/api/v1/briefings", token: token,
                json: [
                    "name": "月报", "default_period": "2021-05",
                    "body": "# 月报\n\n基层就诊率{{ health.primary_visit_rate }}%,{{ health.primary_visit_rate | change: previous }}。",
                ])
            #expect(made.status == .created, "\(made.body.string)")
            let created = try made.json()
            let id = try #require(created["id"] as? String)
            #expect(created["division_code"] as? String == "141100")
            #expect(
                try await t.request(.POST, "/api/v1/briefings", token: token, json: ["name": "月报", "default_period": "2021", "body": "x"]).status
                    == .conflict)
            // Nothing entered: gaps at the top, never a 0.
            let empty = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=md", token: token).body.string
            #expect(empty.hasPrefix("> 本简报有2处数据缺失:"))
            #expect(empty.contains("基层就诊率【缺:基层就诊率 2021-05】[^1]%") && !empty.contains("0[^1]"))
            try await t.putValue("health.primary_visit_rate", period: "2021-05", value: "58.4", token: token)
            try await t.putValue("health.primary_visit_rate", period: "2021-04", value: "57", token: token)
            let full = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=md", token: token).body.string
            #expect(full.contains("基层就诊率58.4[^1]%,提高1.4个百分点[^2]。") && !full.contains("缺"), "\(full)")
            let april = try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=md&period=2021-04", token: token).body.string
            #expect(april.contains("基层就诊率57.0[^1]%") || april.contains("基层就诊率57[^1]%"), "\(april)")
            #expect(try await t.request(.GET, "/api/v1/briefings/\(id)/render?period=2021-13", token: token).status == .unprocessableEntity)
            #expect(try await t.request(.GET, "/api/v1/briefings/\(id)/render?format=pdf", token: token).status == .unprocessableEntity)

            // PATCH needs the ETag and is checked like a save.
            let read = try await t.request(.GET, "/api/v1/briefings/\(id)", token: token)
            let etag = try #require(read.headers.first(name: .eTag))
            #expect(try await t.request(.PATCH, "/api/v1/briefings/\(id)", token: token, json: ["description": "x"]).status == .preconditionRequired)
            let refused = try await t.request(
                .PATCH, "/api/v1/briefings/\(id)", token: token, json: ["body": "{{ nothing.here }}"], headers: ["If-Match": etag])
            try expectProblem(refused, .unprocessableEntity)
            let patched = try await t.request(
                .PATCH, "/api/v1/briefings/\(id)", token: token, json: ["description": "每月", "default_period": "2021-04"], headers: ["If-Match": etag]
            )
            #expect(patched.status == .ok)
            #expect(try patched.json()["default_period"] as? String == "2021-04")
            #expect(
                try await t.request(.PATCH, "/api/v1/briefings/\(id)", token: token, json: ["description": "y"], headers: ["If-Match": etag]).status
                    == .preconditionFailed)

            // A county viewer sees the city's template, renders it for its county only.
            try await t.createUser("lin", role: .viewer, division: "141124")
            let lin = try await t.token("lin")
            #expect(try await t.request(.GET, "/api/v1/briefings/\(id)/render", token: lin).status == .notFound)
            let own = try await t.request(.GET, "/api/v1/briefings/\(id)/render?division=141124&format=md", token: lin)
            #expect(own.status == .ok && own.body.string.contains("区划:临县(141124)"))
            #expect(
                try await t.request(.PATCH, "/api/v1/briefings/\(id)", token: lin, json: ["description": "y"], headers: ["If-Match": etag]).status
                    == .forbidden)
        }
    }

    @Test func briefingPagesShowTheSyntaxRefuseBadTemplatesAndExport() async throws {
        try await TestApp.with { t in
            try await Self.loadDemo(t)
            let token = try await t.adminToken()
            let id = try await Self.demoID(t, token: token)
            let web = WebClient(t)
            try await web.signIn()
            let list = try await web.get("/indicators/briefings")
            #expect(list.body.string.contains(IndicatorDemo.templateName) && list.body.string.contains("id=\"new-briefing\""))
            let form = try await web.get("/indicators/briefings/new")
            #expect(form.body.string.contains("简报模板写法") && form.body.string.contains("<table>"))
            let bad = try await web.post("/indicators/briefings", form: ["name": "坏", "default_period": "2021", "body": "a\n{{ x.y | round: 1 }}"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-field=\"body\">第2行第4列:未知指标「x.y」"), "\(bad.body.string)")
            let good = try await web.post(
                "/indicators/briefings",
                form: ["name": "好", "default_period": "2021", "body": "签约{{ projects.signed.count }}个", "division_code": "141100"])
            #expect(good.status == .seeOther)

            let page = try await web.get("/indicators/briefings/\(id)")
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("<article class=\"ind-briefing\" id=\"briefing\">") && html.contains("<div class=\"briefing-gaps\">"))
            #expect(html.contains("id=\"export-html\"") && html.contains("id=\"export-md\""))
            #expect(html.contains("吕梁市 · 2021年上半年(2021-H1)"))
            let md = try await web.get("/indicators/briefings/\(id)/render?format=md&period=2021-H1&division=141100")
            #expect(md.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            #expect(md.body.string.contains("# 吕梁市2021年上半年工作进展"))
            let doc = try await web.get("/indicators/briefings/\(id)/render?period=2021-H1&division=141100")
            #expect(doc.body.string.contains("<main class=\"site-main ind-briefing ind-crumbs\">") && doc.body.string.contains("数字计算于"))
            let edit = try await web.get("/indicators/briefings/\(id)/edit")
            #expect(edit.body.string.contains("{{ projects.signed.count | round: &quot;2021年第三次&quot; }}"))
        }
    }
}
