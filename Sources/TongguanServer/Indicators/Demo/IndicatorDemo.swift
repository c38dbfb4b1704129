import Fluent
import Foundation
import TongguanDomain
import Vapor

/// `serve --demo` for 指标: the indicators of the 吕梁 progress report of 2021's first half,
/// the values departments reported, PM2.5 of the peer cities, the two health targets, the
/// city's dashboard, and the template `吕梁市2021年上半年工作进展`. Counts of 项目 come from
/// the 项目 demo records through `projects.summary`, counts of 诉求 from the 诉求 demo records
/// through `cases.stats` and counts of 台账 items from the 台账 demo ledgers through
/// `ledger.aggregate`; manual values only for the figures no module records.
///
/// Periods: the 诉求 demo's cases are received in 2021 (the backlog counted by its original
/// received date, 2016–2020), so those figures name their year(s). `ledger.aggregate` counts
/// an ended period as the items stood on its last day, and the 台账 demo's items exist from
/// the day it was loaded, so the 台账 figures are "截至目前" — the range `2021..2099`, which
/// has not ended and is therefore counted as the ledger stands now.
enum IndicatorDemo {
    static let city = DivisionCode("141100")!
    static let templateName = "吕梁市2021年上半年工作进展"

    struct Spec {
        var code: String
        var name: String
        var unit: String
        var scale = 0
        var decimals = 0
        var direction = Direction.higherIsBetter
        var rollUp = RollUp.none
        var query: IndicatorQuery? = nil
    }

    static func projects(_ code: String, _ name: String, stage: String, measure: String) -> Spec {
        let money = measure != "count"
        return Spec(
            code: code, name: name, unit: money ? "亿元" : "个", scale: money ? 10 : 0, decimals: money ? 2 : 0,
            query: IndicatorQuery(kind: "projects.summary", parameters: ["stage": stage, "measure": measure]))
    }

    static func cases(_ code: String, _ name: String, unit: String, _ parameters: [String: String]) -> Spec {
        Spec(code: code, name: name, unit: unit, query: IndicatorQuery(kind: "cases.stats", parameters: parameters))
    }

    static func ledger(_ code: String, _ name: String, unit: String, _ parameters: [String: String]) -> Spec {
        Spec(code: code, name: name, unit: unit, query: IndicatorQuery(kind: "ledger.aggregate", parameters: parameters))
    }

