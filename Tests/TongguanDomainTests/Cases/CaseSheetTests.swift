import Foundation
import Testing

@testable import TongguanDomain

@Suite("Backlog import sheet")
struct CaseSheetTests {
    typealias F = CaseFixtures
    func d(_ s: String) -> CivilDate { F.d(s) }

    static let header = [
        "编号", "来源", "类别", "标题", "内容", "诉求人", "联系电话", "区划代码", "登记日期", "交办单位", "包案领导", "状态",
        "办理结果", "办结日期",
    ]

    func row(_ line: Int, _ values: [String: String] = [:]) -> SheetRow {
        var base: [String: String] = [
            "编号": "141124-2021-000137", "来源": "信访", "类别": "申诉求决", "标题": "拖欠工资", "内容": "反映某工地拖欠工资。",
            "诉求人": "李某", "联系电话": "13800001234", "区划代码": "141124100", "登记日期": "2021/3/5", "交办单位": "临县人社局",
            "包案领导": "县长", "状态": "已办结", "办理结果": "化解", "办结日期": "2021年6月1日",
        ]
        for (k, v) in values { base[k] = v }
        return SheetRow(line: line, cells: Self.header.map { .text(base[$0]!) })
    }

    var columns: [CaseSheet.Column: Int] { try! CaseSheet.columns(in: Self.header).get() }

    func problems(_ rows: [SheetRow]) -> [RowProblem] {
        switch CaseSheet.drafts(rows, columns: columns, today: F.today) {
        case .success: return []
        case .failure(let p): return p.problems
        }
    }

    @Test("header: the issue's columns, in any order, spaces tolerated; missing and repeated ones reported")
    func header() {
        let positions = try! CaseSheet.columns(in: Self.header.reversed().map { " \($0) " }).get()
        #expect(positions[.number] == 13 && positions[.closedOn] == 0)
        #expect(CaseSheet.Column.allCases.map(\.rawValue) == Self.header)
        let partial = ["来源", "类别", "标题", "标题"]
        guard case .failure(let p) = CaseSheet.columns(in: partial) else { Issue.record("expected problems"); return }
        #expect(p.problems.map(\.column) == ["标题", "内容", "诉求人", "联系电话", "区划代码", "登记日期", "状态"])
        #expect(p.problems.first?.message == "表头中此列重复")
        let minimal = ["来源", "类别", "标题", "内容", "诉求人", "联系电话", "区划代码", "登记日期", "状态"]
        #expect((try? CaseSheet.columns(in: minimal).get()) != nil)
    }

    @Test("a closed backlog row becomes a draft and a snapshot dated from the list")
    func closedRow() throws {
        let drafts = try CaseSheet.drafts([row(2)], columns: columns, today: F.today).get()
        let draft = try #require(drafts.first)
        #expect(draft.number?.description == "141124-2021-000137")
        #expect(draft.source == .petition && draft.kind == .appeal && draft.state == .closed && draft.outcome == .resolved)
        #expect(draft.receivedOn == d("2021-03-05") && draft.closedOn == d("2021-06-01"))
        #expect(draft.unitName == "临县人社局" && draft.ownerLeaderName == "县长" && draft.requesterPhone == "13800001234")
        let s = draft.snapshot(unitId: F.unitA)
        #expect(s.state == .closed && s.unitId == F.unitA && s.routedOn == d("2021-03-05") && s.acceptedOn == d("2021-03-05"))
        #expect(s.repliedOn == d("2021-06-01") && s.closedOn == d("2021-06-01") && s.lastStepOn == d("2021-06-01"))
        #expect(s.isClosed && s.isResolved)
        #expect(draft.importedEvent == CaseEvent(kind: .registered, on: d("2021-03-05"), from: nil, to: .closed, note: "积案清单导入"))
    }

    @Test("an open imported case runs its deadlines from registration, so a backlog shows overdue")
    func openRow() throws {
        let draft = try CaseSheet.drafts(
            [
                row(
                    2,
                    [
                        "状态": "办理中", "办理结果": "", "办结日期": "", "编号": "", "来源": "12345",
                        "类别": "投诉",
                    ])
            ], columns: columns, today: F.today
        ).get()[0]
        #expect(draft.number == nil && draft.source == .hotline && draft.state == .inProgress)
        let s = draft.snapshot(unitId: F.unitA)
        #expect(s.routedOn == d("2021-03-05") && s.startedOn == d("2021-03-05") && s.repliedOn == nil && s.closedOn == nil)
        #expect(CaseDeadlines.overdueSteps(s, policy: .shipped(.hotline), calendar: F.calendar, on: F.today) == [.handle])
        let registered = try CaseSheet.drafts(
            [row(2, ["状态": "已登记", "办理结果": "", "办结日期": "", "交办单位": ""])],
            columns: columns, today: F.today
        ).get()[0]
        let r = registered.snapshot(unitId: F.unitA)
        #expect(r.unitId == nil && r.routedOn == nil && r.state == .registered)
    }

