@testable import TongguanDomain

/// Query kinds and indicators from the article, shared by the indicator and briefing tests.
enum IndicatorFixtures {
    static let registry = QueryKindRegistry([
        QueryKindSpec(
            kind: "projects.summary", label: "三个一批项目汇总",
            parameters: [
                QueryParameterSpec(name: "stage", label: "阶段", required: true, allowedValues: ["signed", "started", "producing"]),
                QueryParameterSpec(name: "measure", label: "统计量", required: true, allowedValues: ["count", "investment", "output"]),
                QueryParameterSpec(name: "round", label: "批次"),
                QueryParameterSpec(name: "industry", label: "产业类别"),
            ]),
        QueryKindSpec(
            kind: "cases.stats", label: "诉求统计",
            parameters: [
                QueryParameterSpec(name: "measure", label: "统计量", required: true, allowedValues: ["received", "closed", "resolved"]),
                QueryParameterSpec(name: "source", label: "来源", allowedValues: ["liaison_station", "petition", "hotline", "leader_visit"]),
            ]),
    ])

    static let lvliang = DivisionCode("141100")!

    static func code(_ s: String) -> IndicatorCode { IndicatorCode(s)! }

    static let signedCount = Indicator(
        code: code("projects.signed.count"), name: "签约项目数", unit: "个",
        direction: .higherIsBetter, ownerDivision: lvliang,
        source: .computed(IndicatorQuery(kind: "projects.summary", parameters: ["stage": "signed", "measure": "count"]), denominator: nil))
    static let signedInvestment = Indicator(
        code: code("projects.signed.investment"), name: "签约项目总投资", unit: "亿元",
        displayScale: 10, decimals: 2, direction: .higherIsBetter, ownerDivision: lvliang,
        source: .computed(IndicatorQuery(kind: "projects.summary", parameters: ["stage": "signed", "measure": "investment"]), denominator: nil))
    static let resolvedRate = Indicator(
        code: code("cases.resolved.rate"), name: "信访积案化解率", unit: "%", displayScale: -2,
        decimals: 1, direction: .higherIsBetter, ownerDivision: lvliang,
        source: .computed(
            IndicatorQuery(kind: "cases.stats", parameters: ["measure": "resolved"]),
            denominator: IndicatorQuery(kind: "cases.stats", parameters: ["measure": "received"])))
    static let pm25 = Indicator(
        code: code("air.pm25"), name: "PM2.5平均浓度", unit: "μg/m³", decimals: 0,
        direction: .lowerIsBetter, rollUp: .average, ownerDivision: lvliang, source: .manual)
    static let industryFund = Indicator(
        code: code("rural.industry_fund"), name: "市级财政产业帮扶资金", unit: "亿元", decimals: 2,
        direction: .higherIsBetter, rollUp: .sum, ownerDivision: lvliang, source: .manual)
    static let trainees = Indicator(
        code: code("skills.trainees"), name: "职业技能培训参训人数", unit: "人",
        direction: .higherIsBetter, rollUp: .sum, ownerDivision: lvliang, source: .manual)
    static let clinicRate = Indicator(
        code: code("health.primary_visit_rate"), name: "基层就诊率", unit: "%", decimals: 1,
        direction: .higherIsBetter, rollUp: .last, ownerDivision: lvliang, source: .manual)
    static let countyRate = Indicator(
        code: code("health.county_visit_rate"), name: "县域就诊率", unit: "%", decimals: 1,
        direction: .higherIsBetter, rollUp: .last, ownerDivision: lvliang, source: .manual)
    static let closedShare = Indicator(
        code: code("cases.closed.share"), name: "办结比例", unit: "", decimals: 4,
        direction: .higherIsBetter, ownerDivision: lvliang,
        source: .computed(
            IndicatorQuery(kind: "cases.stats", parameters: ["measure": "closed"]),
            denominator: IndicatorQuery(kind: "cases.stats", parameters: ["measure": "received"])))

    static let all = [signedCount, signedInvestment, resolvedRate, pm25, industryFund, trainees, clinicRate, countyRate, closedShare]

    static let fenwei2018 = PeerGroup(
        name: "汾渭平原", year: 2018,
        members: [
            ("晋中", "140700"), ("运城", "140800"), ("临汾", "141000"), ("吕梁", "141100"), ("洛阳", "410300"), ("三门峡", "411200"),
            ("西安", "610100"), ("铜川", "610200"), ("宝鸡", "610300"), ("咸阳", "610400"), ("渭南", "610500"),
        ].map { PeerMember(name: $0.0, code: $0.1) })
    static let fenwei2023 = PeerGroup(
        name: "汾渭平原", year: 2023, members: fenwei2018.members + [PeerMember(name: "晋城", code: "140500"), PeerMember(name: "阳泉", code: "140300")])
    static let shanxi = PeerGroup(
        name: "山西省", year: 2018,
        members: [
            ("太原", "140100"), ("大同", "140200"), ("阳泉", "140300"), ("长治", "140400"), ("晋城", "140500"), ("朔州", "140600"),
            ("晋中", "140700"), ("运城", "140800"), ("忻州", "140900"), ("临汾", "141000"), ("吕梁", "141100"),
        ].map { PeerMember(name: $0.0, code: $0.1) })

    static let catalogue = TemplateCatalogue(
        indicators: all, queryKinds: registry, peerGroups: [fenwei2018, shanxi],
        divisionNames: [lvliang: "吕梁市", DivisionCode("141124")!: "临县"])
}
