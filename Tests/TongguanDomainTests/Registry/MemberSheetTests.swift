import Foundation
import Testing

@testable import TongguanDomain

/// Rows in the export's column order, for sheet tests.
enum SheetFixture {
    typealias Column = MemberSheet.Column
    static let today = Fixture.date("2024-06-15")
    static let headID = Fixture.residentID("141124", "19700101", "011")
    static let spouseID = Fixture.residentID("142301", "19720505", "022")
    static let childID = Fixture.residentID("141124", "20120909", "031")

    static var layout: MemberSheet.Layout { try! MemberSheet.layout(header: MemberSheet.header).get() }

    static func values(
        name: String = "张三", id: String = headID, head: String = headID, village: String = "141124100201",
        relation: String = "户主", labour: String = "有", disability: String = "否", chronic: String = "否",
        school: String = "无", work: String = "务农", insurance: String = "是", phone: String = "",
        address: String = ""
    ) -> [String] {
        [name, id, head, village, relation, labour, disability, chronic, school, work, insurance, phone, address]
    }

    static func row(_ line: Int, _ cells: [String]) -> SheetRow {
        SheetRow(line: line, cells: cells.map(SheetCell.text))
    }

    static func draft(_ cells: [String], line: Int = 2, villages: MemberSheet.Villages? = nil) -> Result<MemberDraft, ImportProblems> {
        MemberSheet.draft(row(line, cells), layout: layout, today: today, villages: villages)
    }

    static func problems(_ cells: [String], villages: MemberSheet.Villages? = nil) -> [RowProblem] {
        guard case .failure(let failure) = draft(cells, villages: villages) else { return [] }
        return failure.problems
    }
}

@Suite("MemberSheet")
struct MemberSheetTests {
    typealias Column = MemberSheet.Column
    typealias F = SheetFixture

    // MARK: Header

