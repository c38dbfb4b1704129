import Testing

@testable import TongguanDomain

@Suite("RowProblemTally and SheetLimits: a bounded report of any file")
struct RowProblemTallyTests {
    static func problems(
        row: Int, count: Int, column: (Int) -> String = { "列\($0)" },
        message: (Int) -> String = { _ in "不能为空" }
    ) -> [RowProblem] {
        (0..<count).map { RowProblem(row: row, column: column($0), message: message($0)) }
    }

    @Test("the limits")
    func limits() {
        #expect(RowProblemTally.reportLimit == 200)
        #expect(RowProblemTally.perRowLimit == 5)
        #expect(RowProblemTally.groupLimit == 100)
    }

    @Test("an empty tally says nothing")
    func empty() {
        let tally = RowProblemTally()
        #expect(tally.isEmpty)
        #expect(tally.total == 0)
        #expect(tally.first.isEmpty && tally.groups.isEmpty && tally.summary.isEmpty && tally.reported.isEmpty)
        #expect(tally.headline == "")
        var added = RowProblemTally()
        added.add([])
        added.addHeader([])
        #expect(added == tally)
    }

    @Test("a data row counts at most perRowLimit problems, the first ones", arguments: [1, 4, 5, 6, 15])
    func perRowCap(_ n: Int) {
        var tally = RowProblemTally()
        let row = Self.problems(row: 3, count: n)
        tally.add(row)
        let kept = min(n, RowProblemTally.perRowLimit)
        #expect(tally.total == kept)
        #expect(tally.first == Array(row.prefix(kept)))
        #expect(!tally.isEmpty)
    }

    @Test("the header's problems are all counted", arguments: [1, 5, 6, 40])
    func headerUncapped(_ n: Int) {
        var tally = RowProblemTally()
        let header = Self.problems(row: 1, count: n, message: { _ in "缺少此列" })
        tally.addHeader(header)
        #expect(tally.total == n)
        #expect(tally.first == header)
    }

    @Test("total counts every added problem across rows and single adds")
    func totalCounts() {
        var tally = RowProblemTally()
        tally.addHeader(Self.problems(row: 1, count: 7))
        for row in 2...11 { tally.add(Self.problems(row: row, count: row)) }  // 2,3,4,5,5,5,...
        tally.add(RowProblem(row: 12, column: "名称", message: "不能为空"))
        let expected = 7 + (2...11).reduce(0) { $0 + min($1, RowProblemTally.perRowLimit) } + 1
        #expect(tally.total == expected)
        #expect(tally.groups.reduce(0) { $0 + $1.count } == expected)
    }

    @Test("first keeps the first reportLimit problems in file order")
    func firstInFileOrder() {
        var tally = RowProblemTally()
        var all: [RowProblem] = []
        for row in 2...100 {
            let rowProblems = Self.problems(row: row, count: 3)
            all += rowProblems
            tally.add(rowProblems)
        }
        #expect(tally.total == all.count)
        #expect(tally.first == Array(all.prefix(RowProblemTally.reportLimit)))
        #expect(tally.headline.contains("前 \(RowProblemTally.reportLimit) 处"))
    }

    @Test("reported is sorted by row, then column")
    func reportedOrder() {
        var tally = RowProblemTally()
        tally.add([RowProblem(row: 9, column: "b", message: "m"), RowProblem(row: 9, column: "a", message: "m")])
        tally.add([RowProblem(row: 3, column: "z", message: "m")])
        tally.addHeader([RowProblem(row: 1, column: "y", message: "m"), RowProblem(row: 1, column: "x", message: "m")])
        tally.add([RowProblem(row: 10, column: "a", message: "m")])
        let order = tally.reported.map { "\($0.row)\($0.column)" }
        #expect(order == ["1x", "1y", "3z", "9a", "9b", "10a"])
        #expect(Set(tally.reported) == Set(tally.first))
    }

