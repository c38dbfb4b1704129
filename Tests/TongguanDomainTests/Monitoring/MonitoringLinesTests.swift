import Testing

@testable import TongguanDomain

@Suite("Monitoring lines, settings and exact ratios")
struct MonitoringLinesTests {
    let lines = MonitoringLines([
        MonitoringLine(division: MF.code("140000"), year: 2024, lineFen: 850_000),
        MonitoringLine(division: MF.code("141124"), year: 2024, lineFen: 870_000),
        MonitoringLine(division: MF.code("140000"), year: 2023, lineFen: 805_000),
        MonitoringLine(division: MF.code("141100"), year: 2023, lineFen: 810_000),
        MonitoringLine(division: MF.code("150000"), year: 2024, lineFen: 999_900),
    ])

    @Test("the most specific enclosing division's line wins, for the asked year only")
    func mostSpecific() throws {
        #expect(lines.line(for: MF.code("141124100201"), year: 2024)?.lineFen == 870_000)
        #expect(lines.line(for: MF.code("141124"), year: 2024)?.lineFen == 870_000)
        #expect(lines.line(for: MF.code("141123"), year: 2024)?.lineFen == 850_000)
        #expect(lines.line(for: MF.code("141123100"), year: 2023)?.lineFen == 810_000)
        #expect(lines.line(for: MF.code("140100"), year: 2023)?.lineFen == 805_000)
        #expect(lines.line(for: MF.code("141124"), year: 2022) == nil)
        #expect(lines.line(for: MF.code("130100"), year: 2024) == nil)
        #expect(try lines.requireLine(for: MF.code("141124"), year: 2024) == 870_000)
    }

    @Test("no line in force: refused naming the year and the division")
    func refusal() {
        #expect {
            try lines.requireLine(for: MF.code("141124"), year: 2022, divisionName: "临县")
        } throws: { error in
            let r = error as! Refusal
            return r.kind == .preconditionUnmet && r.conditions.map(\.code) == ["monitoring_line"]
                && r.message.contains("2022年") && r.message.contains("临县(141124)")
        }
        #expect {
            try lines.requireLine(for: MF.code("130100"), year: 2024)
        } throws: { ($0 as! Refusal).message.contains("130100") }
    }

    @Test("line rows are checked; a duplicate division and year is a conflict")
    func lineRows() {
        #expect(MonitoringLine(division: MF.code("140000"), year: 2024, lineFen: 1).problems.isEmpty)
        let bad = MonitoringLine(division: MF.code("141124100201"), year: 1999, lineFen: 0).problems.map(\.field)
        #expect(bad == ["year", "line_fen", "division_code"])
        #expect(MonitoringLine(division: MF.code("140000"), year: 2100, lineFen: 100_000_001).problems.map(\.field) == ["line_fen"])
        let dup = MonitoringLines.duplicateProblem(MonitoringLine(division: MF.code("141124"), year: 2024, lineFen: 1), existing: lines.rows)
        #expect(dup?.kind == .conflict)
        #expect(MonitoringLines.duplicateProblem(MonitoringLine(division: MF.code("141124"), year: 2025, lineFen: 1), existing: lines.rows) == nil)
    }

    @Test("settings overlay field by field, widest first, over the defaults")
    func settings() {
        let d = MonitoringSettings.defaults
        #expect(d.nearLineFactor.value == 1500 && d.incomeDropFraction.value == 300 && d.largeExpenseFraction.value == 500)
        #expect(d.noticePeriodDays == 5 && d.minimumMonitoringMonths == 6)
        let overrides = [
            MonitoringSettingsOverride(division: MF.code("141124"), noticePeriodDays: 7),
            MonitoringSettingsOverride(division: MF.code("140000"), nearLineFactor: .init(1200), noticePeriodDays: 6),
            MonitoringSettingsOverride(division: MF.code("141123"), minimumMonitoringMonths: 12),
        ]
        let linxian = MonitoringSettings.resolve(for: MF.code("141124100201"), overrides: overrides)
        #expect(linxian.noticePeriodDays == 7 && linxian.nearLineFactor.value == 1200 && linxian.minimumMonitoringMonths == 6)
        let other = MonitoringSettings.resolve(for: MF.code("141102"), overrides: overrides)
        #expect(other.noticePeriodDays == 6 && other.nearLineFactor.value == 1200)
        #expect(MonitoringSettings.resolve(for: MF.code("130100"), overrides: overrides) == d)
    }

    @Test("settings values outside their ranges are all reported")
    func settingsProblems() throws {
        let bad = MonitoringSettingsOverride(
            division: MF.code("140000"), nearLineFactor: .init(999), incomeDropFraction: .init(0),
            largeExpenseFraction: .init(1000), noticePeriodDays: 0, minimumMonitoringMonths: 61)
        #expect(bad.problems.map(\.field) == MonitoringSettings.Field.allCases.map(\.rawValue))
        #expect(throws: Refusal.self) { try bad.validated() }
        let edge = MonitoringSettingsOverride(
            division: MF.code("140000"), nearLineFactor: .init(1000), incomeDropFraction: .init(1),
            largeExpenseFraction: .init(999), noticePeriodDays: 60, minimumMonitoringMonths: 1)
        #expect(try edge.validated() == edge)
    }

    @Test("per-mille figures parse exactly and print back")
    func permille() {
        typealias P = MonitoringSettings.Permille
        #expect(P(parsing: "1.5")?.value == 1500)
        #expect(P(parsing: "0.30")?.value == 300)
        #expect(P(parsing: "0.125")?.value == 125)
        #expect(P(parsing: "30%")?.value == 300)
        #expect(P(parsing: "12.5%")?.value == 125)
        #expect(P(parsing: "2")?.value == 2000)
        for bad in ["", "abc", "0.1234", "1.", "-0.3", "1.2.3", "12.55%", ".5"] { #expect(P(parsing: bad) == nil, "\(bad)") }
        #expect(P(1500).description == "1.5" && P(300).description == "0.3" && P(2000).description == "2" && P(125).description == "0.125")
        #expect(P(300).percentText == "30%" && P(125).percentText == "12.5%")
    }

    @Test("exact ratio comparison does not overflow")
    func exact() {
        #expect(ExactRatio.compare(975_000, times: 1000, with: 650_000, times: 1500) == 0)
        #expect(ExactRatio.compare(974_999, times: 1000, with: 650_000, times: 1500) == -1)
        #expect(ExactRatio.compare(Int64.max, times: 1000, with: Int64.max, times: 999) == 1)
        #expect(ExactRatio.compare(-5, times: 1000, with: 1, times: 500) == -1)
        #expect(ExactRatio.compare(Int64.min, times: 2, with: Int64.min, times: 3) == 1)
    }
}