    @Test("the header names every column; 联系电话 and 住址 are optional")
    func columns() {
        #expect(
            MemberSheet.header == [
                "姓名", "身份证号", "户主身份证号", "村区划代码", "与户主关系", "劳动能力", "残疾",
                "慢性病", "在校学段", "务工状态", "基本医保", "联系电话", "住址",
            ])
        #expect(Column.required.count == 11)
        #expect(Column.optional == [.phone, .address])
    }

    @Test("a column's ordinal is its place in allCases; the personal columns are name, both IDs, phone and address")
    func ordinals() {
        #expect(Column.allCases.map(\.ordinal) == Array(Column.allCases.indices))
        #expect(Column.allCases.filter { MemberSheet.personalColumns[$0.ordinal] } == [.name, .residentID, .headResidentID, .phone, .address])
    }

    @Test("columns may come in any order, with extra columns and spacing, and optional ones absent")
    func layout() throws {
        let header = [
            "备注", " 基本医保 ", "务工状态", "在校学段", "慢性病", "残疾", "劳动能力", "与户主关系", "村区划代码",
            "户主身份证号", "\u{FEFF}身份证号", "姓 名",
        ]
        let layout = try MemberSheet.layout(header: header).get()
        #expect(layout.position(of: .name) == 11)
        #expect(layout.position(of: .residentID) == 10)
        #expect(layout.position(of: .basicMedicalInsurance) == 1)
        #expect(layout.position(of: .phone) == nil)
        #expect(layout.position(of: .address) == nil)
    }

    @Test("missing and repeated columns are reported on the header row")
    func headerProblems() {
        var header = MemberSheet.header.filter { $0 != "身份证号" && $0 != "残疾" }
        header.append("姓名")
        guard case .failure(let failure) = MemberSheet.layout(header: header, line: 2) else { Issue.record("accepted"); return }
        #expect(
            failure.problems == [
                RowProblem(row: 2, column: "姓名", message: "表头中此列出现了2次"),
                RowProblem(row: 2, column: "身份证号", message: "表头缺少此列"),
                RowProblem(row: 2, column: "残疾", message: "表头缺少此列"),
            ])
        guard case .failure(let empty) = MemberSheet.layout(header: SheetFixture.row(1, [])) else { Issue.record("accepted"); return }
        #expect(empty.problems.count == 11)
        #expect(empty.problems.allSatisfy { $0.row == 1 && $0.message == "表头缺少此列" })
    }

    // MARK: Rows

    @Test("a clean row becomes a draft with every value")
    func cleanRow() throws {
        let draft = try F.draft(
            F.values(
                name: " 欧阳娜娜 ", id: F.spouseID.lowercased(), relation: "配偶", labour: "弱劳动能力",
                disability: "是", chronic: "是", school: "大专及以上", work: "外出务工",
                insurance: "否", phone: "138 1234 5678", address: "临县城庄镇某村"), line: 7
        ).get()
        #expect(draft.line == 7)
        #expect(draft.name == "欧阳娜娜")
        #expect(draft.resident.id == F.spouseID)
        #expect(draft.head.id == F.headID)
        #expect(!draft.isHeadRow)
        #expect(draft.village == Fixture.village)
        #expect(draft.relation == .spouse)
        #expect(draft.labourCapacity == .weak)
        #expect(draft.disability && draft.chronicIllness && !draft.basicMedicalInsurance)
        #expect(draft.schoolStage == .college)
        #expect(draft.workStatus == .migrant)
        #expect(draft.phone == "13812345678")
        #expect(draft.address == "临县城庄镇某村")
        let snapshot = draft.snapshot(id: UUID())
        #expect(snapshot.birthDate == Fixture.date("1972-05-05"))
        #expect(snapshot.relation == .spouse && snapshot.isPresent && snapshot.labourCapacity == .weak)
    }

    @Test("a head's own row: 户主身份证号 equals 身份证号 and the relation is 户主")
    func headRow() throws {
        let draft = try F.draft(F.values()).get()
        #expect(draft.isHeadRow)
        #expect(F.problems(F.values(relation: "子女")) == [RowProblem(row: 2, column: "与户主关系", message: "户主身份证号与本人身份证号相同,与户主关系应为「户主」")])
        #expect(F.problems(F.values(id: F.childID)) == [RowProblem(row: 2, column: "户主身份证号", message: "本行与户主关系为户主,户主身份证号应与身份证号相同")])
    }

    @Test("every empty required cell is reported; optional ones may be empty")
    func emptyCells() {
        let problems = F.problems(Array(repeating: "", count: 13))
        #expect(problems.map(\.column) == Column.required.map(\.rawValue))
        #expect(problems.allSatisfy { $0.message == "不能为空" && $0.row == 2 })
        // A row shorter than the header reads the missing cells as empty.
        #expect(F.problems(Array(F.values().prefix(11))).isEmpty)
    }

    @Test("each bad cell is reported against its column, all of them at once")
    func badCells() {
        let wrongCheck = String(F.childID.dropLast()) + (F.childID.last == "0" ? "1" : "0")
        let problems = F.problems(
            F.values(
                id: wrongCheck, head: "14112419700101011", village: "141124100", relation: "儿子",
                labour: "强", disability: "有", chronic: "Y", school: "小学", work: "打工",
                insurance: "1", phone: "12345"))
        #expect(
            problems == [
                RowProblem(row: 2, column: "身份证号", message: ResidentID.Problem.checksum.message),
                RowProblem(row: 2, column: "户主身份证号", message: ResidentID.Problem.format.message),
                RowProblem(row: 2, column: "村区划代码", message: "应为12位村级区划代码"),
                RowProblem(row: 2, column: "与户主关系", message: "应为「户主」「配偶」「子女」「儿媳」「女婿」「父母」「孙子女」「外孙子女」「兄弟姐妹」「其他」之一"),
                RowProblem(row: 2, column: "劳动能力", message: "应为「有」「弱」「无」之一"),
                RowProblem(row: 2, column: "残疾", message: "应填写「是」或「否」"),
                RowProblem(row: 2, column: "慢性病", message: "应填写「是」或「否」"),
                RowProblem(row: 2, column: "在校学段", message: "应为「无」「学前」「义务教育」「普通高中」「中职」「大专及以上」之一"),
                RowProblem(row: 2, column: "务工状态", message: "应为「外出务工」「本地务工」「务农」「无」之一"),
                RowProblem(row: 2, column: "基本医保", message: "应填写「是」或「否」"),
                RowProblem(row: 2, column: "联系电话", message: PhoneNumber.problemMessage),
            ])
    }

    @Test("resident IDs: impossible and future birth dates, pre-2003 address codes")
    func residentIDs() throws {
        let impossible = Fixture.residentID("141124", "19800231", "001")
        #expect(
            F.problems(F.values(id: impossible, head: impossible)).map(\.message) == [
                ResidentID.Problem.birthDate.message, ResidentID.Problem.birthDate.message,
            ])
        let future = Fixture.residentID("141124", "20240616", "001")
        #expect(F.problems(F.values(id: future, head: F.headID, relation: "子女")) == [RowProblem(row: 2, column: "身份证号", message: "身份证号中的出生日期晚于今天")])
        let bornToday = Fixture.residentID("142325", "20240615", "002")
        #expect(try F.draft(F.values(id: bornToday, relation: "孙子女")).get().resident.id == bornToday)
    }

    @Test("names and addresses follow the text policy and length limits")
    func texts() {
        #expect(F.problems(F.values(name: String(repeating: "名", count: 51))) == [RowProblem(row: 2, column: "姓名", message: "不能超过50个字符")])
        #expect((try? F.draft(F.values(name: String(repeating: "名", count: 50))).get()) != nil)
        let control = F.problems(F.values(name: "张\u{202E}三"))
        #expect(control.count == 1 && control[0].column == "姓名" && control[0].message.contains("U+202E"))
        #expect(F.problems(F.values(address: String(repeating: "址", count: 201))) == [RowProblem(row: 2, column: "住址", message: "不能超过200个字符")])
        #expect(F.problems(F.values(address: "某村\u{0007}")).map(\.column) == ["住址"])
    }

    @Test("village codes: digits, 12 of them, and, when the server gives its list, known and in scope")
    func villages() throws {
        #expect(F.problems(F.values(village: "14112410020A")).map(\.message) == [DivisionCode.Problem.notDigits.message])
        #expect(F.problems(F.values(village: "141124")).map(\.message) == ["应为12位村级区划代码"])
        #expect(F.problems(F.values(village: "1411241002011")).map(\.message) == [DivisionCode.Problem.badLength(13).message])
        let villages = MemberSheet.Villages(known: [Fixture.village, DivisionCode("141125100201")!], scope: DivisionScope(DivisionCode("141124")!))
        #expect(try F.draft(F.values(), villages: villages).get().village == Fixture.village)
        #expect(F.problems(F.values(village: "141124100299"), villages: villages).map(\.message) == ["村区划代码不存在,请核对"])
        #expect(F.problems(F.values(village: "141125100201"), villages: villages).map(\.message) == ["该村不在您的管辖范围内"])
    }

    // MARK: Export

    @Test("an export row with IDs re-imports to the same draft")
    func exportRoundTrip() throws {
        let head = try F.draft(F.values(phone: "0358-8221234", address: "临县, \"城庄\"镇"), line: 2).get()
        let child = try F.draft(F.values(name: "张小", id: F.childID, relation: "子女", school: "义务教育"), line: 3).get()
        for draft in [head, child] {
            let row = MemberSheet.exportRow(draft, withIDs: true, maskName: false)
            #expect(row.count == MemberSheet.header.count)
            // Through CSV text too, as the file is written and read.
            let parsed = try CSVParser.parse(CSVParser.line(MemberSheet.header) + "\n" + CSVParser.line(row))
            let again = try MemberSheet.draft(SheetFixture.row(draft.line, parsed[1].fields), layout: F.layout, today: F.today).get()
            #expect(again == draft)
        }
    }

    @Test("phone and address are written on the head's row only")
    func exportHouseholdFields() throws {
        var child = try F.draft(F.values(name: "张小", id: F.childID, relation: "子女", school: "义务教育"), line: 3).get()
        child.phone = "13812345678"
        child.address = "某村"
        let row = MemberSheet.exportRow(child, withIDs: true, maskName: false)
        #expect(row[11] == "" && row[12] == "")
    }

    @Test("the default export masks both IDs (and does not re-import); viewers' exports mask names")
    func exportMasked() throws {
        let draft = try F.draft(F.values(name: "欧阳娜娜")).get()
        let row = MemberSheet.exportRow(draft, withIDs: false, maskName: true)
        #expect(row[0] == "欧阳**")
        #expect(row[1] == PersonalData.residentID.mask(F.headID))
        #expect(row[2] == row[1])
        #expect(!row.joined().contains(F.headID))
        #expect(row[1].count == 18 && row[1].hasPrefix("141124********"))
        // Every masked cell is refused as masked (the message says so), not read as a value.
        #expect(F.problems(row).map(\.column) == ["姓名", "身份证号", "户主身份证号"])
        #expect(F.problems(row).allSatisfy { $0.message.contains("脱敏") })
        #expect(Array(row[3...]) == Array(MemberSheet.exportRow(draft, withIDs: true, maskName: false)[3...]))
    }

    @Test("the first line says the file holds personal data; the importer recognises it")
    func notice() {
        let clear = MemberSheet.personalDataNotice(withIDs: true)
        let masked = MemberSheet.personalDataNotice(withIDs: false)
        for text in [clear, masked] {
            #expect(text.hasPrefix("【个人信息】"))
            #expect(text.contains("个人信息") && text.contains("不得外传"))
            #expect(MemberSheet.isPersonalDataNotice([text]))
            #expect(MemberSheet.isPersonalDataNotice(["", " \(text)", ""]))
        }
        #expect(clear.contains("身份证号") && clear.contains("完整显示"))
        #expect(masked.contains("已脱敏"))
        #expect(!MemberSheet.isPersonalDataNotice(MemberSheet.header))
        #expect(!MemberSheet.isPersonalDataNotice([]))
        #expect(!MemberSheet.isPersonalDataNotice(["", "个人信息"]))
    }

    @Test("an ID present in another household is reported with that household's code")
    func residentElsewhere() {
        let code = Fixture.code(12)
        let problem = MemberSheet.residentElsewhereProblem(line: 9, code: code)
        #expect(problem.row == 9 && problem.column == "身份证号")
        #expect(problem.message.contains(code.rawValue) && problem.message.contains("转移"))
    }
}
