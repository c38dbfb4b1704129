import Testing

@testable import TongguanDomain

@Suite("Dashboard tiles and the manual value import sheet")
struct DashboardAndSheetTests {
    typealias F = IndicatorFixtures
    func p(_ s: String) -> Period { try! Period(s) }
    func d(_ s: String) -> ExactDecimal { try! ExactDecimal(s) }
    let today = CivilDate(iso: "2021-07-16")!

    @Test("latest value, 环比 and 同比, target status and a sparkline with gaps")
    func tile() {
        var values: [Period: ExactDecimal] = [:]
        for m in 1...6 { values[Period.month(year: 2021, month: m)!] = ExactDecimal(55 + m) }
        values[p("2021-03")] = nil
        values[p("2020-06")] = d("50")
        let target = Target(
            indicator: F.clinicRate.code, division: F.lvliang, value: d("65"), due: CivilDate(iso: "2022-12-31")!,
            baseline: Observation(period: p("2020"), value: d("55")))
        let tile = DashboardTile(indicator: F.clinicRate, values: values, target: target, today: today, sparklineLength: 8)
        #expect(tile.latest == DashboardTile.Reading(period: p("2021-06"), value: d("61")))
        #expect(tile.latestText == "61.0%")
        #expect(tile.previous?.value == d("60"))
        #expect(tile.changeFromPrevious?.phrase == "提高1.0个百分点")
        #expect(tile.lastYear?.period == p("2020-06"))
        #expect(tile.changeFromLastYear?.phrase == "提高11.0个百分点")
        #expect(tile.target?.status == .onTrack)
        #expect(tile.sparkline.map(\.period.description) == ["2020-11", "2020-12", "2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"])
        #expect(tile.sparkline.map(\.value) == [nil, nil, d("56"), d("57"), nil, d("59"), d("60"), d("61")])
        #expect(tile.sparklinePolylines(width: 70, height: 50) == ["20,50 30,40", "50,20 60,10 70,0"])
    }

    @Test("a tile with no values, with one value, and with a zero base")
    func edgeTiles() {
        let empty = DashboardTile(indicator: F.trainees, values: [:], today: today)
        #expect(empty.latest == nil && empty.latestText == nil && empty.sparkline.isEmpty && empty.target == nil)
        #expect(empty.sparklinePolylines(width: 10, height: 10).isEmpty)
        let one = DashboardTile(indicator: F.trainees, values: [p("2021-05"): d("19000")], today: today, sparklineLength: 3)
        #expect(one.latestText == "19000人" && one.changeFromPrevious == nil && one.previous == nil)
        #expect(one.sparklinePolylines(width: 10, height: 10) == ["10,5"])
        let zero = DashboardTile(indicator: F.trainees, values: [p("2021-05"): d("5"), p("2021-04"): .zero], today: today)
        #expect(zero.previous?.value == .zero && zero.changeFromPrevious == nil)
        let flat = DashboardTile(indicator: F.trainees, values: [p("2021-05"): d("5"), p("2021-04"): d("5")], today: today, sparklineLength: 2)
        #expect(flat.changeFromPrevious?.phrase == "持平")
        #expect(flat.sparklinePolylines(width: 10, height: 10) == ["0,5 10,5"])
    }

    // MARK: Import sheet

    func row(_ line: Int, _ cells: [String]) -> SheetRow { SheetRow(line: line, cells: cells.map(SheetCell.text)) }
    let indicators = Dictionary(uniqueKeysWithValues: IndicatorFixtures.all.map { ($0.code, $0) })

    @Test("header: full-width and spaced headers match; 备注 is optional; missing columns are named")
    func header() throws {
        let columns = try IndicatorValueSheet.columns(in: ["数值", " 期间", "区划代码", "指标编码"]).get()
        #expect(columns == [.value: 0, .period: 1, .division: 2, .indicator: 3])
        guard case .failure(let problems) = IndicatorValueSheet.columns(in: ["指标编码", "期间"]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(problems.problems.map(\.text) == ["第1行「区划代码」:表头缺少此列", "第1行「数值」:表头缺少此列"])
    }

    @Test("valid rows become drafts; blank rows are skipped; separators in numbers are dropped; exports read back")
    func drafts() throws {
        let columns = try IndicatorValueSheet.columns(in: IndicatorValueSheet.Column.allCases.map(\.rawValue)).get()
        let rows = [
            row(2, ["air.pm25", "141100", "2021-01..2021-05", "38", "环保局月报"]),
            row(3, ["", "", "", "", ""]),
            row(4, ["skills.trainees", "141124", "2021-H1", "19,000", ""]),
            SheetRow(line: 5, cells: [.text("rural.industry_fund"), .text("141100"), .text("2021"), .number("5.8799999999999999"), .text("")]),
        ]
        let drafts = try IndicatorValueSheet.drafts(rows, columns: columns, indicators: indicators).get()
        #expect(drafts.map(\.line) == [2, 4, 5])
        #expect(drafts[0].period == p("2021-01..2021-05") && drafts[0].value == d("38") && drafts[0].note == "环保局月报")
        #expect(drafts[1].value == d("19000") && drafts[1].division == DivisionCode("141124"))
        #expect(drafts[2].value == d("5.88"))
        let exported = IndicatorValueSheet.exportRow(
            indicator: drafts[2].indicator, division: drafts[2].division, period: drafts[2].period,
            value: drafts[2].value, note: "")
        #expect(exported == ["rural.industry_fund", "141100", "2021", "5.88", ""])
        let again = try IndicatorValueSheet.drafts([row(2, exported)], columns: columns, indicators: indicators).get()
        #expect(again.first?.value == drafts[2].value)
    }

    @Test("every problem of every row is reported")
    func problems() throws {
        let columns = try IndicatorValueSheet.columns(in: IndicatorValueSheet.Column.allCases.map(\.rawValue)).get()
        let rows = [
            row(2, ["air.pm10", "1411", "2021-13", "abc", "a\u{202E}b"]),
            row(3, ["projects.signed.count", "141100", "2021-05", "", ""]),
            row(4, ["air.pm25", "141100", "2021-05", "38", ""]),
            row(5, ["air.pm25", "141100", "2021-05", "39", ""]),
            row(6, ["AIR", "610100", "2021", "1e3", String(repeating: "注", count: 501)]),
        ]
        guard
            case .failure(let found) = IndicatorValueSheet.drafts(
                rows, columns: columns, indicators: indicators,
                scope: DivisionScope(DivisionCode("141100")!))
        else {
            Issue.record("expected problems")
            return
        }
        #expect(
            found.problems.map(\.text) == [
                "第2行「指标编码」:未知指标「air.pm10」",
                "第2行「区划代码」:区划代码应为6位、9位或12位数字(当前为4位)",
                "第2行「期间」:期间「2021-13」的月份应为01—12",
                "第2行「数值」:" + ExactDecimal.Problem.notANumber.message,
                "第2行「备注」:第2个字符是不允许的文字方向控制字符(U+202E),请删除后重新输入",
                "第3行「指标编码」:「签约项目数」是计算型指标,数值由系统计算,不能导入",
                "第3行「数值」:不能为空",
                "第5行「期间」:与第4行的指标、区划和期间相同",
                "第6行「指标编码」:编码只能使用小写英文字母、数字、下划线和点,不能含「A」",
                "第6行「区划代码」:区划「610100」不在您的管辖范围内",
                "第6行「数值」:" + ExactDecimal.Problem.notANumber.message,
                "第6行「备注」:不能超过500个字符",
            ])
    }
}
