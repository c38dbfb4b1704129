import Testing

@testable import TongguanDomain

@Suite("Target placeholders, pending indicators and the documentation's HTML")
struct TargetPlaceholderTests {
    typealias F = IndicatorFixtures
    let context = BriefingContext(period: try! Period("2021-H1"), division: DivisionCode("141100")!)

    func target(_ value: String, due: String = "2022-12-31", indicator: Indicator = F.clinicRate) -> Target {
        Target(indicator: indicator.code, division: F.lvliang, value: try! ExactDecimal(value), due: CivilDate(iso: due)!)
    }

    @Test("a target placeholder parses with division, due, decimals and a scale word")
    func parses() throws {
        let t = try BriefingTemplate(
            parsing:
                "{{ target: health.primary_visit_rate | due: 2022-12-31 }}{{ target: health.county_visit_rate | division: 141124 | decimals: 1 }}",
            catalogue: F.catalogue)
        guard case .target(let a) = t.segments[0], case .target(let b) = t.segments[1] else {
            Issue.record("expected targets: \(t.segments)")
            return
        }
        #expect(a.indicator == F.clinicRate.code && a.due == CivilDate(iso: "2022-12-31") && a.division == nil)
        #expect(b.division == DivisionCode("141124") && b.decimals == 1 && b.due == nil)
        let r = t.requests(in: context, catalogue: F.catalogue)
        #expect(r[0].kind == .target(due: CivilDate(iso: "2022-12-31")) && r[0].division == F.lvliang)
        #expect(r[1].kind == .target(due: nil) && r[1].division == DivisionCode("141124"))
    }

    @Test("a target placeholder refuses unknown parameters, bad dates, words that do not fit, unknown indicators")
    func refuses() {
        func messages(_ text: String) -> [String] {
            do {
                _ = try BriefingTemplate(parsing: text, catalogue: F.catalogue)
                return []
            } catch { return error.problems.map(\.text) }
        }
        #expect(messages("{{ target: health.primary_visit_rate | period: 2021 }}") == ["第1行第40列:目标占位符不支持参数「period」,可用参数:division、due、decimals"])
        #expect(messages("{{ target: health.primary_visit_rate | due: 2022-13-01 }}") == ["第1行第45列:「due」应为期限日期,如 2022-12-31"])
        #expect(messages("{{ target: health.primary_visit_rate | 亿元 }}").first?.contains("只能用于金额指标") == true)
        #expect(messages("{{ target: health.unknown_rate }}") == ["第1行第12列:未知指标「health.unknown_rate」"])
    }

    @Test("the target value renders in the indicator's display; no target is a gap, never 0")
    func renders() throws {
        let t = try BriefingTemplate(
            parsing: "基层就诊率{{ target: health.primary_visit_rate }}%,县域就诊率{{ target: health.county_visit_rate | due: 2022-12-31 }}%",
            catalogue: F.catalogue)
        let outcomes: [Int: FigureOutcome] = [1: .target(target("65")), 3: .target(nil)]
        let r = BriefingRenderer.render(t, context: context, catalogue: F.catalogue, outcomes: outcomes, computedAt: "2021-07-16 10:00")
        #expect(r.markdown.contains("基层就诊率65.0[^1]%"))
        #expect(r.gaps.map(\.reason) == ["该区划尚未设定此指标的目标(期限2022-12-31)"])
        #expect(r.gaps.map(\.marker) == ["【缺:县域就诊率 2021-H1】"])
        #expect(r.footnotes[0].text == "基层就诊率(health.primary_visit_rate);区划:吕梁市(141100);目标;计算于2021-07-16 10:00")
        #expect(r.footnotes[1].details.contains("目标,期限2022-12-31"))
        let whole = try BriefingTemplate(parsing: "{{ target: health.primary_visit_rate | decimals: 0 }}", catalogue: F.catalogue)
        let w = BriefingRenderer.render(whole, context: context, catalogue: F.catalogue, outcomes: [0: .target(target("65"))], computedAt: "t")
        #expect(w.markdown.hasPrefix("65[^1]"))
    }

    @Test("a pending indicator is accepted on save and renders as a gap naming it")
    func pending() throws {
        var catalogue = F.catalogue
        let waiting = IndicatorCode("cases.liaison.received")!
        #expect(throws: TemplateProblems.self) { try BriefingTemplate(parsing: "{{ cases.liaison.received }}", catalogue: catalogue) }
        catalogue.pendingIndicators = [waiting]
        let t = try BriefingTemplate(parsing: "收集{{ cases.liaison.received | period: 2021 }}个问题", catalogue: catalogue)
        let r = BriefingRenderer.render(t, context: context, catalogue: catalogue, outcomes: [:], computedAt: "t")
        #expect(r.gaps.map(\.marker) == ["【缺:cases.liaison.received 2021】"])
        #expect(r.gaps.map(\.reason) == ["指标「cases.liaison.received」未定义或已删除"])
        #expect(r.markdown.contains("收集【缺:cases.liaison.received 2021】[^1]个问题"))
        // The server may say why the indicator is still missing (its query kind is not registered).
        let why = BriefingRenderer.render(
            t, context: context, catalogue: catalogue, outcomes: [1: .unavailable("查询类型「cases.stats」尚未登记")], computedAt: "t")
        #expect(why.gaps.map(\.reason) == ["查询类型「cases.stats」尚未登记"])
        #expect(why.markdown.contains("收集【缺:cases.liaison.received 2021】[^1]个问题"))
    }

    @Test("documentation Markdown: headings, code, tables with pipes in code, lists, bold; everything escaped")
    func documentation() {
        let html = DocumentationHTML.render(
            """
            # 标题 <x>

            一段 `{{ a | b }}` 与 **加粗** 与 ** 孤立

            ```
            {{ projects.signed.count | round: "2021年第三次" }}<b>
            ```

            | 参数 | 示例 |
            |---|---|
            | `period` | `{{ … | 万 }}` |

            1. 第一
            2. **第二**
               - 子项
            """)
        #expect(html.contains("<h1>标题 &lt;x&gt;</h1>"))
        #expect(html.contains("<p>一段 <code>{{ a | b }}</code> 与 <strong>加粗</strong> 与 ** 孤立</p>"))
        #expect(html.contains("<pre><code>{{ projects.signed.count | round: &quot;2021年第三次&quot; }}&lt;b&gt;</code></pre>"))
        #expect(
            html.contains(
                "<thead><tr><th>参数</th><th>示例</th></tr></thead><tbody><tr><td><code>period</code></td><td><code>{{ … | 万 }}</code></td></tr></tbody>")
        )
        #expect(html.contains("<ol><li>第一</li><li><strong>第二</strong><ul><li>子项</li></ul></li></ol>"))
        #expect(!html.contains("<x>") && !html.contains("<b>"))
        let rule = DocumentationHTML.render(Target.statusRule)
        #expect(rule.contains("<strong>按期可达</strong>") && rule.contains("<ol>"))
        let syntax = DocumentationHTML.render(BriefingSyntax.documentation)
        #expect(syntax.contains("<h2>目标占位符</h2>") && syntax.components(separatedBy: "<table>").count - 1 == 4)
    }
}
