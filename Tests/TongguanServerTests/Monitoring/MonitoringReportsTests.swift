import Foundation
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// What the test did, to compute the expected figures without the server's SQL.
struct ReportsModel {
    struct StepSpan {
        var date: String
        var state: String
        var episode: Int
    }
    struct Episode {
        var category: String?
        var riskTypes: [String] = []
        var identifiedOn: String?
        var eliminatedOn: String?
        var measureStarts: [String] = []
    }
    struct HomeRecord {
        var code: String
        var division: String
        var members: [(birth: String, left: String?)] = []
        var spans: [StepSpan] = []
    }
    var homes: [HomeRecord] = []
    var episodes: [Episode] = []

    /// The state in force on a day and its episode (the later of same-day steps).
    func inForce(_ h: HomeRecord, on day: String) -> StepSpan? { h.spans.last { $0.date <= day } }

    func present(_ h: HomeRecord, on day: String) -> Int {
        h.members.filter { $0.birth <= day && ($0.left == nil || $0.left! >= day) }.count
    }

    /// Households (and present members) per group, as of the day, under `division`.
    func expected(
        on day: String, division: String, phases: Set<String>?, key: (HomeRecord, StepSpan, Episode) -> [String]
    ) -> [String: (Int, Int)] {
        var out: [String: (Int, Int)] = [:]
        for h in homes where h.division.hasPrefix(DivisionCode(division)!.significantPrefix) {
            guard let span = inForce(h, on: day) else { continue }
            if let phases, !phases.contains(span.state) { continue }
            for k in key(h, span, episodes[span.episode]) {
                let old = out[k] ?? (0, 0)
                out[k] = (old.0 + 1, old.1 + present(h, on: day))
            }
        }
        return out
    }
}

/// The monitoring reports (`/api/v1/monitoring/summary`, `/flow`, the dashboard): households
/// walked through the API on known dates, the expected figures computed here from those same
/// steps and members (as of days before and after steps, a member who left, an episode whose
/// risk was eliminated and a second one opened a year later, two risk types on one episode),
/// compared with the answers; every row's link lists exactly the households it counts.
@Suite struct MonitoringReportsTests {
    typealias W = WorkflowFixture
    typealias F = RegistryFixture

    static let monitoringStates: Set<String> = ["monitored", "elimination_proposed", "elimination_notice"]

