import Testing

@testable import TongguanDomain

@Suite("PersonalSheet: a default export's masking and notice")
struct PersonalSheetTests {
    let sheet = PersonalSheet(subject: "诉求人", columns: [.init("诉求人", .name), .init("联系电话", .phone), .init("身份证号", .residentID)])

    @Test("every personal column is masked as pages mask it; the others and empty cells are kept")
    func masks() {
        let rows = [["编号", "诉求人", "联系电话", "身份证号"], ["1", "欧阳娜娜", "13800002222", "11010519491231002X"], ["2", "王五", "", ""]]
        let file = sheet.sheet(rows, full: false)
        #expect(file.count == 4 && PersonalSheet.isNotice(file[0]) && file[0][0].contains("已脱敏"))
        #expect(file[1] == rows[0])
        #expect(file[2] == ["1", "欧阳**", "138****2222", "110105********002X"])
        #expect(file[3] == ["2", "王*", "", ""])
        #expect(file.dropFirst(2).flatMap { $0.dropFirst() }.allSatisfy { $0.isEmpty || PersonalSheet.isMasked($0) })
        let full = sheet.sheet(rows, full: true)
        #expect(Array(full.dropFirst()) == rows && full[0][0].contains("完整显示") && full[0][0].contains("诉求人、联系电话、身份证号"))
    }

    @Test("the notice is recognised wherever its cell is; a header is not a notice")
    func notice() {
        #expect(PersonalSheet.isNotice(["", " " + sheet.notice(full: true)]))
        #expect(!PersonalSheet.isNotice(["编号", "诉求人"]))
        #expect(!PersonalSheet.isNotice([]))
        #expect(!PersonalSheet.isMasked("13800002222") && !PersonalSheet.isMasked("王五"))
        #expect(PersonalSheet.maskedProblem(line: 3, column: "联系电话").message.contains("脱敏"))
    }
}
