import Fluent
import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

@Suite struct ProjectPagesTests {
    static let article = "签约一批项目42个,总投资额183.61亿元;开工一批项目34个,总投资额79.54亿元;投产一批项目18个,总投资额14.97亿元"

    /// The visible text of an element's inner HTML (tags dropped, entities of digits/punctuation as-is).
    static func text(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The inner HTML of the first element with `id`.
    static func element(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let open = rest.firstIndex(of: ">") else { return nil }
        let after = rest[rest.index(after: open)...]
        guard let close = after.range(of: "</p>") ?? after.range(of: "</") else { return String(after) }
        return String(after[..<close.lowerBound])
    }

    static func total(_ html: String) -> Int? {
        guard let range = html.range(of: #"共 <strong>(\d+)</strong> 个项目"#, options: .regularExpression) else { return nil }
        return Int(html[range].filter(\.isNumber))
    }

    static func hrefs(in html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"href="([^"]+)""#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map {
            String(html[Range($0.range(at: 1), in: html)!]).replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    static let goodForm: [String: String] = [
        "name": "年产10万吨再生铝项目", "investor_name": "山西吕兴实业有限公司", "credit_code": "91350100M000100Y43",
        "division_code": "141124", "development_zone": "临县经济技术开发区", "industry": "铝镁新材料",
        "total_investment_wan": "12,345.67", "expected_annual_output_wan": "20000", "contact_person": "王建国",
        "contact_phone": "13912345678", "notes": "",
    ]

    @Test func listRendersAndFilters() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let web = WebClient(t)
            try await web.signIn()
            let all = try await web.get("/projects")
            #expect(all.status == .ok)
            let html = all.body.string
            let total = try await Project.query(on: t.db).count()
            #expect(Self.total(html) == total)
            #expect(html.contains("id=\"project-table\""))
            #expect(html.contains("id=\"new-project\""))
            #expect(html.contains("id=\"import-form\""))
            #expect(html.contains("/projects/export?format=csv"))
            #expect(html.contains("rel=\"next\""))
            #expect(html.contains("临县"), "division names, not codes")

            let lin = try await web.get("/projects?division=141124&industry=%E6%96%B0%E8%83%BD%E6%BA%90&stage=signed")
            let expected = try await ProjectFilter(division: "141124", industry: "新能源", stage: .signed)
                .apply(to: Project.query(on: t.db)).count()
            #expect(Self.total(lin.body.string) == expected)
            #expect(
                lin.body.string.contains("/projects/export?format=xlsx&amp;division=141124&amp;industry=%E6%96%B0%E8%83%BD%E6%BA%90&amp;stage=signed")
            )
            let second = try await web.get("/projects?page=2&stage=started")
            #expect(second.body.string.contains("rel=\"prev\""))
            #expect(Self.hrefs(in: second.body.string).contains("/projects?stage=started&page=1"))
            let bad = try await web.get("/projects?stage=nope")
            #expect(bad.status == .unprocessableEntity)
        }
    }

    @Test func badFormReRendersEveryFieldErrorAndCreatesNothing() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            let form = try await web.get("/projects/new")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"project-form\""))
            #expect(!form.body.string.contains("field-errors"), "no empty error box")
            let res = try await web.post(
                "/projects",
                form: [
                    "name": "", "investor_name": "", "credit_code": "91350100M000100Y44", "division_code": "141100",
                    "industry": "造船", "total_investment_wan": "12.3456789", "expected_annual_output_wan": "-5",
                    "contact_phone": "12345", "development_zone": "保留的输入",
                ])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            for field in [
                "name", "investor_name", "credit_code", "division_code", "industry",
                "total_investment_wan", "expected_annual_output_wan", "contact_phone",
            ] {
                #expect(html.contains("<li data-field=\"\(field)\">"), "error for \(field)")
            }
            #expect(html.contains("金额最多保留6位小数"))
            #expect(html.contains("金额不能为负数"))
            #expect(html.contains(PhoneNumber.problemMessage))
            #expect(html.contains("项目应属于县级或以下区划"))
            #expect(html.contains("value=\"保留的输入\""), "input is kept")
            #expect(html.contains("value=\"12.3456789\""))
            #expect(try await Project.query(on: t.db).count() == 0)
        }
    }

    @Test func goodFormCreatesAndRedirects() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            try await web.get("/projects/new")
            let res = try await web.post("/projects", form: Self.goodForm)
            #expect(res.status == .seeOther)
            let project = try #require(try await Project.query(on: t.db).first())
            #expect(project.totalInvestmentFen == 12_345_67 * 10_000)
            #expect(project.expectedAnnualOutputFen == 20_000 * Fen.perWan)
            #expect(res.headers.first(name: .location) == "/projects/\(project.id!.uuidString)?notice=created")
            let page = try await web.get("/projects/\(project.id!.uuidString)")
            #expect(page.body.string.contains("1.23亿元"))
            #expect(page.body.string.contains("id=\"project-audit\""), "admin sees the history")
            #expect(page.body.string.contains("新建项目"))
            let again = try await web.post("/projects", form: Self.goodForm)
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("该单位已有同名项目"))
        }
    }

    @Test func editWithAStaleVersionIsRefused() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            try await web.get("/projects/new")
            try await web.post("/projects", form: Self.goodForm)
            let project = try #require(try await Project.query(on: t.db).first())
            let id = project.id!.uuidString
            let edit = try await web.get("/projects/\(id)/edit")
            #expect(edit.body.string.contains("name=\"version\" value=\"1\""))
            #expect(edit.body.string.contains("value=\"12345.67\""), "amounts shown in 万元")
            var changed = Self.goodForm
            changed["name"] = "年产20万吨再生铝项目"
            changed["version"] = "1"
            let ok = try await web.post("/projects/\(id)", form: changed)
            #expect(ok.status == .seeOther)
            changed["name"] = "又一次修改"
            let stale = try await web.post("/projects/\(id)", form: changed)
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("该记录已被他人修改,请刷新后重试"))
            let now = try #require(try await Project.find(project.id, on: t.db))
            #expect(now.name == "年产20万吨再生铝项目")
            #expect(now.version == 2)
        }
    }

    @Test func milestoneRulesShowTheChineseMessage() async throws {
        try await TestApp.with { t in
            let web = WebClient(t)
            try await web.signIn()
            try await web.get("/projects/new")
            try await web.post("/projects", form: Self.goodForm)
            let id = try #require(try await Project.query(on: t.db).first()?.id).uuidString
            try await web.get("/projects/\(id)")
            let skip = try await web.post("/projects/\(id)/milestones", form: ["stage": "producing", "date": "2021-07-16", "round_id": ""])
            #expect(skip.status == .unprocessableEntity)
            #expect(skip.body.string.contains("登记「投产」前须先登记「开工」"))
            let signed = try await web.post("/projects/\(id)/milestones", form: ["stage": "signed", "date": "2021-07-16", "round_id": ""])
            #expect(signed.status == .seeOther)
            try await web.get("/projects/\(id)")
            let early = try await web.post("/projects/\(id)/milestones", form: ["stage": "started", "date": "2021-07-01", "round_id": ""])
            #expect(early.status == .unprocessableEntity)
            #expect(early.body.string.contains("「开工」日期不能早于「签约」日期"))
            try await web.post("/projects/\(id)/milestones", form: ["stage": "started", "date": "2021-08-01", "round_id": ""])
            let page = try await web.get("/projects/\(id)")
            #expect(page.body.string.contains("class=\"step reached\" data-stage=\"started\""))
            #expect(page.body.string.contains("class=\"step unreached\" data-stage=\"producing\""))
            let remove = try await web.post("/projects/\(id)/milestones/signed/delete", form: [:])
            #expect(remove.status == .conflict)
            #expect(remove.body.string.contains("已有「开工」,不能删除「签约」"))
            let bad = try await web.post("/projects/\(id)/milestones", form: ["stage": "started", "date": "8月1日", "round_id": "nope"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("日期格式应为 YYYY-MM-DD"))
            #expect(bad.body.string.contains("活动批次不存在"))
        }
    }

    @Test func viewersSeeNoControlsAndAreRefused() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            try await t.createUser("city.view", role: .viewer, division: "141100")
            let project = try #require(try await Project.query(on: t.db).first())
            let id = project.id!.uuidString
            let web = WebClient(t)
            try await web.signIn("city.view", password: TestApp.password)
            let list = try await web.get("/projects")
            #expect(list.status == .ok)
            #expect(!list.body.string.contains("id=\"new-project\""))
            #expect(!list.body.string.contains("id=\"import-form\""))
            #expect(list.body.string.contains("id=\"export-csv\""), "viewers may download")
            let page = try await web.get("/projects/\(id)")
            #expect(page.status == .ok)
            for control in ["id=\"edit-project\"", "id=\"delete-form\"", "id=\"milestone-form\"", "id=\"project-audit\""] {
                #expect(!page.body.string.contains(control), "\(control)")
            }
            #expect(try await web.get("/projects/new").status == .forbidden)
            #expect(try await web.get("/projects/\(id)/edit").status == .forbidden)
            #expect(try await web.post("/projects", form: Self.goodForm).status == .forbidden)
            #expect(try await web.post("/projects/\(id)", form: Self.goodForm).status == .forbidden)
            #expect(try await web.post("/projects/\(id)/delete", form: [:]).status == .forbidden)
            #expect(try await web.post("/projects/\(id)/milestones", form: ["stage": "signed", "date": "2021-01-01"]).status == .forbidden)
            #expect(try await Project.find(project.id, on: t.db) != nil)
        }
    }

    @Test func aCountyUserGets404ForAnotherCountysProject() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let other = try #require(try await Project.query(on: t.db).filter(\.$divisionCode == "141102").first())
            let own = try #require(try await Project.query(on: t.db).filter(\.$divisionCode == "141124").first())
            let web = WebClient(t)
            try await web.signIn("lin.op", password: TestApp.password)
            #expect(try await web.get("/projects/\(other.id!.uuidString)").status == .notFound)
            #expect(try await web.get("/projects/\(other.id!.uuidString)/edit").status == .notFound)
            #expect(try await web.post("/projects/\(other.id!.uuidString)/delete", form: [:]).status == .notFound)
            #expect(try await web.get("/projects/\(own.id!.uuidString)").status == .ok)
            let list = try await web.get("/projects")
            let mine = try await Project.query(on: t.db).filter(\.$divisionCode == "141124").count()
            #expect(Self.total(list.body.string) == mine)
            #expect(!list.body.string.contains(">离石区<"))
            // The city's rounds are visible to the county; their reports count only its projects.
            let round = try #require(try await Round.query(on: t.db).filter(\.$name == "2021年第三次").first())
            let report = try await web.get("/projects/rounds/\(round.id!.uuidString)")
            #expect(report.status == .ok)
            #expect(!report.body.string.contains(Self.article))
        }
    }

    @Test func roundReportReadsLikeTheArticleAndItsLinksListThoseProjects() async throws {
        try await TestApp.with { t in
            _ = try await DemoData.load(on: t.db)
            let web = WebClient(t)
            try await web.signIn()
            let rounds = try await web.get("/projects/rounds")
            #expect(rounds.status == .ok)
            let round = try #require(try await Round.query(on: t.db).filter(\.$name == "2021年第三次").first())
            let rid = round.id!.uuidString
            #expect(rounds.body.string.contains("/projects/rounds/\(rid)"))
            #expect(rounds.body.string.contains("action=\"/projects/report\""))

            let res = try await web.get("/projects/rounds/\(rid)")
            #expect(res.status == .ok)
            let html = res.body.string
            let sentence = try #require(Self.element("round-sentence", in: html))
            #expect(Self.text(sentence) == Self.article)
            #expect(html.contains("<svg class=\"bar-chart\""))
            #expect(html.contains("id=\"county-table\""))
            #expect(html.contains("id=\"industry-table\""))
            #expect(html.contains("临县"))

            // Every count in the sentence links to a list of exactly that many projects.
            let links = Self.hrefs(in: sentence)
            #expect(links.count == 6)
            for (link, count) in zip(stride(from: 0, to: 6, by: 2).map { links[$0] }, [42, 34, 18]) {
                #expect(link.contains("round_id=\(rid)"))
                let list = try await web.get(link)
                #expect(Self.total(list.body.string) == count, "\(link)")
            }
            #expect(links[0] == "/projects?round_id=\(rid)&milestone_stage=signed")

            // A county's cell links to that county's projects only; the cells add up.
            let summary = try await ProjectSummary.run(
                .init(roundID: round.id, groupBy: .division), scope: DivisionScope(DivisionCode("141100")!), on: t.db)
            let lin = try #require(summary.first { $0.stage == .signed && $0.group == "141124" })
            let linList = try await web.get("/projects?round_id=\(rid)&milestone_stage=signed&division=141124")
            #expect(Self.total(linList.body.string) == lin.count)
            #expect(html.contains("/projects?round_id=\(rid)&amp;milestone_stage=signed&amp;division=141124"))

            // The date-range report: January–May 2021.
            let range = try await web.get("/projects/report?from=2021-01-01&to=2021-05-31")
            #expect(range.status == .ok)
            let rangeHTML = try #require(Self.element("round-sentence", in: range.body.string))
            let rangeSentence = Self.text(rangeHTML)
            #expect(rangeSentence.hasPrefix("签约一批项目49个,总投资额241.00亿元;开工一批项目41个,总投资额106.00亿元;投产一批项目33个"))
            let rangeLink = try #require(Self.hrefs(in: rangeHTML).first)
            #expect(rangeLink == "/projects?from=2021-01-01&to=2021-05-31&milestone_stage=signed")
            #expect(Self.total(try await web.get(rangeLink).body.string) == 49)
            #expect(try await web.get("/projects/report?from=2021-13-01").status == .unprocessableEntity)
            #expect(try await web.get("/projects/rounds/\(UUID().uuidString)").status == .notFound)
        }
    }

    @Test func barChartEscapesTextAndScalesBars() {
        let svg = BarChart(
            title: "a<b>",
            bars: [
                .init(label: "离石区\"&", value: 200, valueText: "2.00亿元", href: "/projects?a=1&b=2"),
                .init(label: "临县", value: 100, valueText: "1.00亿元"),
            ]
        ).svg()
        #expect(svg.hasPrefix("<svg class=\"bar-chart\""))
        #expect(svg.contains("a&lt;b&gt;"))
        #expect(svg.contains("离石区&quot;&amp;"))
        #expect(svg.contains("href=\"/projects?a=1&amp;b=2\""))
        #expect(svg.contains("width=\"300\""), "the largest bar fills the plot")
        #expect(svg.contains("width=\"150\""))
        #expect(!svg.contains("style="))
    }
}