    static let specs: [Spec] = [
        projects("projects.signed.count", "签约项目数", stage: "signed", measure: "count"),
        projects("projects.signed.investment", "签约项目总投资", stage: "signed", measure: "investment"),
        projects("projects.started.count", "开工项目数", stage: "started", measure: "count"),
        projects("projects.started.investment", "开工项目总投资", stage: "started", measure: "investment"),
        projects("projects.producing.count", "投产项目数", stage: "producing", measure: "count"),
        projects("projects.producing.investment", "投产项目总投资", stage: "producing", measure: "investment"),
        projects("projects.producing.output", "投产项目预计年产值", stage: "producing", measure: "output"),
        Spec(code: "investment.cooperation_projects", name: "央企省企合作签约项目数(部门报送)", unit: "个", rollUp: .sum),
        ledger(
            "reform.approval_items", "完成审批制度改革的涉企事项", unit: "项", ["ledger": "enterprise-approval-reform", "filter": "done=true"]),
        ledger("service.items_online", "全程网上办理的政务服务事项", unit: "项", ["ledger": "gov-services", "filter": "online=true"]),
        ledger("service.items_one_window", "纳入一窗受理的政务服务事项", unit: "项", ["ledger": "gov-services", "filter": "one_window=true"]),
        Spec(code: "investment.promotion_events", name: "招商推介活动", unit: "场", rollUp: .sum),
        Spec(code: "rural.industry_fund", name: "市级财政产业帮扶资金", unit: "亿元", decimals: 2, rollUp: .sum),
        Spec(code: "rural.agri_projects", name: "农业项目数(部门报送)", unit: "个", rollUp: .sum),
        Spec(code: "rural.agri_investment", name: "农业项目总投资", unit: "亿元", decimals: 2, rollUp: .sum),
        Spec(code: "economy.primary_value_added", name: "第一产业增加值", unit: "亿元", decimals: 1),
        Spec(code: "rural.expert_teams", name: "农业专家服务团", unit: "个", rollUp: .last),
        Spec(code: "rural.farmers_trained", name: "培训农民", unit: "人次", rollUp: .sum),
        ledger("rural.village_teams", "驻村工作队", unit: "个", ["ledger": "village-task-force", "measure": "count_distinct:team"]),
        ledger("rural.village_team_members", "驻村工作队员", unit: "人", ["ledger": "village-task-force"]),
        ledger("rural.first_secretaries", "第一书记", unit: "人", ["ledger": "village-task-force", "filter": "role=第一书记"]),
        ledger("party.weak_villages", "软弱涣散村党组织", unit: "个", ["ledger": "weak-village-party"]),
        Spec(code: "rural.model_villages", name: "乡村振兴示范村", unit: "个", rollUp: .last),
        Spec(code: "culture.activities", name: "文化惠民活动", unit: "场", rollUp: .sum),
        Spec(code: "ecology.grain_to_green", name: "退耕还林面积", unit: "万亩", rollUp: .sum),
        Spec(code: "ecology.coking_cut", name: "压减焦化产能", unit: "万吨", rollUp: .sum),
        Spec(code: "ecology.coking_task", name: "两年压减焦化产能任务", unit: "万吨", rollUp: .last),
        Spec(code: "air.pm25", name: "PM2.5平均浓度", unit: "μg/m³", direction: .lowerIsBetter),
        Spec(code: "skills.trained", name: "职业技能培训人数", unit: "人", rollUp: .sum),
        Spec(code: "skills.certified", name: "取得职业资格证书人数", unit: "人", rollUp: .sum),
        Spec(code: "education.schools", name: "新建改扩建学校", unit: "所", rollUp: .sum),
        Spec(code: "education.merged", name: "撤并学校", unit: "所", rollUp: .sum),
        Spec(code: "health.vaccinated_two_doses", name: "完成两剂次新冠疫苗接种人数", unit: "人", rollUp: .last),
        Spec(code: "health.daily_tests", name: "日核酸检测能力", unit: "份", rollUp: .last),
        Spec(code: "health.talents", name: "引进医疗人才", unit: "人", rollUp: .sum),
        Spec(code: "health.primary_visit_rate", name: "基层就诊率", unit: "%", decimals: 0, rollUp: .last),
        Spec(code: "health.county_visit_rate", name: "县域就诊率", unit: "%", decimals: 0, rollUp: .last),
        ledger("safety.inspection_groups", "安全生产巡回检查组", unit: "组", ["ledger": "safety-inspection"]),
        ledger("safety.inspectors", "安全生产巡回检查人员", unit: "人", ["ledger": "safety-inspection", "measure": "sum:members"]),
        cases("cases.liaison_batches", "市领导深入人大代表联络站批次", unit: "批次", ["measure": "batches", "source": "liaison_station"]),
        cases("cases.liaison_problems", "人大代表联络站收集问题", unit: "个", ["measure": "received", "source": "liaison_station"]),
        cases("cases.liaison_closed", "人大代表联络站问题已办结", unit: "个", ["measure": "closed", "source": "liaison_station"]),
        cases("cases.owned", "市领导包案信访事项", unit: "件", ["measure": "received", "owner_leader": "any"]),
        cases("cases.owned_resolved", "市领导包案信访事项已化解", unit: "件", ["measure": "resolved", "owner_leader": "any"]),
        cases("cases.backlog", "中央联席办交办信访积案", unit: "件", ["measure": "received", "backlog": "true", "handed_down_by": "中央联席办"]),
        cases(
            "cases.backlog_resolved", "中央联席办交办信访积案已化解", unit: "件", ["measure": "resolved", "backlog": "true", "handed_down_by": "中央联席办"]),
    ]

    /// Values departments reported for 吕梁市: (indicator, period, value).
    static let values: [(String, String, String)] = [
        ("investment.cooperation_projects", "2021-H1", "12"),
        ("investment.promotion_events", "2021-H1", "11"), ("rural.industry_fund", "2021", "5.88"), ("rural.industry_fund", "2020", "5.126"),
        ("rural.agri_projects", "2021-H1", "176"), ("rural.agri_investment", "2021-H1", "105"),
        ("economy.primary_value_added", "2021-H1", "22.9"), ("economy.primary_value_added", "2020-H1", "20.78"),
        ("rural.expert_teams", "2021-H1", "13"), ("rural.farmers_trained", "2021-H1", "4940"),
        ("rural.model_villages", "2021-H1", "100"), ("culture.activities", "2021-H1", "21"), ("ecology.grain_to_green", "2021-H1", "82"),
        ("ecology.coking_cut", "2021-H1", "140"), ("ecology.coking_task", "2021-H1", "832"), ("air.pm25", "2021-01..2021-05", "38"),
        ("skills.trained", "2021-H1", "19000"), ("skills.certified", "2021-H1", "11000"), ("education.schools", "2021-H1", "25"),
        ("education.merged", "2021-H1", "145"), ("health.vaccinated_two_doses", "2021-H1", "900000"),
        ("health.daily_tests", "2021-H1", "40000"), ("health.talents", "2021-H1", "300"),
        ("health.primary_visit_rate", "2020", "50"),
        ("health.primary_visit_rate", "2021-H1", "58"), ("health.county_visit_rate", "2020", "80"), ("health.county_visit_rate", "2021-H1", "84"),
    ]