    @Test("every problem of a row, with its row number and column")
    func rowProblems() {
        let bad = row(
            3,
            [
                "编号": "141124-21-1", "来源": "微博", "类别": "", "标题": "", "内容": String(repeating: "文", count: 5001),
                "诉求人": "李\u{0}某", "联系电话": "123", "区划代码": "14112x", "登记日期": "2021-02-30", "状态": "作废",
                "办理结果": "支持", "办结日期": "2025-03-01",
            ])
        let found = problems([bad])
        #expect(found.allSatisfy { $0.row == 3 })
        #expect(
            found.map(\.column) == [
                "来源", "类别", "标题", "内容", "诉求人", "联系电话", "区划代码", "登记日期", "编号", "状态", "办理结果",
                "办结日期",
            ])
        #expect(found.first?.text == "第3行「来源」:应为「人大代表联络站」、「信访」、「12345热线」、「领导接访」、「网上」")
        #expect(found.allSatisfy { !$0.message.contains("李") })
        #expect(found.first { $0.column == "联系电话" }?.message == PhoneNumber.problemMessage)
    }

    @Test("state, outcome, closing date and unit must agree")
    func consistency() {
        #expect(problems([row(2, ["办理结果": ""])]).map(\.message) == ["状态为「已办结」时不能为空"])
        #expect(problems([row(2, ["办结日期": ""])]).map(\.column) == ["办结日期"])
        #expect(
            problems([row(2, ["状态": "已答复", "办结日期": "2021-06-01"])]).map(\.message)
                == ["状态为「已答复」的诉求尚未办结,不应填写办结日期"])
        #expect(problems([row(2, ["状态": "办理中", "办结日期": ""])]).map(\.message) == ["状态为「办理中」的诉求尚未答复,不应填写办理结果"])
        #expect(problems([row(2, ["交办单位": ""])]).map(\.column) == ["交办单位"])
        #expect(
            problems([row(2, ["状态": "已退回", "办理结果": "", "办结日期": ""])]).map(\.message)
                == ["状态为「已退回」的诉求没有承办单位,不应填写"])
        #expect(problems([row(2, ["状态": "已退回", "办理结果": "", "办结日期": "", "交办单位": ""])]).isEmpty)
        #expect(problems([row(2, ["办结日期": "2021-03-04"])]).map(\.message) == ["不能早于登记日期"])
        #expect(problems([row(2, ["状态": "复查中"])]).first?.message.hasPrefix("导入不支持「复查中」") == true)
        #expect(problems([row(2, ["类别": "投诉"])]).map(\.column) == ["类别"])
    }

    @Test("the number must fit the row's division and year, and be unique in the file")
    func numbers() {
        #expect(problems([row(2, ["区划代码": "141125"])]).map(\.message) == ["编号中的区划与区划代码不一致"])
        #expect(
            problems([row(2, ["登记日期": "2022-01-04", "办结日期": "2022-02-01"])]).map(\.message)
                == ["编号中的年份与登记日期的年份不一致"])
        let found = problems([row(2), row(3, ["编号": "141124-2021-000138"]), row(4)])
        #expect(found == [RowProblem(row: 4, column: "编号", message: "与第2行编号重复")])
    }

    @Test("dates as Excel serial numbers; an empty file; problems across rows all reported")
    func datesAndFiles() throws {
        var cells = row(2).cells
        cells[8] = .number("44260")  // 2021-03-05
        cells[13] = .number("44348")  // 2021-06-01
        let drafts = try CaseSheet.drafts([SheetRow(line: 2, cells: cells)], columns: columns, today: F.today).get()
        #expect(drafts[0].receivedOn == d("2021-03-05") && drafts[0].closedOn == d("2021-06-01"))
        #expect(problems([]) == [RowProblem(row: 2, column: "标题", message: "文件中没有数据行")])
        let found = problems([row(2, ["标题": ""]), row(3), row(4, ["联系电话": ""])])
        #expect(found.map(\.row) == [2, 4])
    }
}