    @Test("groups count per column and message, in order of first appearance")
    func groupsPerColumnAndMessage() {
        var tally = RowProblemTally()
        tally.add([RowProblem(row: 2, column: "名称", message: "不能为空"), RowProblem(row: 2, column: "日期", message: "格式错误")])
        tally.add([RowProblem(row: 3, column: "名称", message: "不能为空"), RowProblem(row: 3, column: "名称", message: "过长")])
        tally.add([RowProblem(row: 4, column: "日期", message: "不能为空")])
        #expect(
            tally.groups == [
                .init(column: "名称", message: "不能为空", count: 2), .init(column: "日期", message: "格式错误", count: 1),
                .init(column: "名称", message: "过长", count: 1), .init(column: "日期", message: "不能为空", count: 1),
            ])
    }

    @Test("past groupLimit distinct groups, new reasons are counted as 其他错误 per column; known groups keep counting")
    func groupOverflow() {
        var tally = RowProblemTally()
        // 100 distinct reasons quoting the row's own text, in column A.
        for row in 2..<(2 + RowProblemTally.groupLimit) {
            tally.add(RowProblem(row: row, column: "A", message: "「x\(row)」不是数字"))
        }
        #expect(tally.groups.count == RowProblemTally.groupLimit)
        tally.add(RowProblem(row: 500, column: "A", message: "「y」不是数字"))
        tally.add(RowProblem(row: 501, column: "A", message: "「z」不是数字"))
        tally.add(RowProblem(row: 502, column: "B", message: "新原因"))
        tally.add(RowProblem(row: 503, column: "A", message: "「x2」不是数字"))  // a known group
        #expect(tally.groups.count == RowProblemTally.groupLimit + 2)
        #expect(tally.groups[RowProblemTally.groupLimit] == .init(column: "A", message: "其他错误", count: 2))
        #expect(tally.groups[RowProblemTally.groupLimit + 1] == .init(column: "B", message: "其他错误", count: 1))
        #expect(tally.groups[0] == .init(column: "A", message: "「x2」不是数字", count: 2))
        #expect(tally.total == RowProblemTally.groupLimit + 4)
    }

    @Test("summary is largest count first, then column")
    func summaryOrder() {
        var tally = RowProblemTally()
        tally.add(RowProblem(row: 2, column: "c", message: "m3"))
        for row in 2...4 { tally.add(RowProblem(row: row, column: "b", message: "m1")) }
        for row in 2...4 { tally.add(RowProblem(row: row, column: "a", message: "m2")) }
        for row in 2...6 { tally.add(RowProblem(row: row, column: "d", message: "m4")) }
        #expect(tally.groups.map(\.column) == ["c", "b", "a", "d"])
        #expect(tally.summary.map(\.count) == [5, 3, 3, 1])
        #expect(tally.summary.map(\.column) == ["d", "a", "b", "c"])
        #expect(tally.summary.map(\.message) == ["m4", "m2", "m1", "m3"])
    }

    @Test("headline: the count, and the note about the unlisted ones only when some are unlisted")
    func headline() {
        var small = RowProblemTally()
        small.add(Self.problems(row: 2, count: 3))
        #expect(small.headline == "未导入任何数据:共 3 处错误")

        var exact = RowProblemTally()
        for row in 2..<(2 + RowProblemTally.reportLimit / RowProblemTally.perRowLimit) {
            exact.add(Self.problems(row: row, count: RowProblemTally.perRowLimit))
        }
        #expect(exact.total == RowProblemTally.reportLimit)
        #expect(exact.headline == "未导入任何数据:共 200 处错误")

        exact.add(RowProblem(row: 999, column: "A", message: "m"))
        #expect(exact.headline == "未导入任何数据:共 201 处错误(以下列出前 200 处,其余按列和原因计数)")
    }

    @Test("500,000 rows of garbage stay bounded")
    func garbageFile() {
        let columns = 12
        var tally = RowProblemTally()
        tally.addHeader((0..<columns).map { RowProblem(row: 1, column: "C\($0)", message: "缺少此列") })
        for row in 2...500_001 {
            // One past the per-row limit, each reason quoting the row's own text.
            tally.add(
                (0...RowProblemTally.perRowLimit).map {
                    RowProblem(row: row, column: "C\((row + $0) % columns)", message: "「\(row)」无法识别")
                })
        }
        #expect(tally.total == columns + 500_000 * RowProblemTally.perRowLimit)
        #expect(tally.first.count == RowProblemTally.reportLimit)
        #expect(tally.groups.count <= RowProblemTally.groupLimit + columns)
        #expect(tally.groups.reduce(0) { $0 + $1.count } == tally.total)
        #expect(tally.headline.contains("共 \(tally.total) 处错误"))
        #expect(tally.headline.contains("前 200 处"))
    }

    // MARK: SheetLimits

    @Test("sheet limits: defaults and messages that name the limit")
    func sheetLimits() {
        let limits = SheetLimits()
        #expect(limits.cells == 5_000_000)
        #expect(limits.columnsPerRow == 256)
        #expect(limits.tooLargeMessage == "文件过大:单元格(行数×列数)超过5000000个,请分成几个文件分别导入")
        #expect(limits.tooWideMessage == "列数超过256列,请只保留模板中的列")
        let custom = SheetLimits(cells: 1_000, columnsPerRow: 30)
        #expect(custom.tooLargeMessage.contains("超过1000个"))
        #expect(custom.tooWideMessage.contains("超过30列"))
        #expect(custom != limits)
    }
}