    /// Builds the households and walks their episodes; answers the model.
    static func build(_ t: TestApp, token: String) async throws -> ReportsModel {
        var model = ReportsModel()
        for (year, yuan) in [(2023, Int64(8000)), (2024, 8500), (2025, 9000)] { try await W.setLine(t, token: token, year: year, yuan: yuan) }
        func home(_ n: Int, village: String, members: [[String: any Sendable]] = []) async throws -> Int {
            let code = try await W.household(t, token: token, n: n, village: village, members: members)
            let json = try await t.request(.GET, "/api/v1/households/\(code)", token: token).json()
            let list = try #require(json["members"] as? [[String: Any]])
            model.homes.append(
                ReportsModel.HomeRecord(
                    code: code, division: village, members: list.map { ($0["birth_date"] as? String ?? "", nil) }))
            return model.homes.count - 1
        }
        func open(_ h: Int, _ date: String) async throws -> String {
            let res = try await t.request(
                .POST, "/api/v1/households/\(model.homes[h].code)/episodes", token: token, json: ["channel": "grassroots_screening", "date": date])
            try #require(res.status == .created, "\(res.text)")
            model.episodes.append(ReportsModel.Episode())
            model.homes[h].spans.append(.init(date: date, state: "candidate", episode: model.episodes.count - 1))
            return try #require(try res.json()["id"] as? String)
        }
        func step(_ h: Int, _ id: String, _ body: [String: any Sendable]) async throws {
            let res = try await W.step(t, token: token, episode: id, body)
            try #require(res.status == .ok, "\(res.text)")
            let state = try #require(try res.json()["state"] as? String)
            let date = body["date"] as! String
            let e = model.homes[h].spans.last!.episode
            model.homes[h].spans.append(.init(date: date, state: state, episode: e))
            if body["step"] as? String == "approve" {
                model.episodes[e].category = body["category"] as? String
                model.episodes[e].riskTypes = body["risk_types"] as? [String] ?? []
                model.episodes[e].identifiedOn = date
            }
            if body["step"] as? String == "eliminate" { model.episodes[e].eliminatedOn = date }
        }
        func identify(_ h: Int, _ id: String, from day: String, approve: String, category: String, risks: [String]) async throws {
            let d = CivilDate(iso: day)!
            try await step(h, id, ["step": "visit", "date": d.adding(days: 1).description, "consent": true])
            try await step(h, id, ["step": "notice", "date": d.adding(days: 2).description])
            try await step(h, id, ["step": "township_check", "date": d.adding(days: 7).description])
            try await step(h, id, ["step": "approve", "date": approve, "category": category, "risk_types": risks])
        }
        func measure(_ h: Int, _ id: String, start: String) async throws {
            let res = try await t.request(
                .POST, "/api/v1/episodes/\(id)/measures", token: token,
                json: ["type": "employment", "description": "公益岗位", "unit": "镇政府", "person": "李干部", "start": start])
            try #require(res.status == .created, "\(res.text)")
            model.episodes[model.homes[h].spans.last!.episode].measureStarts.append(start)
        }

        // A: three members (a child born 2010, a spouse who leaves on 2024-09-01); identified in
        // 2023 with two risk types, risk eliminated in July 2023, a second episode in 2024.
        let a = try await home(
            1, village: F.linVillage,
            members: [
                F.member(F.id(2, born: 2010), name: "王小明", school: "compulsory"),
                F.member(F.id(5, born: 1972), name: "李秀英", relation: "spouse"),
            ])
        try await W.assess(t, token: token, code: model.homes[a].code, W.assessment("2023-01-01", wagesYuan: 6000))
        let a1 = try await open(a, "2023-01-02")
        try await identify(a, a1, from: "2023-01-02", approve: "2023-01-13", category: "marginal", risks: ["illness", "education"])
        try await measure(a, a1, start: "2023-02-01")
        try await W.assess(t, token: token, code: model.homes[a].code, W.assessment("2023-07-01", wagesYuan: 40000))
        try await step(a, a1, ["step": "propose_elimination", "date": "2023-07-13"])
        try await step(a, a1, ["step": "elimination_notice", "date": "2023-07-14"])
        try await step(a, a1, ["step": "eliminate", "date": "2023-07-19"])
        let a2 = try await open(a, "2024-03-01")
        try await identify(a, a2, from: "2024-03-01", approve: "2024-03-20", category: "sudden_hardship", risks: ["accident"])
        let household = try await t.request(.GET, "/api/v1/households/\(model.homes[a].code)", token: token).json()
        let spouse = try #require((household["members"] as? [[String: Any]])?.first { $0["relation"] as? String == "spouse" })
        let spouseIndex = try #require((household["members"] as? [[String: Any]])?.firstIndex { $0["relation"] as? String == "spouse" })
        let left = try await t.request(
            .POST, "/api/v1/members/\(spouse["id"] as! String)/leave", token: token, json: ["reason": "moved_out", "date": "2024-09-01"])
        try #require(left.status == .ok, "\(left.text)")
        model.homes[a].members[spouseIndex].left = "2024-09-01"

        // B: identifying, at the township check since 2024-05-08.
        let b = try await home(3, village: F.linVillage2)
        let b1 = try await open(b, "2024-05-01")
        try await step(b, b1, ["step": "visit", "date": "2024-05-02", "consent": true])
        try await step(b, b1, ["step": "notice", "date": "2024-05-03"])
        try await step(b, b1, ["step": "township_check", "date": "2024-05-08"])

        // C: 兴县, monitored from June 2024 with one risk type, a measure from August.
        let c = try await home(4, village: F.xingVillage, members: [F.member(F.id(6, address: "141123", born: 1999), name: "张三")])
        try await W.assess(t, token: token, code: model.homes[c].code, W.assessment("2024-05-01", wagesYuan: 5000))
        let c1 = try await open(c, "2024-06-01")
        try await identify(c, c1, from: "2024-06-01", approve: "2024-06-13", category: "marginal", risks: ["illness"])
        try await measure(c, c1, start: "2024-08-01")

        // D: not included on the day after opening; E: a candidate since October 2024.
        let d = try await home(7, village: F.linVillage)
        let d1 = try await open(d, "2024-02-01")
        try await step(d, d1, ["step": "reject", "date": "2024-02-02", "reason": "收入稳定"])
        let e = try await home(8, village: F.linVillage)
        _ = try await open(e, "2024-10-01")
        return model
    }

