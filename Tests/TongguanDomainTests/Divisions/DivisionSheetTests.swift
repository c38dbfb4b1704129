import Testing

@testable import TongguanDomain

@Suite struct DivisionSheetTests {
    func row(_ line: Int, _ cells: SheetCell...) -> SheetRow { SheetRow(line: line, cells: cells) }

    @Test func headersInEnglishOrTheBureausChinese() throws {
        let plain = try DivisionSheet.columns(in: ["\u{FEFF}Code", " name "]).get()
        #expect(plain == DivisionSheet.Columns(code: 0, name: 1, codeLabel: "Code", nameLabel: "name"))
        let bureau = try DivisionSheet.columns(in: ["统计用区划代码", "城乡分类代码", "名称"]).get()
        #expect(bureau.code == 0 && bureau.name == 2 && bureau.codeLabel == "统计用区划代码")
        let extra = try DivisionSheet.columns(in: ["code", "name", "streetCode", "provinceCode"]).get()
        #expect(extra.code == 0 && extra.name == 1)
        guard case .failure(let f) = DivisionSheet.columns(in: ["区划代码", "城乡分类代码"], line: 1) else {
            Issue.record("a header without 名称 must be refused"); return
        }
        #expect(f.problems == [RowProblem(row: 1, column: "表头", message: DivisionSheet.headerMessage)])
    }

    @Test func paddedBureauCodesBecomeTheLevelTheyName() throws {
        #expect(try DivisionSheet.code("141124100000").rawValue == "141124100")
        #expect(try DivisionSheet.code("141124000000").rawValue == "141124")
        #expect(try DivisionSheet.code("141100000000").rawValue == "141100")
        #expect(try DivisionSheet.code("141124100201").rawValue == "141124100201")
        #expect(try DivisionSheet.code("141124100").rawValue == "141124100")
        #expect(throws: DivisionCode.Problem.badLength(8)) { try DivisionSheet.code("14112410") }
    }

    @Test func rowsReportBothCellsAndAcceptNumbers() throws {
        let columns = try DivisionSheet.columns(in: ["区划代码", "名称"]).get()
        let bad = DivisionSheet.entry(row(3, .text("1411A"), .text("")), columns: columns)
        guard case .failure(let f) = bad else { Issue.record("must refuse"); return }
        #expect(f.problems.map(\.column) == ["区划代码", "名称"])
        #expect(f.problems.allSatisfy { $0.row == 3 })
        // XLSX keeps a typed-in code as a number, sometimes in exponent form.
        let number = try DivisionSheet.entry(row(4, .number("1.41124100201E+11"), .text(" 城内村 ")), columns: columns).get()
        #expect(number == DivisionSheet.Entry(line: 4, code: DivisionCode("141124100201")!, name: "城内村"))
        let bidi = DivisionSheet.entry(row(5, .text("141124100202"), .text("南\u{202E}沟村")), columns: columns)
        guard case .failure(let g) = bidi else { Issue.record("text policy must refuse"); return }
        #expect(g.problems.first?.message.contains("文字方向控制字符") == true)
        #expect(DivisionSheet.isBlank(row(6, .text(""), .text(" "))))
    }
}

@Suite struct DivisionPlanTests {
    let city = DivisionScope(DivisionCode("141100")!)
    let existing = [
        "141100": "吕梁市", "141124": "临县", "141123": "兴县", "141124100": "临泉镇", "141124101": "白文镇",
        "141124100201": "甲村", "141124100202": "乙村", "141124100203": "丙村", "141124101201": "丁村",
    ]

    func entry(_ line: Int, _ code: String, _ name: String) -> DivisionSheet.Entry {
        DivisionSheet.Entry(line: line, code: DivisionCode(code)!, name: name)
    }

    @Test func createdRenamedUnchangedAndPossiblyMerged() {
        let entries = [
            entry(2, "141124100201", "甲村"), entry(3, "141124100202", "乙村(新)"),
            entry(4, "141124102201", "新村"), entry(5, "141124102", "城庄镇"),
        ]
        let plan = DivisionPlan(entries: entries, fileCodes: Set(entries.map(\.code.rawValue)), existing: existing, scope: city)
        #expect(plan.isAccepted)
        #expect(plan.created.map(\.code.rawValue) == ["141124102", "141124102201"], "parents first")
        #expect(plan.renamed == [DivisionPlan.Rename(line: 3, code: DivisionCode("141124100202")!, before: "乙村", after: "乙村(新)")])
        #expect(plan.unchanged == 1)
        // 丙村 is under 临泉镇, whose villages the list names; 丁村's township is not listed.
        #expect(plan.possiblyMerged == [DivisionPlan.Absent(code: DivisionCode("141124100203")!, name: "丙村")])
    }

    @Test func newCodesNeedAParentStoredOrInTheList() {
        let entries = [entry(2, "141124999201", "孤村"), entry(3, "141199", "新县"), entry(4, "141199100", "新镇")]
        let plan = DivisionPlan(
            entries: entries, fileCodes: Set(entries.map(\.code.rawValue)), existing: existing, scope: city, codeColumn: "code")
        #expect(plan.problems == [RowProblem(row: 2, column: "code", message: "上级区划 141124999 不存在,也不在本文件中")])
        // A row refused for its name still counts as present for its children.
        let named = DivisionPlan(
            entries: [entry(3, "141124999201", "孤村")], fileCodes: ["141124999", "141124999201"], existing: existing, scope: city)
        #expect(named.isAccepted)
    }

    @Test func rowsOutsideTheScopeAreRefused() {
        let lin = DivisionScope(DivisionCode("141124")!)
        let entries = [entry(2, "141123100201", "兴县的村"), entry(3, "141124100204", "临县的村"), entry(4, "141100", "吕梁")]
        let plan = DivisionPlan(entries: entries, fileCodes: Set(entries.map(\.code.rawValue)), existing: existing, scope: lin)
        #expect(plan.problems.map(\.row) == [2, 4])
        #expect(plan.problems.allSatisfy { $0.message.contains("不在您的管辖范围内") })
    }

    @Test func seedAddsOnlyWhatIsMissingAndKeepsStoredNames() {
        let seed = [
            entry(2, "141100", "吕梁市"), entry(3, "141124", "临县"), entry(4, "141124100", "临泉镇"), entry(5, "141124101", "白文镇"),
            entry(6, "141127", "岚县"), entry(7, "141127101", "岚城镇"),
        ]
        #expect(
            DivisionPlan.missing(seed, existing: []).map(\.code.rawValue) == ["141100", "141124", "141127", "141124100", "141124101", "141127101"])
        // An old database: the city and counties, one county renamed by its administrator.
        #expect(
            DivisionPlan.missing(seed, existing: ["141100", "141124", "141127"]).map(\.code.rawValue) == ["141124100", "141124101", "141127101"])
        #expect(DivisionPlan.missing(seed, existing: Set(seed.map(\.code.rawValue))).isEmpty)
        // A county that was never loaded takes its townships with it; another city gains nothing.
        #expect(
            DivisionPlan.missing(seed, existing: ["141100", "141124"]).map(\.code.rawValue) == ["141127", "141124100", "141124101", "141127101"])
        #expect(DivisionPlan.missing(seed, existing: ["141000", "141021"]).isEmpty)
    }
}
