import Foundation
import Testing

@testable import TongguanDomain

@Suite("Briefing template parser: valid templates")
struct TemplateParserTests {
    typealias F = IndicatorFixtures
    func parse(_ text: String) throws -> BriefingTemplate { try BriefingTemplate(parsing: text, catalogue: F.catalogue) }
    func figure(_ t: BriefingTemplate, _ i: Int) -> FigureSpec? {
        if case .figure(let f) = t.segments[i] { return f }
        return nil
    }

    @Test("the issue's example: text and figures with round and a scale word")
    func issueExample() throws {
        let t = try parse(#"签约一批项目{{ projects.signed.count | round: "2021年第三次" }}个,总投资额{{ projects.signed.investment | round: "2021年第三次" | 亿元 }}亿元"#)
        #expect(t.segments.count == 5)
        #expect(t.segments[0] == .text("签约一批项目"))
        #expect(t.segments[2] == .text("个,总投资额"))
        #expect(t.segments[4] == .text("亿元"))
        let count = try #require(figure(t, 1))
        #expect(count.indicator.rawValue == "projects.signed.count")
        #expect(count.queryOverrides == ["round": "2021年第三次"])
        #expect(count.scaleWord == nil && count.period == nil && count.division == nil && count.decimals == nil)
        #expect(count.location == TemplateLocation(line: 1, column: 7))
        #expect(count.source == #"{{ projects.signed.count | round: "2021年第三次" }}"#)
        let investment = try #require(figure(t, 3))
        #expect(investment.scaleWord == .yiYuan)
        #expect(t.indicators.map(\.rawValue) == ["projects.signed.count", "projects.signed.investment"])
        #expect(t.placeholders.map(\.index) == [1, 3])
    }

    @Test("the ranking example")
    func rankingExample() throws {
        let t = try parse("PM2.5平均浓度在{{ ranking: air.pm25 | group: 汾渭平原 | period: 2021-01..2021-05 }}")
        guard case .ranking(let r) = t.segments[1] else { Issue.record("expected a ranking"); return }
        #expect(r.indicator == F.pm25.code)
        #expect(r.group == "汾渭平原" && r.groupYear == nil && r.member == nil && r.style == .auto)
        #expect(r.period == (try Period("2021-01..2021-05")))
        #expect(r.location == TemplateLocation(line: 1, column: 11))
    }

    @Test("every figure parameter, comparisons, and every scale word")
    func parameters() throws {
        let t = try parse(
            """
            {{ skills.trainees | period: 2021-H1 | division: 141124 | decimals: 0 | 万 }}
            {{ rural.industry_fund | period: 2021 | change: last_year | decimals: 2 }}{{ rural.industry_fund | change: 环比 }}
            {{ projects.signed.count | filter.industry: 白酒 }}{{ cases.closed.share | % }}{{ projects.signed.investment | 万元 }}{{ projects.signed.investment | 元 }}{{ skills.trainees | 亿 }}
            """)
        let trainees = try #require(figure(t, 0))
        #expect(trainees.period == (try Period("2021-H1")))
        #expect(trainees.division == DivisionCode("141124"))
        #expect(trainees.decimals == 0 && trainees.scaleWord == .wan)
        guard case .comparison(let fund, let basis) = t.segments[2], case .comparison(_, let basis2) = t.segments[3] else {
            Issue.record("expected comparisons")
            return
        }
        #expect(basis == .lastYear && basis2 == .previous && fund.decimals == 2)
        #expect(figure(t, 5)?.queryOverrides == ["industry": "白酒"])
        #expect(figure(t, 6)?.scaleWord == .percent)
        #expect(figure(t, 7)?.scaleWord == .wanYuan)
        #expect(figure(t, 8)?.scaleWord == .yuan)
        #expect(figure(t, 9)?.scaleWord == .yi)
        #expect(figure(t, 6)?.location == TemplateLocation(line: 3, column: 50))
    }

    @Test("ranking parameters")
    func rankingParameters() throws {
        let t = try parse(
            "{{ ranking: air.pm25 | group: 汾渭平原 | group_year: 2018 | member: 610100 | rank_phrase: position }}{{ ranking: air.pm25 | group: 山西省 | rank_phrase: 第N }}{{ ranking: air.pm25 | group: 山西省 | rank_phrase: 最低 }}"
        )
        guard case .ranking(let a) = t.segments[0], case .ranking(let b) = t.segments[1], case .ranking(let c) = t.segments[2] else {
            Issue.record("expected rankings")
            return
        }
        #expect(a.groupYear == 2018 && a.member == "610100" && a.style == .position)
        #expect(b.style == .position && c.style == .auto)
    }

    @Test("quoting: spaces, pipes, braces and escaped quotes inside values; Chinese quotes")
    func quoting() throws {
        let t = try parse(#"{{ projects.signed.count | round: "2021年 第三次 | 集中}}开工 \"重点\" \\ " }}{{ projects.signed.count | round: “第三次 活动” }}"#)
        #expect(figure(t, 0)?.queryOverrides["round"] == #"2021年 第三次 | 集中}}开工 "重点" \ "#)
        #expect(figure(t, 1)?.queryOverrides["round"] == "第三次 活动")
    }

    @Test("full-width separators and spacing are accepted")
    func fullWidth() throws {
        let t = try parse(
            "{{projects.signed.count|round:第三次}}{{ projects.signed.count | round: 第三次 }}{{  projects.signed.count   |   round :  第三次  }}")
        #expect(t.segments.count == 3)
        for i in 0..<3 { #expect(figure(t, i)?.queryOverrides == ["round": "第三次"]) }
    }

    @Test("escapes: \\{{ is a literal, other backslashes and lone braces stay as written")
    func escapes() throws {
        let t = try parse(#"写法示例:\{{ 指标 }} 与 {单个} 与 }} 与 \n 与 \{ 结束"#)
        #expect(t.segments == [.text(#"写法示例:{{ 指标 }} 与 {单个} 与 }} 与 \n 与 \{ 结束"#)])
        #expect(t.placeholders.isEmpty)
    }

    @Test("multi-line Markdown keeps its text; locations count lines and characters")
    func lines() throws {
        let t = try parse("# 吕梁市工作进展\n\n一、转型发展\r\n今年1至5月签约项目{{ projects.signed.count | period: 2021-01..2021-05 }}个。\n")
        #expect(t.segments.first == .text("# 吕梁市工作进展\n\n一、转型发展\r\n今年1至5月签约项目"))
        #expect(figure(t, 1)?.location == TemplateLocation(line: 4, column: 11))
        #expect(t.segments.last == .text("个。\n"))
    }

    @Test("without a catalogue only the syntax is checked")
    func syntaxOnly() throws {
        let t = try BriefingTemplate(parsing: "{{ unknown.code | round: x | 亿元 }}{{ ranking: a.b | group: 无此组 }}")
        #expect(t.placeholders.count == 2)
    }

    @Test("an empty template and a template without placeholders are valid")
    func trivial() throws {
        #expect(try parse("").segments.isEmpty)
        #expect(try parse("只有文字。").segments == [.text("只有文字。")])
    }

    @Test("every example in the syntax documentation parses against the catalogue")
    func documentationExamples() throws {
        let doc = BriefingSyntax.documentation
        let blocks = doc.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(blocks.count == 4)
        for block in blocks {
            let template = try parse(block)
            #expect(!template.placeholders.isEmpty)
        }
    }
}