    static func summary(_ t: TestApp, token: String, _ query: String) async throws -> [String: [String: Any]] {
        let res = try await t.request(.GET, "/api/v1/monitoring/summary?\(query)", token: token)
        try #require(res.status == .ok, "\(query): \(res.text)")
        let rows = try #require(try res.json()["rows"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["group"] as! String, $0) })
    }

    /// The API list behind a row's link (the page's path, the API's filters) and its total.
    static func listed(_ t: TestApp, token: String, _ link: String) async throws -> Int {
        let api = link.replacingOccurrences(of: "/monitoring/episodes", with: "/api/v1/episodes")
            .replacingOccurrences(of: "/monitoring/warnings", with: "/api/v1/monitoring/warnings")
        let res = try await t.request(.GET, api, token: token)
        try #require(res.status == .ok, "\(api): \(res.text)")
        return try #require((try res.json()["metadata"] as? [String: Any])?["total"] as? Int)
    }

    @Test func summaryAsOfDaysMatchesTheRecords() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let model = try await Self.build(t, token: token)
            let days = ["2023-01-12", "2023-01-13", "2023-03-31", "2023-07-18", "2023-07-19", "2024-03-19", "2024-06-30", "2024-08-31", "2024-09-02"]
            for day in days {
                for division in ["141100", "141124", "141123"] {
                    // By state: every state listed, the households in it that day.
                    let byState = try await Self.summary(t, token: token, "date=\(day)&division=\(division)&group_by=state")
                    #expect(byState.count == EpisodeState.allCases.count)
                    let stateExpected = model.expected(on: day, division: division, phases: nil) { _, s, _ in [s.state] }
                    for state in EpisodeState.allCases {
                        let row = try #require(byState[state.rawValue])
                        let want = stateExpected[state.rawValue] ?? (0, 0)
                        #expect(row["households"] as? Int == want.0 && row["members"] as? Int == want.1, "\(day) \(division) \(state)")
                    }
                    // By category and risk type: the 监测对象 (a risk type per type the episode has).
                    let byCategory = try await Self.summary(t, token: token, "date=\(day)&division=\(division)&group_by=category")
                    let categoryExpected = model.expected(on: day, division: division, phases: Self.monitoringStates) { _, _, e in
                        [e.category ?? ""]
                    }
                    for category in MonitoringCategory.allCases {
                        let row = try #require(byCategory[category.rawValue])
                        let want = categoryExpected[category.rawValue] ?? (0, 0)
                        #expect(row["households"] as? Int == want.0 && row["members"] as? Int == want.1, "\(day) \(division) \(category)")
                    }
                    let byRisk = try await Self.summary(t, token: token, "date=\(day)&division=\(division)&group_by=risk_type")
                    let riskExpected = model.expected(on: day, division: division, phases: Self.monitoringStates) { _, _, e in e.riskTypes }
                    for type in MonitoringRiskType.allCases {
                        let row = try #require(byRisk[type.rawValue])
                        let want = riskExpected[type.rawValue] ?? (0, 0)
                        #expect(row["households"] as? Int == want.0 && row["members"] as? Int == want.1, "\(day) \(division) \(type)")
                    }
                }
            }
            // Known figures, to show the model is not vacuous: A's spouse counted on the day she
            // left, not the day after; A twice under its 2023 episode's two risk types.
            let before = try await Self.summary(t, token: token, "date=2024-09-01&group_by=category")
            let after = try await Self.summary(t, token: token, "date=2024-09-02&group_by=category")
            #expect(before["sudden_hardship"]?["members"] as? Int == 3 && after["sudden_hardship"]?["members"] as? Int == 2)
            let risks2023 = try await Self.summary(t, token: token, "date=2023-03-31&group_by=risk_type")
            #expect(risks2023["illness"]?["households"] as? Int == 1 && risks2023["education"]?["households"] as? Int == 1)
            let eliminated = try await Self.summary(t, token: token, "date=2023-12-31&group_by=state")
            #expect(eliminated["risk_eliminated"]?["households"] as? Int == 1 && eliminated["monitored"]?["households"] as? Int == 0)

