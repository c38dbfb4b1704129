import Foundation
import Testing

@testable import TongguanDomain

@Suite("MemberSheetChecker")
struct MemberSheetCheckerTests {
    typealias F = SheetFixture
    let today = SheetFixture.today

    /// Runs the checker over a file: optional notice, header, then `rows` (line numbers follow).
    func check(_ rows: [[String]], notice: Bool = false, villages: MemberSheet.Villages? = nil) -> Result<MemberSheet.Households, ImportProblems> {
        var checker = MemberSheetChecker(today: today, villages: villages)
        var lines: [[String]] = notice ? [[MemberSheet.personalDataNotice(withIDs: true)]] : []
        lines.append(MemberSheet.header)
        lines += rows
        for (i, cells) in lines.enumerated() { checker.add(F.row(i + 1, cells)) }
        return checker.finish()
    }

    func problems(_ rows: [[String]], notice: Bool = false) -> [RowProblem] {
        guard case .failure(let failure) = check(rows, notice: notice) else { Issue.record("the file was accepted"); return [] }
        return failure.problems
    }

    static let id2 = Fixture.residentID("141124", "19800303", "041")
    static let id3 = Fixture.residentID("141124", "20050404", "052")

    var family: [[String]] {
        [
            F.values(name: "张小", id: F.childID, relation: "子女", school: "义务教育"),
            F.values(phone: "13812345678", address: "某村一组"),
            F.values(name: "李四", id: F.spouseID, relation: "配偶", phone: "138 1234 5678"),
        ]
    }

    @Test("rows group into households by 户主身份证号, head first, households in the order of their heads")
    func groups() throws {
        let other = [
            F.values(name: "王五", id: Self.id2, head: Self.id2), F.values(name: "王六", id: Self.id3, head: Self.id2, relation: "子女", school: "普通高中"),
        ]
        let households = try check([other[1]] + family + [other[0]]).get()
        #expect(households.count == 2)
        #expect(households.memberCount == 5)
        let first = households[0]
        #expect(first.head.resident.id == F.headID)
        #expect(first.members.map(\.line) == [4, 3, 5])
        #expect(first.village == Fixture.village)
        #expect(first.phone == "13812345678")
        #expect(first.address == "某村一组")
        let second = households[1]
        #expect(second.members.map(\.line) == [6, 2])
        #expect(second.head.name == "王五")
        #expect(second.phone == nil)
        #expect(Array(households).count == 2)
    }

    @Test("an export's notice line is skipped; row numbers stay those of the file")
    func notice() throws {
        let households = try check(family, notice: true).get()
        #expect(households[0].members.map(\.line) == [4, 3, 5])
        let bad = problems([F.values(village: "1")], notice: true)
        #expect(bad.map(\.row) == [3])
    }