    /// PM2.5 of January–May 2021 (μg/m³) of the peer cities outside the division tree.
    static let pm25: [(String, String)] = [
        ("140100", "55"), ("140200", "41"), ("140300", "52"), ("140400", "50"), ("140500", "53"), ("140600", "44"), ("140700", "54"),
        ("140800", "62"), ("140900", "43"), ("141000", "63"), ("410300", "58"), ("411200", "49"), ("610100", "61"), ("610200", "46"),
        ("610300", "47"), ("610400", "60"), ("610500", "57"),
    ]

    static let template = #"""
        # 吕梁市2021年上半年工作进展

        ## 转型发展

        7月16日,全市“三个一批”活动签约项目{{ projects.signed.count | round: "2021年第三次" }}个、总投资{{ projects.signed.investment | round: "2021年第三次" | 亿元 }}亿元,开工项目{{ projects.started.count | round: "2021年第三次" }}个、总投资{{ projects.started.investment | round: "2021年第三次" | 亿元 }}亿元,投产项目{{ projects.producing.count | round: "2021年第三次" }}个、总投资{{ projects.producing.investment | round: "2021年第三次" | 亿元 }}亿元。

        1—5月,全市累计签约项目{{ projects.signed.count | period: 2021-01..2021-05 }}个、总投资{{ projects.signed.investment | period: 2021-01..2021-05 | 亿元 | decimals: 0 }}亿元,开工项目{{ projects.started.count | period: 2021-01..2021-05 }}个、总投资{{ projects.started.investment | period: 2021-01..2021-05 | 亿元 | decimals: 0 }}亿元,投产项目{{ projects.producing.count | period: 2021-01..2021-05 }}个、预计年产值{{ projects.producing.output | period: 2021-01..2021-05 | 亿元 | decimals: 0 }}亿元。与央企、省企签约合作项目{{ investment.cooperation_projects }}个。

        深化“放管服”改革,完成{{ reform.approval_items | period: 2021..2099 }}项涉企事项审批制度改革,{{ service.items_online | period: 2021..2099 }}个事项实现全程网上办理,{{ service.items_one_window | period: 2021..2099 }}个事项纳入一窗受理。开展招商推介活动{{ investment.promotion_events }}场;第十二届中博会上签约项目{{ projects.signed.count | round: "第十二届中博会" }}个、总投资{{ projects.signed.investment | round: "第十二届中博会" | 亿元 | decimals: 0 }}亿元。

        ## 乡村振兴

        今年市级财政投入产业帮扶资金{{ rural.industry_fund | period: 2021 }}亿元,{{ rural.industry_fund | period: 2021 | change: last_year }}。实施农业项目{{ rural.agri_projects }}个、总投资{{ rural.agri_investment | decimals: 0 }}亿元;第一产业增加值{{ economy.primary_value_added }}亿元,{{ economy.primary_value_added | change: last_year }}。组建农业专家服务团{{ rural.expert_teams }}个,培训农民{{ rural.farmers_trained }}人次。选派驻村工作队{{ rural.village_teams | period: 2021..2099 }}个,队员{{ rural.village_team_members | period: 2021..2099 }}人,其中第一书记{{ rural.first_secretaries | period: 2021..2099 }}人;创建乡村振兴示范村{{ rural.model_villages }}个,开展文化惠民活动{{ culture.activities }}场,精准确定软弱涣散村党组织{{ party.weak_villages | period: 2021..2099 }}个。

        ## 生态环境

        完成退耕还林{{ ecology.grain_to_green }}万亩;压减焦化产能{{ ecology.coking_cut }}万吨,两年压减任务{{ ecology.coking_task }}万吨。1—5月,全市PM2.5平均浓度在{{ ranking: air.pm25 | group: 山西省 | period: 2021-01..2021-05 }}、在{{ ranking: air.pm25 | group: 汾渭平原 | period: 2021-01..2021-05 }}。