            // By division: the next level below, every child listed.
            let counties = try await Self.summary(t, token: token, "date=2024-06-30&group_by=division")
            #expect(Set(counties.keys).isSuperset(of: ["141124", "141123", "141102"]))
            let countyExpected = model.expected(on: "2024-06-30", division: "141100", phases: Self.monitoringStates) { h, _, _ in
                [String(h.division.prefix(6))]
            }
            for (code, row) in counties {
                let want = countyExpected[code] ?? (0, 0)
                #expect(row["households"] as? Int == want.0 && row["members"] as? Int == want.1, "\(code)")
            }
            let towns = try await Self.summary(t, token: token, "date=2024-06-30&group_by=division&division=141124&phase=identifying")
            #expect(towns["141124100"]?["households"] as? Int == 1)
            let villages = try await Self.summary(t, token: token, "date=2024-12-31&group_by=division&division=141124100&phase=identifying")
            #expect(villages["141124100201"]?["households"] as? Int == 1 && villages["141124100202"]?["households"] as? Int == 1)

            // Every row's link lists exactly the households it counts.
            for query in [
                "date=2024-06-30&group_by=state", "date=2023-03-31&group_by=risk_type", "date=2024-09-02&group_by=category",
                "date=2024-06-30&group_by=division", "date=2024-12-31&group_by=division&division=141124&phase=identifying",
            ] {
                for (group, row) in try await Self.summary(t, token: token, query) {
                    let link = try #require(row["link"] as? String)
                    #expect(try await Self.listed(t, token: token, link) == row["households"] as? Int, "\(query) \(group) \(link)")
                }
            }
        }
    }

    @Test func flowCountsEachMonth() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let model = try await Self.build(t, token: token)
            // A warning resolved by hand, to have one in the flow.
            let open = try await W.warnings(t, token: token, "status=open&per=100")
            let first = try #require(open.first?["id"] as? String)
            let resolved = try await t.request(.POST, "/api/v1/monitoring/warnings/\(first)/resolve", token: token, json: ["note": "已核实"])
            #expect(resolved.status == .ok, "\(resolved.text)")
            let today = RegistryFinder.today()
            let all = try await W.warnings(t, token: token, "per=100")
            for division in ["141100", "141124", "141123"] {
                let res = try await t.request(.GET, "/api/v1/monitoring/flow?from=2023-01-01&to=\(today)&division=\(division)", token: token)
                #expect(res.status == .ok, "\(res.text)")
                let rows = try #require(try res.json()["rows"] as? [[String: Any]])
                var months: [String] = []
                var m = CivilDate(iso: "2023-01-01")!
                while m <= today {
                    months.append(String(m.description.prefix(7)))
                    m = m.adding(months: 1)
                }
                #expect(rows.map { $0["month"] as? String ?? "" } == months)
                let prefix = DivisionCode(division)!.significantPrefix
                let homes = model.homes.filter { $0.division.hasPrefix(prefix) }
                let episodes = Set(homes.flatMap { $0.spans.map(\.episode) }).map { model.episodes[$0] }
                let warnings = all.filter { ($0["division_code"] as? String ?? "").hasPrefix(prefix) }
                for row in rows {
                    let month = row["month"] as! String
                    #expect(row["identified"] as? Int == episodes.filter { $0.identifiedOn?.hasPrefix(month) == true }.count, "\(month)")
                    #expect(row["eliminated"] as? Int == episodes.filter { $0.eliminatedOn?.hasPrefix(month) == true }.count, "\(month)")
                    #expect(
                        row["warnings_raised"] as? Int == warnings.filter { ($0["raised_on"] as? String)?.hasPrefix(month) == true }.count, "\(month)"
                    )
                    #expect(
                        row["warnings_resolved"] as? Int
                            == warnings.filter { $0["status"] as? String == "resolved" && ($0["closed_on"] as? String)?.hasPrefix(month) == true }
                            .count, "\(month)")
                }
                // The totals are not all zero: 3 identifications, 1 elimination in the city.
                if division == "141100" {
                    #expect(rows.reduce(0) { $0 + ($1["identified"] as? Int ?? 0) } == 3)
                    #expect(rows.reduce(0) { $0 + ($1["eliminated"] as? Int ?? 0) } == 1)
                    #expect(rows.reduce(0) { $0 + ($1["warnings_resolved"] as? Int ?? 0) } >= 1)
                }
            }
            // A range cut inside months: the first and last rows are partial months.
            let cut = try await t.request(.GET, "/api/v1/monitoring/flow?from=2023-01-13&to=2023-07-18", token: token)
            let cutRows = try #require(try cut.json()["rows"] as? [[String: Any]])
            #expect(cutRows.first?["from"] as? String == "2023-01-13" && cutRows.first?["identified"] as? Int == 1)
            #expect(cutRows.last?["to"] as? String == "2023-07-18" && cutRows.last?["eliminated"] as? Int == 0)
            // Default: twelve months up to today.
            let defaults = try await t.request(.GET, "/api/v1/monitoring/flow", token: token)
            #expect(try (defaults.json()["rows"] as? [[String: Any]])?.count == 12)
        }
    }

    @Test func badParametersAndScope() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let bad = try await t.request(.GET, "/api/v1/monitoring/summary?date=2024-13-01&group_by=county&phase=x&division=abc", token: token)
            #expect(bad.status == .unprocessableEntity && bad.isProblem)
            #expect(try Set(bad.problemFields()) == ["date", "group_by", "phase", "division"])
            let village = try await t.request(.GET, "/api/v1/monitoring/summary?group_by=division&division=141124100201", token: token)
            #expect(try village.problemFields() == ["group_by"])
            let flow = try await t.request(.GET, "/api/v1/monitoring/flow?from=2024-05-01&to=2024-04-01&division=1", token: token)
            #expect(try Set(flow.problemFields()) == ["to", "division"])
            let long = try await t.request(.GET, "/api/v1/monitoring/flow?from=2000-01-01&to=2024-04-01", token: token)
            #expect(try long.problemFields() == ["from"])
            // A county user: a neighbouring county, the city or an unknown division is 404.
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let lin = try await t.token("lin.op")
            for path in [
                "/api/v1/monitoring/summary?division=141123", "/api/v1/monitoring/summary?division=141100", "/api/v1/monitoring/flow?division=141123",
                "/api/v1/monitoring/summary?division=141124999",
            ] {
                let res = try await t.request(.GET, path, token: lin)
                #expect(res.status == .notFound && res.isProblem, "\(path)")
            }
            // Without a division, the caller's own; grouped by division, its townships.
            let own = try await t.request(.GET, "/api/v1/monitoring/summary?group_by=division", token: lin)
            #expect(try own.json()["division_code"] as? String == "141124")
            let groups = try #require(try (own.json()["rows"] as? [[String: Any]])?.compactMap { $0["group"] as? String })
            #expect(groups.contains("141124100") && groups.allSatisfy { $0.count == 9 && $0.hasPrefix("141124") })
        }
    }

    /// The `href` and text of the first link inside the element with this id.
    static func figure(_ html: String, id: String) -> (href: String, text: String)? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let a = rest.range(of: "<a href=\""), let quote = rest[a.upperBound...].firstIndex(of: "\""),
            let close = rest[quote...].range(of: ">"), let end = rest[close.upperBound...].range(of: "</a>")
        else { return nil }
        let href = String(rest[a.upperBound..<quote]).replacingOccurrences(of: "&amp;", with: "&")
        return (href, String(rest[close.upperBound..<end.lowerBound]))
    }

    static func number(_ text: String) -> Int? { Int(text.filter(\.isNumber)) }

    @Test func dashboardFiguresEqualTheReportsAndOpenTheirLists() async throws {
        try await TestApp.with { t in
            try await F.addVillages(t)
            let token = try await t.adminToken()
            let model = try await Self.build(t, token: token)
            let web = WebClient(t)
            try await web.signIn()
            for (division, date) in [("141100", "2024-09-02"), ("141124", "2023-03-31"), ("141123", "2024-12-31")] {
                let res = try await web.get("/monitoring/dashboard?division=\(division)&date=\(date)")
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("<svg class=\"bar-chart\""))
                let byState = try await Self.summary(t, token: token, "date=\(date)&division=\(division)&group_by=state")
                let monitoring = Self.monitoringStates.reduce(0) { $0 + (byState[$1]?["households"] as? Int ?? 0) }
                let monitored = try #require(Self.figure(html, id: "fig-monitored"))
                #expect(Self.number(monitored.text) == monitoring, "\(division) \(date)")
                // Coverage: 监测对象 whose episode has a measure started by the day, from the model.
                let covered = model.homes.filter { h in
                    guard h.division.hasPrefix(DivisionCode(division)!.significantPrefix), let span = model.inForce(h, on: date),
                        Self.monitoringStates.contains(span.state)
                    else { return false }
                    return model.episodes[span.episode].measureStarts.contains { $0 <= date }
                }.count
                let coverage = try #require(Self.figure(html, id: "fig-coverage"))
                #expect(Self.number(coverage.text) == covered, "\(division) \(date)")
                let flow = try await t.request(.GET, "/api/v1/monitoring/flow?to=\(date)&division=\(division)", token: token)
                let identified = (try flow.json()["rows"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["identified"] as? Int ?? 0) }
                #expect(Self.number(try #require(Self.figure(html, id: "fig-identified-12")).text) == identified)
                // Every figure's link opens the list with exactly that count.
                for id in [
                    "fig-monitored", "fig-coverage", "fig-uncovered", "fig-identifying", "fig-eliminated", "fig-identified-12", "fig-eliminated-12",
                    "fig-raised-12", "fig-resolved-12", "fig-open-warnings",
                ] {
                    let f = try #require(Self.figure(html, id: id), "\(id)")
                    let list = try await web.get(f.href)
                    #expect(list.status == .ok, "\(f.href)")
                    let total = f.href.hasPrefix("/monitoring/warnings") ? "warning-total" : "episode-total"
                    let shown = list.body.string.range(of: "id=\"\(total)\">").map { r in
                        Int(list.body.string[r.upperBound...].prefix { $0.isNumber })
                    }
                    #expect(shown == Self.number(f.text), "\(id) \(f.href)")
                }
                // The printable report carries the same figures.
                let printed = try await web.get("/monitoring/dashboard/print?division=\(division)&date=\(date)")
                #expect(printed.status == .ok && printed.body.string.contains("print-a4"))
                #expect(Self.figure(printed.body.string, id: "print-fig-monitored")?.text == monitored.text)
            }
            // Out of scope: 404 for a county user asking for the neighbour's dashboard.
            try await t.createUser("lin.op", role: .operator, division: "141124")
            let lin = WebClient(t)
            try await lin.signIn("lin.op", password: TestApp.password)
            #expect(try await lin.get("/monitoring/dashboard?division=141123").status == .notFound)
            #expect(try await lin.get("/monitoring/dashboard").status == .ok)
        }
    }
}