    @Test("an ID on two rows names both rows; on three, each repeat names the first and the first names both")
    func duplicates() {
        let twice = problems(family + [F.values(name: "张小", id: F.childID, relation: "子女", school: "义务教育")])
        #expect(
            twice == [
                RowProblem(row: 2, column: "身份证号", message: "身份证号与第5行重复"),
                RowProblem(row: 5, column: "身份证号", message: "身份证号与第2行重复"),
            ])
        let child = F.values(name: "张小", id: F.childID, relation: "子女", school: "义务教育")
        let thrice = problems(family + [child, child])
        #expect(
            thrice == [
                RowProblem(row: 2, column: "身份证号", message: "身份证号与第5行、第6行重复"),
                RowProblem(row: 5, column: "身份证号", message: "身份证号与第2行重复"),
                RowProblem(row: 6, column: "身份证号", message: "身份证号与第2行重复"),
            ])
    }

    @Test("the head's row twice is reported as a duplicate, not also as two heads")
    func duplicateHead() {
        let found = problems(family + [F.values()])
        #expect(
            found == [
                RowProblem(row: 3, column: "身份证号", message: "身份证号与第5行重复"),
                RowProblem(row: 5, column: "身份证号", message: "身份证号与第3行重复"),
            ])
    }

    @Test("a duplicate among refused rows is still found")
    func duplicateRefused() {
        let found = problems(family + [F.values(name: "", id: F.spouseID, relation: "配偶")])
        #expect(found.contains(RowProblem(row: 4, column: "身份证号", message: "身份证号与第5行重复")))
        #expect(found.contains(RowProblem(row: 5, column: "身份证号", message: "身份证号与第4行重复")))
        #expect(found.contains(RowProblem(row: 5, column: "姓名", message: "不能为空")))
    }

    @Test("a household without its head's own row: every row is told why")
    func noHeadRow() {
        let orphans = [
            F.values(name: "王六", id: Self.id3, head: Self.id2, relation: "子女"),
            F.values(name: "王七", id: Fixture.residentID("141124", "20080808", "063"), head: Self.id2, relation: "子女"),
        ]
        let message = "文件中没有该户主本人的一行(户主身份证号与身份证号相同、与户主关系为户主)"
        #expect(
            problems(family + orphans) == [
                RowProblem(row: 5, column: "户主身份证号", message: message),
                RowProblem(row: 6, column: "户主身份证号", message: message),
            ])
    }

    @Test("a 户主身份证号 pointing at a row that is not a head's own row names that row")
    func headIsMemberElsewhere() {
        // Row 5 is 王五 as a member of 张三's household; row 6 names 王五 as its head.
        let rows =
            family + [
                F.values(name: "王五", id: Self.id2, head: F.headID, relation: "其他"),
                F.values(name: "王六", id: Self.id3, head: Self.id2, relation: "子女"),
            ]
        #expect(problems(rows) == [RowProblem(row: 6, column: "户主身份证号", message: "户主身份证号指向第5行,但该行不是户主本人的一行(户主身份证号与身份证号相同、与户主关系为户主)")])
    }

    @Test("a refused head row does not make its members report a missing head")
    func refusedHead() {
        let found = problems([F.values(labour: "强")] + Array(family.dropFirst(2)) + [family[0]])
        #expect(found == [RowProblem(row: 2, column: "劳动能力", message: "应为「有」「弱」「无」之一")])
        // Nor does a head row whose relation is wrong.
        let wrongRelation = problems([F.values(relation: "配偶"), family[0]])
        #expect(wrongRelation.map(\.row) == [2])
    }

    @Test("rows of one household in another village, or with another phone or address, are reported")
    func householdFields() {
        let rows = [
            F.values(phone: "13812345678", address: "某村一组"),
            F.values(name: "李四", id: F.spouseID, village: "141124100202", relation: "配偶", phone: "13900000000", address: "某村二组"),
            F.values(name: "张小", id: F.childID, relation: "子女", school: "义务教育", phone: "13812345678", address: "某村一组"),
        ]
        #expect(
            problems(rows) == [
                RowProblem(row: 3, column: "村区划代码", message: "与户主所在行(第2行)的村区划代码不一致"),
                RowProblem(row: 3, column: "联系电话", message: "联系电话是户的信息,应与户主所在行(第2行)一致或留空"),
                RowProblem(row: 3, column: "住址", message: "住址是户的信息,应与户主所在行(第2行)一致或留空"),
            ])
    }

    @Test("problems come by row, then in the sheet's column order")
    func ordering() {
        let rows = [F.values(labour: "x", address: String(repeating: "址", count: 201)), F.values(name: "", id: F.childID, relation: "子女")]
        let found = problems(rows)
        #expect(found.map(\.row) == found.map(\.row).sorted())
        #expect(found.map(\.column) == ["劳动能力", "住址", "姓名"])
    }

    @Test("a bad header stops the check; an empty file and a header alone are refused")
    func fileProblems() {
        var checker = MemberSheetChecker(today: today)
        checker.add(F.row(1, ["姓名"]))
        checker.add(F.row(2, F.values(relation: "?")))
        guard case .failure(let header) = checker.finish() else { Issue.record("accepted"); return }
        #expect(header.problems.count == 10)
        #expect(header.problems.allSatisfy { $0.row == 1 && $0.message == "表头缺少此列" })
        #expect(problems([]) == [RowProblem(row: 1, column: "表头", message: "表头下没有数据行")])
        #expect(problems([], notice: true) == [RowProblem(row: 2, column: "表头", message: "表头下没有数据行")])
        guard case .failure(let empty) = MemberSheetChecker(today: today).finish() else { Issue.record("accepted"); return }
        #expect(empty.problems == [RowProblem(row: 1, column: "表头", message: "文件中没有表头和数据")])
    }

    @Test("blank rows are skipped and not counted")
    func blankRows() throws {
        var checker = MemberSheetChecker(today: today)
        checker.add(F.row(1, MemberSheet.header))
        checker.add(F.row(2, F.values()))
        checker.add(F.row(3, Array(repeating: " ", count: 13)))
        checker.add(SheetRow(line: 4, cells: []))
        #expect(checker.dataRows == 1)
        #expect(try checker.finish().get().memberCount == 1)
    }

    @Test("the server's village list applies to every row")
    func villageList() {
        let villages = MemberSheet.Villages(known: [Fixture.otherVillage], scope: DivisionScope(DivisionCode("141124")!))
        guard case .failure(let failure) = check(family, villages: villages) else { Issue.record("accepted"); return }
        #expect(failure.problems.map(\.row) == [2, 3, 4])
        #expect(failure.problems.allSatisfy { $0.message == "村区划代码不存在,请核对" })
    }

    @Test("drafts stay small: a million of them fit in about 100 MB")
    func draftSize() {
        #expect(MemoryLayout<MemberDraft>.stride <= 112)
        #expect(MemoryLayout<ResidentIdentity>.stride == 8)
    }

    @Test("a large file: 30,000 members in 10,000 households, shuffled")
    func large() throws {
        var rows: [[String]] = []
        for h in 0..<10_000 {
            let village = "1411241002" + String(format: "%02d", h % 50)
            let headID = Fixture.residentID(String(format: "14%04d", h / 1000), "19700101", String(format: "%03d", h % 1000))
            rows.append(F.values(id: headID, head: headID, village: village))
            for m in 1...2 {
                let id = Fixture.residentID(String(format: "15%04d", h / 1000), "2010010\(m)", String(format: "%03d", h % 1000))
                rows.append(F.values(name: "成员", id: id, head: headID, village: village, relation: "子女", school: "义务教育"))
            }
        }
        var generator = SystemRandomNumberGenerator()
        rows.shuffle(using: &generator)
        let households = try check(rows).get()
        #expect(households.count == 10_000)
        #expect(households.memberCount == 30_000)
        #expect(households.allSatisfy { $0.members.count == 3 && $0.head.isHeadRow && $0.members.dropFirst().allSatisfy { !$0.isHeadRow } })
        #expect(households.map(\.head.line) == households.map(\.head.line).sorted())
    }
}
