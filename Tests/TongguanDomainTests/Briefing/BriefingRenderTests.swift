import Testing

@testable import TongguanDomain

@Suite("Briefing requests and rendering (Markdown and HTML)")
struct BriefingRenderTests {
    typealias F = IndicatorFixtures
    func p(_ s: String) -> Period { try! Period(s) }
    func d(_ s: String) -> ExactDecimal { try! ExactDecimal(s) }
    let context = BriefingContext(period: try! Period("2021-01..2021-05"), division: DivisionCode("141100")!)

    let text = """
        # 吕梁市工作进展

        7月16日,吕梁市签约一批项目{{ projects.signed.count | round: "2021年第三次" }}个,总投资额{{ projects.signed.investment | round: "2021年第三次" | 亿元 }}亿元。
        今年市级财政投入产业帮扶资金{{ rural.industry_fund | period: 2021 }}亿元,{{ rural.industry_fund | period: 2021 | change: last_year }}。
        1-5月PM2.5平均浓度在{{ ranking: air.pm25 | group: 汾渭平原 }}。
        基层就诊率{{ health.primary_visit_rate | period: 2021-05 }}%。
        """

    var template: BriefingTemplate { try! BriefingTemplate(parsing: text, catalogue: F.catalogue) }

    var pm25Ranking: Ranking {
        var values: [String: ExactDecimal] = [:]
        for (i, m) in F.fenwei2018.members.enumerated() { values[m.code] = ExactDecimal(50 + i) }
        values["141100"] = d("38")
        return Ranking(group: F.fenwei2018, period: p("2021-01..2021-05"), direction: .lowerIsBetter, values: values)
    }

    var outcomes: [Int: FigureOutcome] {
        let r = template.requests(in: context, catalogue: F.catalogue)
        return [
            r[0].index: .value(.value(ExactDecimal(42), from: [context.period])),
            r[1].index: .value(.value(d("1836100000000"), from: [context.period])),
            r[2].index: .value(.value(d("5.88"), from: [p("2021")])),
            r[3].index: .comparison(current: .value(d("5.88"), from: [p("2021")]), base: .value(d("5.126"), from: [p("2020")])),
            r[4].index: .ranking(pm25Ranking),
            r[5].index: .value(.gap(missing: [p("2021-05")])),
        ]
    }

    @Test("one request per placeholder, with the briefing's period and division as defaults")
    func requests() {
        let r = template.requests(in: context, catalogue: F.catalogue)
        #expect(r.map(\.index) == [1, 3, 5, 7, 9, 11])
        #expect(r[0].period == context.period && r[0].division == context.division)
        #expect(r[0].queryOverrides == ["round": "2021年第三次"] && r[0].kind == .value)
        #expect(r[2].period == p("2021"))
        #expect(r[3].kind == .comparison(.lastYear, basePeriod: p("2020")))
        #expect(r[4].kind == .ranking(group: F.fenwei2018, memberCode: "141100", style: .auto))
        #expect(r[4].period == context.period)
        #expect(r[5].indicator == F.clinicRate.code)
    }

    @Test("a placeholder's own division and member override the context; a vanished group is nil")
    func overrides() throws {
        let t = try BriefingTemplate(
            parsing: "{{ skills.trainees | division: 141124 }}{{ ranking: air.pm25 | group: 汾渭平原 | member: 610100 | rank_phrase: position }}",
            catalogue: F.catalogue)
        let r = t.requests(in: BriefingContext(period: p("2021"), division: DivisionCode("141100")!, memberCode: "LL"), catalogue: F.catalogue)
        #expect(r[0].division == DivisionCode("141124"))
        #expect(r[1].kind == .ranking(group: F.fenwei2018, memberCode: "610100", style: .position))
        var emptied = F.catalogue
        emptied.peerGroups = []
        #expect(t.requests(in: context, catalogue: emptied)[1].kind == .ranking(group: nil, memberCode: "610100", style: .position))
        let previous = try BriefingTemplate(
            parsing: "{{ skills.trainees | period: 2021-05 | change: previous }}{{ skills.trainees | period: 1900 | change: previous }}",
            catalogue: F.catalogue)
        let pr = previous.requests(in: context, catalogue: F.catalogue)
        #expect(pr[0].kind == .comparison(.previous, basePeriod: p("2021-04")))
        #expect(pr[1].kind == .comparison(.previous, basePeriod: nil))
    }

