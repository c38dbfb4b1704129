import Foundation
import Testing

@testable import TongguanDomain

@Suite("Indicator codes, definitions, query kinds and display units")
struct IndicatorDefinitionTests {
    typealias F = IndicatorFixtures

    @Test("valid codes", arguments: ["projects.signed.investment", "air.pm25", "a.b", "cases.resolved_rate.v2", "a1.b2.c3.d4.e5.f6"])
    func validCodes(code: String) throws {
        #expect(try IndicatorCode(validating: code).rawValue == code)
    }

    @Test(
        "invalid codes name the rule",
        arguments: [
            ("", IndicatorCode.Problem.empty), ("air", .segmentCount(1)), ("a.b.c.d.e.f.g", .segmentCount(7)),
            ("Air.pm25", .badCharacter("A")), ("air.pm2.5μ", .badCharacter("μ")), ("air pm25", .badCharacter(" ")),
            ("air-pm25.x", .badCharacter("-")), ("空气.pm25", .badCharacter("空")), ("air..pm25", .emptySegment),
            (".air", .emptySegment), ("air.", .emptySegment), ("1air.pm25", .segmentStart("1air")), ("air._x", .segmentStart("_x")),
            ("a." + String(repeating: "b", count: 33), .segmentTooLong(String(repeating: "b", count: 33))),
            (String(repeating: "abcdefg.", count: 8) + "x", .tooLong(65)),
        ])
    func invalidCodes(code: String, problem: IndicatorCode.Problem) {
        #expect(throws: problem) { try IndicatorCode(validating: code) }
        #expect(IndicatorCode(code) == nil)
        #expect(!problem.message.isEmpty)
    }

    @Test("code JSON is the raw string and is validated on decoding")
    func codeJSON() throws {
        let data = try JSONEncoder().encode(F.code("air.pm25"))
        #expect(String(decoding: data, as: UTF8.self) == #""air.pm25""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IndicatorCode.self, from: Data(#""AIR""#.utf8)) }
    }

    func draft(_ change: (inout IndicatorDraft) -> Void = { _ in }) -> IndicatorDraft {
        var d = IndicatorDraft(
            code: "projects.signed.investment", name: "签约项目总投资", unit: "亿元", displayScale: 10, decimals: 2,
            direction: "higher_is_better", rollUp: "none", ownerDivision: "141100",
            source: .init(
                type: "computed", query: IndicatorQuery(kind: "projects.summary", parameters: ["stage": "signed", "measure": "investment"])))
        change(&d)
        return d
    }

    @Test("a valid draft becomes the indicator, and the indicator gives the draft back")
    func validDraft() throws {
        let indicator = try draft().validated(queryKinds: F.registry)
        #expect(indicator == F.signedInvestment)
        #expect(indicator.draft == draft())
        let manual = try F.pm25.draft.validated(queryKinds: F.registry)
        #expect(manual == F.pm25)
        #expect(try F.resolvedRate.draft.validated(queryKinds: F.registry) == F.resolvedRate)
    }

