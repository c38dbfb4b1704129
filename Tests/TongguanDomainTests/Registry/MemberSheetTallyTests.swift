import Foundation
import Testing

@testable import TongguanDomain

/// The checker's bounded mode: a file of many bad rows is reported by count, first problems
/// and summary, without keeping every problem.
@Suite("MemberSheetChecker, tallying")
struct MemberSheetTallyTests {
    typealias F = SheetFixture

    func run(_ rows: [[String]], tallying: Bool) -> (MemberSheet.Households?, RowProblemTally) {
        var checker = MemberSheetChecker(today: F.today, tallying: tallying)
        checker.add(F.row(1, MemberSheet.header))
        for (i, cells) in rows.enumerated() { checker.add(F.row(i + 2, cells)) }
        var tally = RowProblemTally()
        let households = checker.finish(into: &tally)
        return (households, tally)
    }

    @Test("a clean file gives the same households in both modes")
    func clean() throws {
        let rows = [F.values(), F.values(name: "李四", id: F.spouseID, relation: "配偶")]
        let (households, tally) = run(rows, tallying: true)
        #expect(tally.isEmpty)
        #expect(households?.memberCount == 2 && households?.count == 1)
        var plain = MemberSheetChecker(today: F.today)
        plain.add(F.row(1, MemberSheet.header))
        for (i, cells) in rows.enumerated() { plain.add(F.row(i + 2, cells)) }
        #expect(try plain.finish().get()[0].members.map(\.line) == households?[0].members.map(\.line))
    }

    @Test("300 bad rows and a duplicate: every problem counted, 200 listed, file-wide ones included")
    func bounded() {
        var rows = (0..<300).map { _ in F.values(labour: "强", insurance: "可能") }
        rows.append(F.values(name: "甲", id: F.childID, head: F.childID))
        rows.append(F.values(name: "乙", id: F.childID, head: F.childID))
        for tallying in [true, false] {
            let (households, tally) = run(rows, tallying: tallying)
            #expect(households == nil)
            // Each bad row: 劳动能力 and 基本医保, plus its ID repeated on 300 rows (counted per row).
            #expect(tally.total > 600)
            #expect(tally.reported.count == RowProblemTally.reportLimit)
            #expect(tally.summary.contains { $0.column == "劳动能力" && $0.count == 300 })
            #expect(tally.summary.contains { $0.column == "身份证号" && $0.message.contains("重复") })
        }
    }

    @Test("a header problem is reported in full")
    func header() {
        var checker = MemberSheetChecker(today: F.today, tallying: true)
        checker.add(F.row(1, ["姓名"]))
        var tally = RowProblemTally()
        #expect(checker.finish(into: &tally) == nil)
        #expect(tally.total == MemberSheet.Column.required.count - 1)
    }
}