    @Test("the article's figures: numbers, a change, a rank sentence, and a gap listed at the top")
    func markdown() {
        let rendered = BriefingRenderer.render(template, context: context, catalogue: F.catalogue, outcomes: outcomes, computedAt: "2021-07-16 10:00")
        #expect(rendered.gaps == [BriefingGap(number: 6, indicatorName: "基层就诊率", periods: [p("2021-05")], reason: "该期间没有数值")])
        #expect(
            rendered.markdown == """
                > 本简报有1处数据缺失:
                > - 【缺:基层就诊率 2021-05】该期间没有数值[^6]

                # 吕梁市工作进展

                7月16日,吕梁市签约一批项目42[^1]个,总投资额183.61[^2]亿元。
                今年市级财政投入产业帮扶资金5.88[^3]亿元,增长14.7%[^4]。
                1-5月PM2.5平均浓度在汾渭平原(2018年划定)11个城市中最低[^5]。
                基层就诊率【缺:基层就诊率 2021-05】[^6]%。

                [^1]: 签约项目数(projects.signed.count);区划:吕梁市(141100);批次:2021年第三次;计算于2021-07-16 10:00
                [^2]: 签约项目总投资(projects.signed.investment);区划:吕梁市(141100);批次:2021年第三次;计算于2021-07-16 10:00
                [^3]: 市级财政产业帮扶资金(rural.industry_fund);期间:2021年(2021);区划:吕梁市(141100);计算于2021-07-16 10:00
                [^4]: 市级财政产业帮扶资金(rural.industry_fund);期间:2021年(2021);区划:吕梁市(141100);比较:同比,比较期2020年(2020);计算于2021-07-16 10:00
                [^5]: PM2.5平均浓度(air.pm25);期间:2021年1—5月(2021-01..2021-05);比较组:汾渭平原(2018年划定,11个城市);成员代码:141100;计算于2021-07-16 10:00
                [^6]: 基层就诊率(health.primary_visit_rate);期间:2021年5月(2021-05);区划:吕梁市(141100);计算于2021-07-16 10:00

                """)
    }

    @Test("no gaps: no gap list; figures are never shown as 0 when missing")
    func noGaps() {
        var all = outcomes
        all[11] = .value(.value(d("63.5"), from: [p("2021-05")]))
        let rendered = BriefingRenderer.render(template, context: context, catalogue: F.catalogue, outcomes: all, computedAt: "t")
        #expect(rendered.gaps.isEmpty)
        #expect(rendered.markdown.hasPrefix("# 吕梁市工作进展"))
        #expect(rendered.markdown.contains("基层就诊率63.5[^6]%"))
        let none = BriefingRenderer.render(template, context: context, catalogue: F.catalogue, outcomes: [:], computedAt: "t")
        #expect(none.gaps.count == 6)
        #expect(none.gaps.allSatisfy { $0.reason == "未能计算" })
        #expect(!none.markdown.contains("0[^"))
    }

    @Test("gap reasons: unavailable, missing base, zero base, member without value, member not in group, vanished group")
    func gapReasons() throws {
        var o = outcomes
        o[1] = .unavailable("受理数为0,比值无意义")
        o[7] = .comparison(current: .value(d("5.88"), from: []), base: .gap(missing: [p("2020")]))
        o[11] = .ranking(pm25Ranking)
        var r = BriefingRenderer.render(template, context: context, catalogue: F.catalogue, outcomes: o, computedAt: "t")
        #expect(r.gaps.map(\.reason) == ["受理数为0,比值无意义", "该期间没有数值", "计算结果与占位符类型不符"])
        #expect(r.gaps.map(\.marker) == ["【缺:签约项目数 2021年第三次】", "【缺:市级财政产业帮扶资金 2020】", "【缺:基层就诊率 2021-05】"])
        o[7] = .comparison(current: .value(d("5.88"), from: []), base: .value(.zero, from: []))
        var ranking = pm25Ranking
        ranking = Ranking(group: F.fenwei2018, period: ranking.period, direction: .lowerIsBetter, values: ["610100": d("50")])
        o[9] = .ranking(ranking)
        o[11] = .value(.value(d("63.5"), from: []))
        o[1] = .value(.value(ExactDecimal(42), from: []))
        r = BriefingRenderer.render(template, context: context, catalogue: F.catalogue, outcomes: o, computedAt: "t")
        #expect(r.gaps.map(\.reason) == ["比较期数值为0或负数,无法计算增减幅度", "该期间没有数值"])
        #expect(r.gaps.map(\.marker) == ["【缺:市级财政产业帮扶资金 2020】", "【缺:PM2.5平均浓度 2021-01..2021-05】"])

        let t = try BriefingTemplate(
            parsing: "{{ ranking: air.pm25 | group: 汾渭平原 | member: 610100 }}{{ ranking: air.pm25 | group: 山西省 }}", catalogue: F.catalogue)
        let shanxi = Ranking(group: F.shanxi, period: context.period, direction: .lowerIsBetter, values: ["141100": d("38")])
        let other = BriefingContext(period: context.period, division: DivisionCode("141124")!)
        var catalogue = F.catalogue
        catalogue.peerGroups = [F.shanxi]
        r = BriefingRenderer.render(t, context: other, catalogue: catalogue, outcomes: [1: .ranking(shanxi)], computedAt: "t")
        #expect(r.gaps.map(\.reason) == ["模板所指的比较组已不存在", "代码为「141124」的成员不在比较组「山西省」中"])
    }

    @Test("an indicator deleted since the template was saved is a gap, and its code is named")
    func deletedIndicator() {
        var catalogue = F.catalogue
        catalogue.indicators[F.clinicRate.code] = nil
        let r = BriefingRenderer.render(template, context: context, catalogue: catalogue, outcomes: outcomes, computedAt: "t")
        #expect(r.gaps.last?.marker == "【缺:health.primary_visit_rate 2021-05】")
        #expect(r.gaps.last?.reason == "指标「health.primary_visit_rate」未定义或已删除")
    }

    @Test("a figure counted by round that cannot be computed names the round, not a period")
    func roundGap() throws {
        let t = try BriefingTemplate(parsing: "签约{{ projects.signed.count | round: \"第十二届中博会\" }}个", catalogue: F.catalogue)
        let r = BriefingRenderer.render(
            t, context: context, catalogue: F.catalogue, outcomes: [1: .unavailable("活动批次「第十二届中博会」不存在")], computedAt: "t")
        #expect(r.gaps.map(\.marker) == ["【缺:签约项目数 第十二届中博会】"])
        #expect(r.markdown.contains("签约【缺:签约项目数 第十二届中博会】[^1]个"))
    }

    @Test("many missing periods are summarised in the marker")
    func manyPeriods() {
        let gap = BriefingGap(number: 1, indicatorName: "退耕还林面积", periods: ["2021-01", "2021-02", "2021-03", "2021-04"].map { p($0) }, reason: "")
        #expect(gap.marker == "【缺:退耕还林面积 2021-01、2021-02、2021-03等4个期间】")
        let two = BriefingGap(number: 1, indicatorName: "退耕还林面积", periods: [p("2021-01"), p("2021-02")], reason: "")
        #expect(two.marker == "【缺:退耕还林面积 2021-01、2021-02】")
    }

    @Test("rank phrase style and comparison decimals reach the output")
    func styles() throws {
        let t = try BriefingTemplate(
            parsing:
                "{{ ranking: air.pm25 | group: 汾渭平原 | rank_phrase: position }}/{{ rural.industry_fund | change: previous | decimals: 2 }}/{{ health.primary_visit_rate | change: last_year }}",
            catalogue: F.catalogue)
        let o: [Int: FigureOutcome] = [
            0: .ranking(pm25Ranking),
            2: .comparison(current: .value(d("5.88"), from: []), base: .value(d("5.126"), from: [])),
            4: .comparison(current: .value(d("63.2"), from: []), base: .value(d("60"), from: [])),
        ]
        let r = BriefingRenderer.render(t, context: context, catalogue: F.catalogue, outcomes: o, computedAt: "t")
        #expect(r.markdown.hasPrefix("汾渭平原(2018年划定)11个城市中排名第1[^1]/增长14.71%[^2]/提高3.2个百分点[^3]"))
    }

    @Test("HTML: text escaped, figures linked and footnoted, gaps marked, paragraphs and headings")
    func html() {
        let t = try! BriefingTemplate(
            parsing: "# 标题 <b>\n\n第一段 <script>alert(1)</script> & {{ projects.signed.count }}个\n第二行{{ air.pm25 }}\n\n\n末段", catalogue: F.catalogue)
        let o: [Int: FigureOutcome] = [1: .value(.value(ExactDecimal(42), from: [])), 3: .value(.gap(missing: [p("2021-05")]))]
        let r = BriefingRenderer.render(t, context: context, catalogue: F.catalogue, outcomes: o, computedAt: "2021-07-16 10:00")
        let html = r.html { request in
            request.indicator == F.signedCount.code ? "/indicators/projects.signed.count/records?period=2021-01..2021-05&x=\"1\"" : nil
        }
        #expect(
            html == """
                <div class="briefing-gaps"><p>本简报有1处数据缺失:</p><ul><li><a href="#fn-2">【缺:PM2.5平均浓度 2021-05】</a>该期间没有数值</li></ul></div>
                <div class="briefing-body"><h1>标题 &lt;b&gt;</h1>
                <p>第一段 &lt;script&gt;alert(1)&lt;/script&gt; &amp; <a class="figure" href="/indicators/projects.signed.count/records?period=2021-01..2021-05&amp;x=&quot;1&quot;">42</a><sup id="fnref-1"><a href="#fn-1">1</a></sup>个<br>第二行<mark class="gap">【缺:PM2.5平均浓度 2021-05】</mark><sup id="fnref-2"><a href="#fn-2">2</a></sup></p>
                <p>末段</p></div>
                <ol class="briefing-footnotes"><li id="fn-1">签约项目数(projects.signed.count);期间:2021年1—5月(2021-01..2021-05);区划:吕梁市(141100);计算于2021-07-16 10:00 <a href="#fnref-1">↩</a></li><li id="fn-2">PM2.5平均浓度(air.pm25);期间:2021年1—5月(2021-01..2021-05);区划:吕梁市(141100);计算于2021-07-16 10:00 <a href="#fnref-2">↩</a></li></ol>

                """)
        let unlinked = r.html { _ in nil }
        #expect(unlinked.contains("<span class=\"figure\">42</span>"))
    }

    @Test("HTML escaping of every special character")
    func escape() {
        #expect(BriefingHTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(BriefingHTML.escape("吕梁 PM2.5") == "吕梁 PM2.5")
    }

    @Test("a template without placeholders renders as its text, without footnotes")
    func plain() throws {
        let t = try BriefingTemplate(parsing: "只有文字。", catalogue: F.catalogue)
        let r = BriefingRenderer.render(t, context: context, catalogue: F.catalogue, outcomes: [:], computedAt: "t")
        #expect(r.markdown == "只有文字。")
        #expect(r.footnotes.isEmpty && r.gaps.isEmpty)
        #expect(r.html { _ in nil } == "<div class=\"briefing-body\"><p>只有文字。</p></div>\n")
    }
}
