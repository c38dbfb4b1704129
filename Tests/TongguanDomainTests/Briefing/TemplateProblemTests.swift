import Testing

@testable import TongguanDomain

@Suite("Briefing template parser: refused templates, with line, column and reason")
struct TemplateProblemTests {
    typealias F = IndicatorFixtures

    func problems(_ text: String, catalogue: TemplateCatalogue? = IndicatorFixtures.catalogue) -> [TemplateProblem] {
        do {
            _ = try BriefingTemplate(parsing: text, catalogue: catalogue)
            return []
        } catch {
            return error.problems
        }
    }

    func one(_ text: String) -> (Int, Int, String)? {
        let found = problems(text)
        #expect(found.count == 1, "expected one problem, got \(found.map(\.text))")
        return found.first.map { ($0.line, $0.column, $0.message) }
    }

    @Test(
        "syntax problems",
        arguments: [
            ("前文{{ projects.signed.count", 1, 3, "占位符没有闭合:同一行内缺少「}}」(占位符不能跨行;要写字面的{{请写作\\{{)"),
            ("{{ projects.signed.count\n}}", 1, 1, "占位符没有闭合:同一行内缺少「}}」(占位符不能跨行;要写字面的{{请写作\\{{)"),
            ("{{ projects.signed.count | round: 1 {{ air.pm25 }}", 1, 1, "占位符没有闭合:在下一个「{{」之前缺少「}}」"),
            (#"{{ projects.signed.count | round: "abc }}"#, 1, 1, "占位符没有闭合:引号没有配对"),
            ("{{ }}", 1, 3, "占位符是空的,应写指标编码,如 {{ projects.signed.count }}"),
            ("{{ | round: 1 }}", 1, 3, "「|」前缺少指标编码"),
            ("{{ projects.signed.count | }}", 1, 27, "「|」后缺少内容"),
            ("{{ projects.signed.count || 万 }}", 1, 27, "「|」后缺少内容"),
            ("{{ projects.signed.count | round: }}", 1, 33, "参数「round」缺少值"),
            ("{{ projects.signed.count | : x }}", 1, 28, "「:」前缺少参数名"),
            ("{{ projects.signed.count | round: 第 三次 }}", 1, 35, "参数「round」的值含有空格,请用双引号括起来,如 round: \"第 三次\""),
            (#"{{ projects.signed.count | round: "第三次"x }}"#, 1, 40, "参数「round」的引号后还有多余内容,值应整体放在引号内"),
            (#"{{ projects.signed.count | round: 第"三"次 }}"#, 1, 35, "参数「round」的值中有引号:整个值应放在一对引号内,引号本身写作 \\\""),
            ("{{ projects.signed.count | 亿 元 }}", 1, 28, "「亿 元」不是参数:参数写作「名称: 值」,单位词(如 亿元)单独写"),
            ("{{ Projects.Count }}", 1, 4, "指标编码「Projects.Count」不正确:编码只能使用小写英文字母、数字、下划线和点,不能含「P」"),
            ("{{ period: 2021 }}", 1, 4, "占位符应以指标编码(如 projects.signed.count)、「ranking:」或「target:」开头,「period」不是"),
            ("{{ projects.signed.count | colour: red }}", 1, 28, "未知参数「colour」,可用参数:period、round、division、decimals、change、filter.名称"),
            (
                "{{ projects.signed.count | group: 汾渭平原 }}", 1, 28,
                "未知参数「group」(该参数只用于 ranking: 排名占位符),可用参数:period、round、division、decimals、change、filter.名称"
            ),
            ("{{ projects.signed.count | period: 2021 | period: 2022 }}", 1, 43, "参数「period」重复"),
            ("{{ projects.signed.count | period: 2021-13 }}", 1, 36, "期间「2021-13」的月份应为01—12"),
            ("{{ projects.signed.count | period: 2021-05..2021-01 }}", 1, 36, "期间「2021-05..2021-01」的起点晚于终点,应先写较早的期间"),
            ("{{ projects.signed.count | round: 第三次 | period: 2021 }}", 1, 28, "「round」与「period」不能同时使用:按批次统计时不看期间"),
            ("{{ projects.signed.count | division: 1411 }}", 1, 38, "「division」区划代码应为6位、9位或12位数字(当前为4位)"),
            ("{{ projects.signed.count | division: 141199 }}", 1, 38, "未知的区划代码「141199」"),
            ("{{ projects.signed.count | decimals: 7 }}", 1, 38, "「decimals」应为0到6的整数"),
            ("{{ projects.signed.count | decimals: -1 }}", 1, 38, "「decimals」应为0到6的整数"),
            ("{{ projects.signed.count | change: yoy }}", 1, 36, "「change」应为 previous(环比)或 last_year(同比)"),
            ("{{ projects.signed.count | filter.Stage: x }}", 1, 28, "筛选参数应写作 filter.名称(名称用小写英文字母、数字和下划线),「filter.Stage」不符合"),
            ("{{ projects.signed.count | 千元 }}", 1, 28, "未知的单位词或参数「千元」,单位词可用:元、万元、亿元、万、亿、%;参数写作「名称: 值」"),
            ("{{ projects.signed.investment | 亿元 | 万元 }}", 1, 38, "一个占位符只能有一个单位词"),
            ("{{ rural.industry_fund | change: last_year | 亿元 }}", 1, 46, "增减幅度以%或百分点表示,不能再指定单位词「亿元」"),
        ])
    func syntax(text: String, line: Int, column: Int, message: String) {
        let found = one(text)
        #expect(found?.0 == line)
        #expect(found?.1 == column)
        #expect(found?.2 == message)
    }

    @Test(
        "catalogue problems",
        arguments: [
            ("{{ air.pm10 }}", 1, 4, "未知指标「air.pm10」"),
            ("{{ air.pm25 | round: 第三次 }}", 1, 15, "指标「PM2.5平均浓度」是手工填报指标,不能使用「round」"),
            ("{{ cases.resolved.rate | round: 第三次 }}", 1, 26, "指标「信访积案化解率」的查询没有参数「round」,不能使用「round」"),
            ("{{ cases.resolved.rate | filter.source: email }}", 1, 41, "「filter.source」应为liaison_station、petition、hotline、leader_visit之一"),
            ("{{ projects.signed.count | filter.colour: red }}", 1, 28, "指标「签约项目数」的查询没有参数「colour」,不能使用「filter.colour」"),
            ("{{ skills.trainees | 亿元 }}", 1, 22, "「亿元」只能用于金额指标(单位为元、万元或亿元),该指标单位为「人」"),
            ("{{ projects.signed.investment | % }}", 1, 33, "「%」只能用于无单位的比值指标,该指标单位为「亿元」"),
            ("{{ ranking: air.pm25 }}", 1, 1, "排名占位符须用「group:」指明比较组,如 group: 汾渭平原"),
            ("{{ ranking: air.pm25 | group: 京津冀 }}", 1, 31, "未知的比较组「京津冀」,已有:山西省、汾渭平原"),
            ("{{ ranking: air.pm25 | group: 汾渭平原 | group_year: 2023 }}", 1, 31, "比较组「汾渭平原」没有2023年的名单(已有:2018)"),
            ("{{ ranking: air.pm25 | group: 汾渭平原 | group_year: 18 }}", 1, 50, "「group_year」应为四位年份,如 2018"),
            ("{{ ranking: air.pm25 | group: 汾渭平原 | member: 110000 }}", 1, 46, "比较组「汾渭平原」(2018年)中没有代码为「110000」的成员"),
            ("{{ ranking: air.pm25 | group: 汾渭平原 | round: 第三次 }}", 1, 38, "排名占位符不支持参数「round」,可用参数:group、group_year、period、member、rank_phrase"),
            ("{{ ranking: air.pm25 | group: 汾渭平原 | 万 }}", 1, 38, "排名占位符不能带单位词或其他内容「万」"),
            ("{{ ranking: air.pm25 | group: 汾渭平原 | rank_phrase: best }}", 1, 51, "「rank_phrase」应为 auto(最高/最低,居中时写名次)或 position(总写第N)"),
        ])
    func catalogue(text: String, line: Int, column: Int, message: String) {
        let found = one(text)
        #expect(found?.0 == line)
        #expect(found?.1 == column)
        #expect(found?.2 == message)
    }

    @Test("two groups with one name need the year")
    func ambiguousGroup() {
        var catalogue = F.catalogue
        catalogue.peerGroups.append(F.fenwei2023)
        let found = problems("{{ ranking: air.pm25 | group: 汾渭平原 }}", catalogue: catalogue)
        #expect(found.map(\.message) == ["比较组「汾渭平原」有2018、2023年多个名单,请用 group_year 指明年份"])
        #expect(problems("{{ ranking: air.pm25 | group: 汾渭平原 | group_year: 2023 }}", catalogue: catalogue).isEmpty)
    }

    @Test("every problem of a template is reported, in reading order, each on its own line and column")
    func everyProblem() {
        let text = """
            # 简报
            签约{{ projects.signed.count | round: 第三次 | colour: red }}个,
            投资{{ projects.signed.investment | 万 }}亿元;
            PM2.5{{ ranking: air.pm25 | group: 京津冀 | period: 2021-13 }}
            未闭合{{ air.pm25
            {{ air.pm10 }}
            """
        let found = problems(text)
        #expect(found.map(\.line) == [2, 3, 4, 4, 5, 6])
        #expect(found.map(\.column) == [43, 35, 36, 50, 4, 4])
        #expect(
            found.map(\.text) == [
                "第2行第43列:未知参数「colour」,可用参数:period、round、division、decimals、change、filter.名称",
                "第3行第35列:「万」只能用于计数或计量指标,该指标单位为「亿元」",
                "第4行第36列:未知的比较组「京津冀」,已有:山西省、汾渭平原",
                "第4行第50列:期间「2021-13」的月份应为01—12",
                "第5行第4列:占位符没有闭合:同一行内缺少「}}」(占位符不能跨行;要写字面的{{请写作\\{{)",
                "第6行第4列:未知指标「air.pm10」",
            ])
    }

    @Test("problems become a refusal listing each with its place")
    func refusal() {
        do {
            _ = try BriefingTemplate(parsing: "{{ air.pm10 }}\n{{ x", catalogue: F.catalogue)
            Issue.record("expected problems")
        } catch {
            let refusal = error.refusal()
            #expect(refusal.kind == .invalid)
            #expect(refusal.message == "共有2处错误,请逐项修改")
            #expect(refusal.problems.map(\.field) == ["body", "body"])
            #expect(refusal.problems.first?.message == "第1行第4列:未知指标「air.pm10」")
            #expect(error.refusal(field: "template").problems.first?.field == "template")
        }
    }
}