    @Test("every problem of a draft is reported with its field")
    func everyProblem() {
        let bad = draft {
            $0.code = "Projects"
            $0.name = "  "
            $0.unit = String(repeating: "单", count: 21)
            $0.displayScale = 13
            $0.decimals = 7
            $0.direction = "up"
            $0.rollUp = "median"
            $0.ownerDivision = "1411"
        }
        do {
            _ = try bad.validated(queryKinds: F.registry)
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.map(\.field) == ["code", "name", "unit", "display_scale", "decimals", "direction", "roll_up", "owner_division"])
            #expect(error.problems[1].message == "名称不能为空")
        }
    }

    @Test("source rules: manual has no query; computed needs a registered query with valid parameters and no roll-up")
    func sourceRules() {
        func fields(_ d: IndicatorDraft) -> [String] {
            do { _ = try d.validated(queryKinds: F.registry); return [] } catch { return error.problems.map(\.field) }
        }
        #expect(fields(draft { $0.source = .init(type: "manual", query: IndicatorQuery(kind: "projects.summary")) }) == ["source.query"])
        #expect(fields(draft { $0.source = .init(type: "computed") }) == ["source.query"])
        #expect(fields(draft { $0.source = .init(type: "formula") }) == ["source.type"])
        #expect(fields(draft { $0.rollUp = "sum" }) == ["roll_up"])
        #expect(fields(draft { $0.source.query = IndicatorQuery(kind: "ledger.aggregate") }) == ["source.query.kind"])
        #expect(
            fields(draft { $0.source.query = IndicatorQuery(kind: "projects.summary", parameters: ["stage": "signed"]) })
                == ["source.query.parameters.measure"])
        #expect(fields(draft { $0.source.query?.parameters["stage"] = "planned" }) == ["source.query.parameters.stage"])
        #expect(fields(draft { $0.source.query?.parameters["colour"] = "red" }) == ["source.query.parameters.colour"])
        #expect(fields(draft { $0.source.query?.parameters["round"] = " 第三次" }) == ["source.query.parameters.round"])
        #expect(fields(draft { $0.source.query?.parameters["round"] = "a\u{202E}b" }) == ["source.query.parameters.round"])
        #expect(fields(draft { $0.source.denominator = IndicatorQuery(kind: "cases.stats") }) == ["source.denominator.parameters.measure"])
        #expect(fields(draft { $0.source.query?.parameters["round"] = "2021年第三次" }) == [])
    }

    @Test("query problem messages list what exists")
    func queryMessages() {
        let unknownKind = F.registry.problems(of: IndicatorQuery(kind: "x.y"), field: "q")
        #expect(unknownKind.first?.message == "未知的查询类型「x.y」,已登记的类型:cases.stats、projects.summary")
        let unknownParameter = F.registry.problems(of: IndicatorQuery(kind: "cases.stats", parameters: ["measure": "closed", "x": "1"]), field: "q")
        #expect(unknownParameter == [FieldProblem(field: "q.parameters.x", message: "查询「诉求统计」没有参数「x」,可用参数:measure、source")])
        let badValue = F.registry.problems(of: IndicatorQuery(kind: "cases.stats", parameters: ["measure": "all"]), field: "q")
        #expect(badValue.first?.message == "参数「统计量」应为received、closed、resolved之一")
        #expect(QueryKindRegistry().problems(of: IndicatorQuery(kind: "a.b"), field: "q").first?.message == "未知的查询类型「a.b」")
    }

    @Test("registry: registration replaces, acceptance looks at both ratio queries")
    func registry() {
        var registry = QueryKindRegistry()
        #expect(registry.spec("cases.stats") == nil)
        registry.register(QueryKindSpec(kind: "cases.stats", label: "旧", parameters: []))
        registry.register(F.registry.spec("cases.stats")!)
        #expect(registry.spec("cases.stats")?.label == "诉求统计")
        #expect(F.registry.accepts("round", in: F.signedCount.source))
        #expect(!F.registry.accepts("round", in: F.resolvedRate.source))
        #expect(F.registry.accepts("source", in: F.resolvedRate.source))
        #expect(!F.registry.accepts("round", in: .manual))
        #expect(IndicatorQuery(kind: "k", parameters: ["a": "1", "b": "2"]).overriding(["b": "3"]).parameters == ["a": "1", "b": "3"])
        #expect(F.resolvedRate.source.queries.count == 2 && IndicatorSource.manual.queries.isEmpty)
    }

    @Test("draft JSON uses snake_case keys")
    func draftJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(F.pm25.draft), as: UTF8.self)
        #expect(
            json
                == #"{"code":"air.pm25","decimals":0,"direction":"lower_is_better","display_scale":0,"name":"PM2.5平均浓度","owner_division":"141100","roll_up":"average","source":{"type":"manual"},"unit":"μg\/m³"}"#
        )
        #expect(try JSONDecoder().decode(IndicatorDraft.self, from: Data(json.utf8)) == F.pm25.draft)
    }

    @Test("unit families")
    func families() {
        #expect(UnitFamily(unit: "亿元") == .money(fenExponent: 10))
        #expect(UnitFamily(unit: "万元") == .money(fenExponent: 6))
        #expect(UnitFamily(unit: "元") == .money(fenExponent: 2))
        #expect(UnitFamily(unit: "分") == .money(fenExponent: 0))
        #expect(UnitFamily(unit: "%") == .percent && UnitFamily(unit: "\u{FF05}") == .percent)
        #expect(UnitFamily(unit: "") == .ratio)
        #expect(UnitFamily(unit: "万亩") == .measure && UnitFamily(unit: "μg/m³") == .measure)
    }

    @Test("display: the indicator's own unit, and scale words converting from the stored unit")
    func display() throws {
        let fen = try ExactDecimal("1836100000000")  // 183.61亿元 in 分
        #expect(F.signedInvestment.displayText(fen) == "183.61亿元")
        func shown(_ i: Indicator, _ w: ScaleWord?, _ dec: Int? = nil, _ v: ExactDecimal) -> String? {
            guard case .success(let display) = i.display(in: w, decimals: dec) else { return nil }
            return display.text(v)
        }
        #expect(shown(F.signedInvestment, .yiYuan, nil, fen) == "183.61")
        #expect(shown(F.signedInvestment, .wanYuan, nil, fen) == "1836100.00")
        #expect(shown(F.signedInvestment, .yuan, 0, fen) == "18361000000")
        #expect(shown(F.signedInvestment, nil, 1, fen) == "183.6")
        // entered directly in 亿元 (display scale 0): 万元 multiplies.
        #expect(shown(F.industryFund, .wanYuan, 0, try ExactDecimal("5.88")) == "58800")
        #expect(shown(F.trainees, .wan, nil, ExactDecimal(19000)) == "1.9")
        #expect(shown(F.trainees, .yi, nil, ExactDecimal(930_000_000)) == "9.30")
        #expect(shown(F.closedShare, .percent, nil, try ExactDecimal("0.4907")) == "49.1")
        #expect(shown(F.resolvedRate, nil, nil, try ExactDecimal("0.9417")) == "94.2")
        #expect(F.resolvedRate.displayText(try ExactDecimal("0.9417")) == "94.2%")
        #expect(F.trainees.displayText(ExactDecimal(4940)) == "4940人")
    }

    @Test(
        "scale words that do not fit the unit are refused with the reason",
        arguments: [
            (IndicatorFixtures.trainees, ScaleWord.yiYuan, "「亿元」只能用于金额指标(单位为元、万元或亿元),该指标单位为「人」"),
            (IndicatorFixtures.signedInvestment, .wan, "「万」只能用于计数或计量指标,该指标单位为「亿元」"),
            (IndicatorFixtures.resolvedRate, .yi, "「亿」只能用于计数或计量指标,该指标单位为「%」"),
            (IndicatorFixtures.trainees, .percent, "「%」只能用于无单位的比值指标,该指标单位为「人」"),
            (IndicatorFixtures.resolvedRate, .percent, "「%」只能用于无单位的比值指标,该指标单位为「%」"),
            (IndicatorFixtures.closedShare, .wanYuan, "「万元」只能用于金额指标(单位为元、万元或亿元),该指标无单位"),
        ])
    func mismatch(indicator: Indicator, word: ScaleWord, message: String) {
        guard case .failure(let problem) = indicator.display(in: word, decimals: nil) else {
            Issue.record("expected a mismatch")
            return
        }
        #expect(problem.message == message)
    }

    @Test("scale word default decimals and direction helpers")
    func wordsAndDirection() throws {
        #expect(ScaleWord.allCases.map(\.defaultDecimals) == [2, 2, 2, 1, 2, 1])
        let a = try ExactDecimal("30"), b = try ExactDecimal("40")
        #expect(Direction.lowerIsBetter.isBetter(a, than: b) && !Direction.higherIsBetter.isBetter(a, than: b))
        #expect(!Direction.higherIsBetter.isBetter(a, than: a))
        #expect(Direction.higherIsBetter.reaches(b, b) && Direction.lowerIsBetter.reaches(a, b) && !Direction.lowerIsBetter.reaches(b, a))
        #expect(Direction.higherIsBetter.label == "越高越好" && RollUp.last.label == "取期末值")
        #expect(ValueDisplay(exponent: 40, decimals: 0).text(ExactDecimal(5)) == nil)
    }
}
