import Foundation
import Testing

@testable import TongguanDomain

@Suite("DemoHouseholds")
struct DemoHouseholdsTests {
    @Test("every generated ID is valid and distinct, every name fictitious, the sheet checks clean")
    func valid() throws {
        let villages = ["141124100901", "141127101901"].compactMap(DivisionCode.init)
        let rows = DemoHouseholds.rows(villages: villages, perVillage: 75)
        let today = CivilDate(year: 2026, month: 11, day: 29)!
        let ids = rows.map { $0[1] }
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect((try? ResidentIdentity(validating: id, today: today)) != nil, "\(id)") }
        #expect(rows.allSatisfy { $0[0].contains("演示") })
        #expect(rows.filter { $0[4] == "户主" }.count == 150)
        var checker = MemberSheetChecker(today: today, villages: nil)
        checker.add(SheetRow(line: 1, cells: MemberSheet.header.map { .text($0) }))
        for (i, row) in rows.enumerated() { checker.add(SheetRow(line: i + 2, cells: row.map { .text($0) })) }
        let households = try checker.finish().get()
        #expect(households.count == 150)
    }
}
