import Foundation
import Testing

@testable import TongguanDomain

@Suite("Supervision, subtasks and events")
struct CaseSupervisionSubtaskTests {
    typealias F = CaseFixtures
    func d(_ s: String) -> CivilDate { F.d(s) }

    func supervise(
        _ level: SupervisionLevel?, _ c: CaseSnapshot, note: String? = "请加快办理", on day: String = "2024-12-05",
        by actor: CaseActor
    ) -> [String]? {
        do {
            _ = try CaseSupervision.apply(level: level, note: note, to: c, on: d(day), today: F.today, actor: actor)
            return nil
        } catch {
            return error.conditions.map(\.code)
        }
    }

    @Test("flagging: supervisors only, with an opinion, once; the case becomes flagged")
    func flag() throws {
        let c = F.inState(.inProgress)
        let t = try CaseSupervision.apply(
            level: .flagged, note: "挂牌督办,限期办结", to: c, on: d("2024-12-05"), today: F.today,
            actor: F.supervisor)
        #expect(t.snapshot.flagged && t.snapshot.state == .inProgress && t.snapshot.lastStepOn == c.lastStepOn)
        #expect(
            t.event
                == CaseEvent(
                    kind: .supervise, on: d("2024-12-05"), from: .inProgress, to: .inProgress, note: "挂牌督办,限期办结",
                    level: .flagged))
        #expect(supervise(.flagged, t.snapshot, by: F.supervisor) == ["flagged_already"])
        #expect(supervise(.flagged, c, note: nil, by: F.supervisor) == ["note_required"])
        #expect(supervise(.flagged, c, note: " ", by: F.dispatcher) == ["note_required"])
        #expect(supervise(.flagged, c, by: F.ownerLeader) == ["role"])
        #expect(supervise(.flagged, c, by: F.handler) == ["role"])
        #expect(supervise(.flagged, c, by: F.otherSupervisor) == ["role"])
    }

    @Test("reminders: supervisors and the owner leader; no note needed")
    func reminder() throws {
        let c = F.inState(.routed)
        #expect(supervise(.reminder, c, note: nil, by: F.supervisor) == nil)
        #expect(supervise(.reminder, c, by: F.ownerLeader) == nil)
        #expect(supervise(.reminder, c, by: F.townshipAdmin) == nil)
        #expect(supervise(.reminder, c, by: F.handler) == ["role"])
        let t = try CaseSupervision.apply(level: .reminder, note: nil, to: c, on: d("2024-12-05"), today: F.today, actor: F.ownerLeader)
        #expect(!t.snapshot.flagged && t.event.level == .reminder)
    }

    @Test("supervision: an open case, a level, a date between receipt and today")
    func supervisionConditions() {
        #expect(supervise(.reminder, F.inState(.closed), by: F.supervisor) == ["wrong_state"])
        #expect(supervise(nil, F.inState(.routed), by: F.supervisor) == ["level_required"])
        #expect(supervise(nil, F.inState(.routed), by: F.handler) == ["role", "level_required"])
        #expect(supervise(.reminder, F.inState(.routed), on: "2025-01-01", by: F.supervisor) == ["date_in_future"])
        #expect(supervise(.reminder, F.inState(.routed), on: "2024-12-01", by: F.supervisor) == ["date_before_received"])
        for state in CaseState.allCases where state.isOpen {
            #expect(supervise(.reminder, F.inState(state), by: F.supervisor) == nil, "\(state)")
        }
        #expect(throws: Refusal.self) {
            try CaseSupervision.apply(
                level: .reminder, note: "\u{1B}", to: F.inState(.routed), on: d("2024-12-05"), today: F.today,
                actor: F.supervisor)
        }
    }

    func input(
        deadline: String? = "2024-12-20", person: String? = "王某", description: String? = "核实宅基地边界",
        unit: String? = "00000000-0000-0000-0000-00000000000B", date: String? = "2024-12-05"
    ) -> CaseSubtaskInput {
        CaseSubtaskInput(unitId: unit, person: person, description: description, deadline: deadline, date: date)
    }

    func add(
        _ input: CaseSubtaskInput, _ c: CaseSnapshot, by actor: CaseActor = F.handler
    ) throws(Refusal) -> (subtask: CaseSubtask, transition: CaseWorkflow.Transition) {
        try CaseSubtasks.add(input, to: c, today: F.today, actor: actor, calendar: F.calendar, policy: .shipped(c.source))
    }

    @Test("a subtask is added by the handler; the case then cannot be replied until it is done")
    func subtaskLifecycle() throws {
        let c = F.inState(.inProgress)
        let (subtask, added) = try add(input(), c)
        #expect(subtask == CaseSubtask(unitId: F.unitB, person: "王某", description: "核实宅基地边界", deadline: d("2024-12-20")))
        #expect(added.snapshot.openSubtasks == 1)
        #expect(added.event == CaseEvent(kind: .subtaskAdded, on: d("2024-12-05"), from: .inProgress, to: .inProgress, unitId: F.unitB))
        #expect(F.codes(.reply(outcome: .resolved, text: "答复"), added.snapshot, on: "2024-12-06") == ["open_subtasks"])
        #expect(subtask.isOverdue(on: d("2024-12-21")) && !subtask.isOverdue(on: d("2024-12-20")))
        let (done, completed) = try CaseSubtasks.complete(
            subtask, note: "已核实", of: added.snapshot, on: d("2024-12-10"), today: F.today,
            actor: F.outsider, inSubtaskUnit: true)
        #expect(done.state == .done && done.doneOn == d("2024-12-10") && done.doneNote == "已核实" && !done.isOverdue(on: d("2025-01-01")))
        #expect(completed.snapshot.openSubtasks == 0)
        #expect(completed.event.kind == .subtaskDone && completed.event.note == "已核实" && completed.event.unitId == F.unitB)
        #expect(F.codes(.reply(outcome: .resolved, text: "答复"), completed.snapshot, on: "2024-12-10") == nil)
    }

    @Test("subtask fields: every problem at once")
    func subtaskFields() {
        let c = F.inState(.inProgress)
        do {
            _ = try add(input(deadline: "2024-13-01", person: "", description: String(repeating: "述", count: 2001), unit: "x", date: "12/05"), c)
            Issue.record("expected problems")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.problems.map(\.field) == ["date", "unit_id", "person", "description", "deadline"])
            #expect(error.problems[1].message == "责任单位编号格式不正确")
            #expect(error.problems[2].message == "请填写责任人")
        }
        do {
            _ = try add(input(deadline: nil, unit: nil), c)
        } catch {
            #expect(error.problems.map(\.message) == ["请选择责任单位", "请填写完成期限"])
        }
    }

    @Test("a subtask's deadline lies between the day it is set and the case's due date")
    func subtaskDeadline() {
        // Petition accepted 2024-12-02: handle due 2025-01-31.
        let c = F.inState(.inProgress)
        #expect((try? add(input(deadline: "2025-01-31"), c)) != nil)
        #expect((try? add(input(deadline: "2024-12-05"), c)) != nil)
        do {
            _ = try add(input(deadline: "2025-02-01"), c)
        } catch {
            #expect(error.problems == [FieldProblem(field: "deadline", message: "完成期限不能晚于诉求的办理期限(2025年1月31日)")])
        }
        do {
            _ = try add(input(deadline: "2024-12-04"), c)
        } catch {
            #expect(error.problems == [FieldProblem(field: "deadline", message: "完成期限不能早于分解日期")])
        }
        // Under review, the review's due date bounds it.
        let review = F.inState(.underReview)
        do {
            _ = try add(input(deadline: "2025-01-02"), review, by: F.dispatcher)
        } catch {
            #expect(error.problems.first?.message == "完成期限不能晚于诉求的办理期限(2025年1月1日)")
        }
    }

    @Test("subtasks: while handling, by the handler or the dispatcher, dated sensibly")
    func subtaskConditions() {
        func codes(_ c: CaseSnapshot, by actor: CaseActor, date: String = "2024-12-05") -> [String]? {
            do { _ = try add(input(date: date), c, by: actor); return nil } catch { return error.conditions.map(\.code) }
        }
        for state in CaseState.allCases {
            let result = codes(F.inState(state), by: F.everyone)
            #expect((result == nil) == state.isHandling, "\(state)")
        }
        #expect(codes(F.inState(.inProgress), by: F.dispatcher) == nil)
        #expect(codes(F.inState(.inProgress), by: F.outsider) == ["role"])
        #expect(codes(F.inState(.inProgress), by: F.viewerInUnit) == ["role"])
        var later = F.inState(.inProgress)
        later.lastStepOn = d("2024-12-06")
        #expect(codes(later, by: F.handler, date: "2024-12-05") == ["date_before_previous_step"])
    }

    @Test("completing a subtask: open, with a note, by its unit or the handler")
    func completeConditions() {
        let c = F.inState(.inProgress)
        let open = CaseSubtask(unitId: F.unitB, person: "王某", description: "核实", deadline: d("2024-12-20"))
        func codes(
            _ s: CaseSubtask, note: String? = "已办", _ c: CaseSnapshot, by actor: CaseActor, inUnit: Bool, on day: String = "2024-12-06"
        ) -> [String]? {
            do {
                _ = try CaseSubtasks.complete(s, note: note, of: c, on: d(day), today: F.today, actor: actor, inSubtaskUnit: inUnit)
                return nil
            } catch {
                return error.conditions.map(\.code)
            }
        }
        #expect(codes(open, c, by: F.handler, inUnit: false) == nil)
        #expect(codes(open, c, by: F.outsider, inUnit: true) == nil)
        #expect(codes(open, c, by: F.outsider, inUnit: false) == ["role"])
        #expect(codes(open, c, by: CaseActor(role: .viewer, scope: F.county), inUnit: true) == ["role"])
        #expect(codes(open, note: nil, c, by: F.handler, inUnit: false) == ["note_required"])
        var done = open
        done.state = .done
        #expect(codes(done, c, by: F.handler, inUnit: false) == ["subtask_done_already"])
        #expect(codes(open, F.inState(.closed), by: F.handler, inUnit: false) == ["wrong_state"])
        #expect(codes(open, c, by: F.handler, inUnit: false, on: "2025-01-01") == ["date_in_future"])
        #expect(codes(open, c, by: F.handler, inUnit: false, on: "2024-11-30") == ["date_before_received"])
    }

    @Test("events: labels, summaries, and JSON with ISO dates")
    func events() throws {
        let e = CaseEvent(
            kind: .reply, on: d("2024-10-20"), from: .inProgress, to: .replied, note: "n", unitId: F.unitA, reason: nil,
            days: nil, outcome: .notSupported, text: "答复", satisfaction: nil, level: nil, handleDue: d("2024-11-01"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(e)
        #expect(
            String(decoding: data, as: UTF8.self)
                == #"{"from":"in_progress","handle_due":"2024-11-01","kind":"reply","note":"n","on":"2024-10-20","outcome":"not_supported","text":"答复","to":"replied","unit_id":"00000000-0000-0000-0000-00000000000A"}"#
        )
        #expect(try JSONDecoder().decode(CaseEvent.self, from: data) == e)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CaseEvent.self, from: Data(#"{"kind":"reply","on":"20241020","to":"replied"}"#.utf8))
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CaseEvent.self, from: Data(#"{"kind":"reply","to":"replied"}"#.utf8)) }
        #expect(e.summary == "答复:办理中 → 已答复,办理期限至2024年11月1日,结果「不予支持」")
        #expect(CaseEvent(kind: .supervise, on: d("2024-10-20"), from: .routed, to: .routed, level: .flagged).summary == "督办(挂牌督办)")
        #expect(
            CaseEvent(kind: .followUp, on: d("2024-10-20"), from: .closed, to: .closed, satisfaction: .unsatisfied).summary
                == "回访,满意度「不满意」")
        for name in CaseAction.Name.allCases { #expect(CaseEvent.Kind(name).label == name.label) }
        #expect(
            CaseEvent.Kind.registered.label == "登记" && CaseEvent.Kind.subtaskAdded.label == "分解任务"
                && CaseEvent.Kind.subtaskDone.label == "完成任务")
    }
}
