import Testing

@testable import TongguanDomain

@Suite("Assistance measures and vocabularies")
struct AssistanceMeasureTests {
    let today = MF.d("2024-06-01")

    @Test("a measure is checked field by field, all problems at once")
    func checks() throws {
        let m = try AssistanceMeasure(
            type: .employment, description: " 安排村保洁公益岗 ", unit: "乡政府", person: "张某",
            startOn: MF.d("2024-05-01"), amountFen: 60_000, today: today)
        #expect(m.description == "安排村保洁公益岗" && m.endOn == nil && m.hasStarted(by: MF.d("2024-05-01")) && !m.hasStarted(by: MF.d("2024-04-30")))
        #expect {
            try AssistanceMeasure(
                type: .other, description: "", unit: String(repeating: "单", count: 101), person: "a\u{0000}",
                startOn: MF.d("2024-06-02"), endOn: MF.d("2024-06-01"), amountFen: -1, today: today)
        } throws: { error in
            (error as! Refusal).problems.map(\.field) == ["description", "unit", "person", "start", "end", "amount_fen"]
        }
    }

    @Test("a measure may be given its end later, not before its start")
    func ending() throws {
        let m = try AssistanceMeasure(
            type: .industry, description: "发放种苗", unit: "农业农村局", person: "李某",
            startOn: MF.d("2024-05-01"), today: today)
        #expect(try m.ending(on: MF.d("2024-05-01")).endOn == MF.d("2024-05-01"))
        #expect { try m.ending(on: MF.d("2024-04-30")) } throws: { ($0 as! Refusal).problems.map(\.field) == ["end"] }
    }

    @Test("vocabularies use the glossary's API names")
    func vocabularies() {
        #expect(MonitoringCategory.allCases.map(\.rawValue) == ["unstable_exited", "marginal", "sudden_hardship"])
        #expect(
            MonitoringRiskType.allCases.map(\.rawValue) == [
                "illness", "education", "disability", "disaster", "accident",
                "business_failure", "unstable_employment", "lack_of_labour",
                "housing", "drinking_water", "other",
            ])
        #expect(AssistanceMeasureType.allCases.count == 8)
        #expect(MonitoringChannel.allCases.map(\.rawValue) == ["self_application", "grassroots_screening", "department_warning"])
        #expect(
            EpisodeState.allCases.map(\.rawValue) == [
                "candidate", "verifying", "public_notice", "township_checked", "monitored",
                "not_included", "elimination_proposed", "elimination_notice", "risk_eliminated",
            ])
        #expect(MonitoringCategory.suddenHardship.label == "突发严重困难户" && !MonitoringCategory.suddenHardship.needsIncomeBelowLine)
    }
}