        ## 民生

        市领导{{ cases.liaison_batches | period: 2021 }}批次深入人大代表联络站,收集问题{{ cases.liaison_problems | period: 2021 }}个,办结{{ cases.liaison_closed | period: 2021 }}个;市领导带头包案{{ cases.owned | period: 2021 }}件、化解{{ cases.owned_resolved | period: 2021 }}件,中央联席办交办的{{ cases.backlog | period: 2016..2020 }}件信访积案,已化解{{ cases.backlog_resolved | period: 2016..2020 }}件。开展职业技能培训{{ skills.trained | 万 | decimals: 1 }}万人,{{ skills.certified | 万 | decimals: 1 }}万人取得证书。新建改扩建学校{{ education.schools }}所,撤并{{ education.merged }}所。全市{{ health.vaccinated_two_doses | 万 | decimals: 0 }}万人完成两剂次疫苗接种,日核酸检测能力达{{ health.daily_tests | 万 | decimals: 0 }}万份,引进医疗人才约{{ health.talents }}名;到2022年底,基层就诊率达到{{ target: health.primary_visit_rate | due: 2022-12-31 }}%、县域就诊率达到{{ target: health.county_visit_rate | due: 2022-12-31 }}%。全市共派出{{ safety.inspection_groups | period: 2021..2099 }}组{{ safety.inspectors | period: 2021..2099 }}人开展安全生产巡回检查。
        """#

    /// Loads everything; refuses (changing nothing) when indicators exist already.
    static func load(_ demo: DemoContext) async throws -> Int {
        let db = demo.db, actor = demo.actor
        let existing = try await IndicatorRecord.query(on: db).count()
        guard existing == 0 else {
            throw DemoRefused(message: "数据库中已有\(existing)个指标:指标演示数据只能载入没有指标的数据库,未做任何修改")
        }
        var records: [String: IndicatorRecord] = [:]
        for s in specs {
            let indicator = Indicator(
                code: IndicatorCode(s.code)!, name: s.name, unit: s.unit, displayScale: s.scale, decimals: s.decimals, direction: s.direction,
                rollUp: s.rollUp, ownerDivision: city, source: s.query.map { .computed($0, denominator: nil) } ?? .manual)
            records[s.code] = try await IndicatorService.create(indicator, actor: actor, on: db)
        }
        let entries = try values.map { code, period, value in
            ValueService.Entry(
                indicator: records[code]!, division: city, period: try Period(period), value: try ExactDecimal(value), note: "演示数据",
                sourceDocument: "吕梁市2021年上半年工作进展")
        }
        _ = try await ValueService.set(entries, channel: "demo", actor: actor, on: db)
        let period = try Period("2021-01..2021-05")
        for (member, value) in pm25 {
            try await ValueService.setPeer(
                records["air.pm25"]!, memberCode: member, period: period, value: try ExactDecimal(value), note: "演示数据", actor: actor, on: db)
        }
        for (code, value, baseline) in [("health.primary_visit_rate", 65, 50), ("health.county_visit_rate", 90, 80)] {
            _ = try await TargetService.create(
                indicator: records[code]!, division: city,
                fields: .init(
                    value: ExactDecimal(value), due: CivilDate(iso: "2022-12-31"), baseline: .some((try Period("2020"), ExactDecimal(baseline))),
                    note: "明年底前实现"),
                actor: actor, on: db)
        }
        let dashboard: [(String, Period.Kind)] = [
            ("projects.signed.count", .quarter), ("projects.signed.investment", .quarter), ("projects.started.count", .quarter),
            ("projects.producing.count", .quarter), ("rural.industry_fund", .year), ("economy.primary_value_added", .halfYear),
            ("health.primary_visit_rate", .halfYear), ("skills.trained", .halfYear),
        ]
        try await DashboardService.set(city, items: dashboard.map { .init(record: records[$0.0]!, periodKind: $0.1) }, actor: actor, on: db)
        let problems = try await BriefingService.problems(body: template, scope: demo.scope, on: db)
        guard problems.isEmpty else { throw CommandFailure(message: "演示简报模板有误:" + problems.map(\.message).joined(separator: ";")) }
        _ = try await BriefingService.create(
            .init(
                name: templateName, description: "按《吕梁日报》上半年工作进展报道的事实陈述编写", body: template, defaultPeriod: try Period("2021-H1"),
                division: city),
            actor: actor, on: db)
        return specs.count
    }
}
