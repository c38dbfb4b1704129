extension CaseSheet {
    /// Checks every row; numbers repeated within the file are reported on each later row.
    public static func drafts(_ rows: [SheetRow], columns: [Column: Int], today: CivilDate) -> Result<[Draft], ImportProblems> {
        var drafts: [Draft] = []
        var problems: [RowProblem] = []
        var numbers: [CaseNumber: Int] = [:]
        for row in rows {
            switch draft(row, columns: columns, today: today) {
            case .success(let d):
                if let n = d.number {
                    if let first = numbers[n] {
                        problems.append(RowProblem(row: row.line, column: Column.number.rawValue, message: "与第\(first)行编号重复"))
                    } else {
                        numbers[n] = row.line
                    }
                }
                drafts.append(d)
            case .failure(let p): problems += p.problems
            }
        }
        if drafts.isEmpty && problems.isEmpty { problems.append(RowProblem(row: 2, column: Column.title.rawValue, message: "文件中没有数据行")) }
        return problems.isEmpty ? .success(drafts) : .failure(ImportProblems(problems))
    }

    /// Checks one data row and reports every problem of it.
    public static func draft(_ row: SheetRow, columns: [Column: Int], today: CivilDate) -> Result<Draft, ImportProblems> {
        var problems: [RowProblem] = []
        func cell(_ c: Column) -> SheetCell? {
            guard let i = columns[c], i < row.cells.count else { return nil }
            return row.cells[i]
        }
        func raw(_ c: Column) -> String { cell(c)?.text ?? "" }
        func fail(_ c: Column, _ message: String) { problems.append(RowProblem(row: row.line, column: c.rawValue, message: message)) }
        func checked(_ c: Column, max: Int, multiLine: Bool = false, required: Bool = true) -> String {
            var list = ProblemList()
            let value = CaseDetails.checkedText(raw(c), c.rawValue, c.rawValue, max: max, multiLine: multiLine, required: required, into: &list)
            for p in list.problems { fail(c, p.message) }
            return value
        }
        func date(_ c: Column) -> CivilDate? {
            guard let value = cell(c), !value.isEmpty else { return nil }
            guard let d = ProjectSheet.parseDate(value) else { fail(c, "日期应为 2021-07-16、2021/7/16 或 2021年7月16日"); return nil }
            if d > today { fail(c, "不能晚于今天"); return nil }
            return d
        }

        let source = CaseSource(label: raw(.source))
        if source == nil { fail(.source, raw(.source).isEmpty ? "不能为空" : "应为" + CaseSource.allCases.map { "「\($0.label)」" }.joined(separator: "、")) }
        let kind = CaseKind(label: raw(.kind))
        if kind == nil {
            fail(.kind, raw(.kind).isEmpty ? "不能为空" : "应为" + CaseKind.allCases.map { "「\($0.label)」" }.joined(separator: "、"))
        } else if let kind, let source, !kind.fits(source) {
            fail(.kind, CaseKind.mismatchMessage(kind, source))
        }
        let title = checked(.title, max: CaseDetails.maxTitleLength)
        let content = checked(.content, max: CaseDetails.maxContentLength, multiLine: true)
        // A default export masks the requester's name and phone: such a cell stands for no
        // value (the import only creates cases), so the row is refused.
        let requester = PersonalSheet.isMasked(raw(.requester)) ? "" : checked(.requester, max: CaseDetails.maxNameLength)
        if PersonalSheet.isMasked(raw(.requester)) { problems.append(PersonalSheet.maskedProblem(line: row.line, column: Column.requester.rawValue)) }
        var phone = raw(.phone)
        if PersonalSheet.isMasked(phone) {
            problems.append(PersonalSheet.maskedProblem(line: row.line, column: Column.phone.rawValue))
        } else if phone.isEmpty {
            fail(.phone, "不能为空")
        } else if let normalized = PhoneNumber.normalized(phone) {
            phone = normalized
        } else {
            fail(.phone, PhoneNumber.problemMessage)
        }
        var division: DivisionCode? = nil
        do { division = try DivisionCode(validating: raw(.division)) } catch {
            fail(.division, raw(.division).isEmpty ? "不能为空" : error.message)
        }
        let receivedOn = date(.receivedOn)
        if raw(.receivedOn).isEmpty { fail(.receivedOn, "不能为空") }

        var number: CaseNumber? = nil
        if !raw(.number).isEmpty {
            do {
                let n = try CaseNumber(parsing: raw(.number))
                number = n
                if let division, !n.division.contains(division) { fail(.number, "编号中的区划与区划代码不一致") }
                if let receivedOn, n.year != receivedOn.year { fail(.number, "编号中的年份与登记日期的年份不一致") }
            } catch {
                fail(.number, error.message)
            }
        }

        let unit = checked(.unit, max: CaseDetails.maxStationLength, required: false)
        let leader = checked(.ownerLeader, max: CaseDetails.maxNameLength, required: false)
        var state = CaseState(label: raw(.state))
        if let s = state, !importableStates.contains(s) {
            fail(.state, "导入不支持「\(s.label)」,请导入为「已答复」或「已办结」后在系统中登记复查、复核申请")
            state = nil
        } else if state == nil {
            fail(.state, raw(.state).isEmpty ? "不能为空" : "应为" + importableStates.map { "「\($0.label)」" }.joined(separator: "、"))
        }
        var outcome: CaseOutcome? = nil
        if !raw(.outcome).isEmpty {
            outcome = CaseOutcome(label: raw(.outcome))
            if outcome == nil { fail(.outcome, "应为" + CaseOutcome.allCases.map { "「\($0.label)」" }.joined(separator: "、")) }
        }
        let closedOn = date(.closedOn)
        if let state {
            let answered = state == .replied || state == .closed
            if answered, raw(.outcome).isEmpty { fail(.outcome, "状态为「\(state.label)」时不能为空") }
            if !answered, !raw(.outcome).isEmpty { fail(.outcome, "状态为「\(state.label)」的诉求尚未答复,不应填写办理结果") }
            if state == .closed, raw(.closedOn).isEmpty { fail(.closedOn, "状态为「已办结」时不能为空") }
            if state != .closed, !raw(.closedOn).isEmpty { fail(.closedOn, "状态为「\(state.label)」的诉求尚未办结,不应填写办结日期") }
            let routed = order(state) >= order(.routed) && state != .returned
            if routed, unit.isEmpty { fail(.unit, "状态为「\(state.label)」时不能为空") }
            if !routed, !unit.isEmpty { fail(.unit, "状态为「\(state.label)」的诉求没有承办单位,不应填写") }
        }
        if let closedOn, let receivedOn, closedOn < receivedOn { fail(.closedOn, "不能早于登记日期") }

        guard problems.isEmpty, let source, let kind, let division, let receivedOn, let state else {
            return .failure(ImportProblems(problems))
        }
        return .success(
            Draft(
                line: row.line, number: number, source: source, kind: kind, title: title, content: content,
                requesterName: requester, requesterPhone: phone, divisionCode: division, receivedOn: receivedOn,
                unitName: unit.isEmpty ? nil : unit, ownerLeaderName: leader.isEmpty ? nil : leader, state: state,
                outcome: outcome, closedOn: closedOn))
    }
}
