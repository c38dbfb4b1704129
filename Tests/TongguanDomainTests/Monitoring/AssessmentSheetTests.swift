import Testing

@testable import TongguanDomain

@Suite("Assessment import sheet")
struct AssessmentSheetTests {
    let today = MF.d("2024-12-31")
    let header = [
        "户主身份证号", "评估日期", "工资性收入(元)", "经营性收入(元)", "财产性收入(元)", "转移性收入(元)",
        "生产经营支出(元)", "医疗自付(元)", "教育支出(元)", "住房安全", "饮水安全",
    ]

    func row(_ cells: [String], line: Int = 2) -> SheetRow { SheetRow(line: line, cells: cells.map { .text($0) }) }
    var columns: [AssessmentSheet.Column: Int] { try! AssessmentSheet.columns(in: header).get() }

    @Test("header: full-width brackets and spaces match; every missing column is reported")
    func headerRow() throws {
        let loose = header.map { $0.replacingOccurrences(of: "(", with: "(").replacingOccurrences(of: ")", with: ") ") }
        #expect(try AssessmentSheet.columns(in: loose).get().count == 11)
        guard case .failure(let problems) = AssessmentSheet.columns(in: Array(header.dropLast(2))) else { Issue.record("accepted"); return }
        #expect(problems.problems.map(\.column) == ["住房安全", "饮水安全"])
        #expect(AssessmentSheet.header == header)
    }

    @Test("a good row: 元 with up to 2 decimals exactly, 是/否, dates in the usual forms")
    func goodRow() throws {
        let draft = try AssessmentSheet.draft(
            row([
                "11010519491231002x", "2024/6/1", "30000", "1,200.5", "0.01", "0", "800.10",
                "5000元", "0", "是", "否",
            ]), columns: columns, today: today
        ).get()
        #expect(draft.headResidentID == "11010519491231002X")
        #expect(draft.assessedOn == MF.d("2024-06-01"))
        #expect(
            draft.figures
                == IncomeFigures(
                    wagesFen: 3_000_000, businessFen: 120_050, propertyFen: 1, transferFen: 0,
                    productionCostsFen: 80_010, medicalFen: 500_000, educationFen: 0))
        #expect(draft.housingSafe && !draft.waterSafe)
        let numeric = SheetRow(
            line: 3,
            cells: [.text("141124198005060016"), .number("45444"), .number("1234.5600000000002")]
                + Array(repeating: SheetCell.number("0"), count: 6) + [.text("是"), .text("是")])
        let d = try AssessmentSheet.draft(numeric, columns: columns, today: today).get()
        #expect(d.figures.wagesFen == 123_456 && d.assessedOn == MF.d("2024-06-01"))
    }

    @Test("every problem of a row is reported, with 元 in the amount message and no ID in any message")
    func badRow() {
        let result = AssessmentSheet.draft(
            row(["110105194912310021", "2025-01-01", "", "-5", "1.234", "abc", "0", "0", "0", "Y", ""]),
            columns: columns, today: today)
        guard case .failure(let problems) = result else { Issue.record("accepted"); return }
        #expect(
            problems.problems.map(\.column) == [
                "户主身份证号", "评估日期", "工资性收入(元)", "经营性收入(元)", "财产性收入(元)",
                "转移性收入(元)", "住房安全", "饮水安全",
            ])
        #expect(problems.problems.first { $0.column == "转移性收入(元)" }?.message == "金额格式不正确,应为数字(单位:元)")
        #expect(problems.problems.first { $0.column == "工资性收入(元)" }?.message.contains("填0") == true)
        #expect(problems.problems.first { $0.column == "评估日期" }?.message == "评估日期不能晚于今天")
        #expect(problems.problems.allSatisfy { !$0.message.contains("110105") })
        let short = AssessmentSheet.draft(SheetRow(line: 4, cells: [.text("")]), columns: columns, today: today)
        guard case .failure(let p) = short else { Issue.record("accepted"); return }
        #expect(p.problems.count == 11)
    }

    @Test("the same household and date twice in one file refuses the later rows")
    func duplicates() throws {
        let a = try AssessmentSheet.draft(
            row(["11010519491231002X", "2024-06-01"] + Array(repeating: "0", count: 7) + ["是", "是"], line: 2),
            columns: columns, today: today
        ).get()
        let b = try AssessmentSheet.draft(
            row(["11010519491231002X", "2024年6月1日"] + Array(repeating: "1", count: 7) + ["是", "是"], line: 5),
            columns: columns, today: today
        ).get()
        let c = try AssessmentSheet.draft(
            row(["11010519491231002X", "2024-07-01"] + Array(repeating: "0", count: 7) + ["是", "是"], line: 6),
            columns: columns, today: today
        ).get()
        let problems = AssessmentSheet.duplicateProblems([a, b, c])
        #expect(problems.map(\.row) == [5])
        #expect(problems[0].message.contains("第2行"))
    }

    @Test("an exported row reads back to the same inputs")
    func roundTrip() throws {
        let figures = IncomeFigures(
            wagesFen: 1_234_567, businessFen: 1, propertyFen: 10, transferFen: 100, productionCostsFen: 99,
            medicalFen: 50, educationFen: 0)
        let a = try IncomeAssessment.assess(
            on: MF.d("2024-03-15"), figures: figures, housingSafe: false, waterSafe: true,
            members: [MF.member()], today: today)
        let exported = AssessmentSheet.exportRow(headResidentID: "141124198005060016", assessment: a)
        let back = try AssessmentSheet.draft(row(exported), columns: columns, today: today).get()
        #expect(back.figures == figures && back.assessedOn == a.assessedOn && back.housingSafe == false && back.waterSafe)
        #expect(back.headResidentID == "141124198005060016")
    }
}
