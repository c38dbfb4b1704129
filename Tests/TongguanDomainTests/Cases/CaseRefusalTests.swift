import Foundation
import Testing

@testable import TongguanDomain

@Suite("Case workflow refusals: inputs, subtasks, dates, text")
struct CaseRefusalTests {
    typealias F = CaseFixtures

    @Test("route needs a unit")
    func unitRequired() {
        #expect(F.codes(.route(unitId: nil), F.fresh(), on: "2024-09-03") == ["unit_required"])
    }

    @Test("return, reopen and extend need a reason; blank text is no reason")
    func reasonRequired() {
        #expect(F.codes(.return(reason: nil), F.inState(.routed), on: "2024-12-03") == ["reason_required"])
        #expect(F.codes(.return(reason: " \u{3000}\n"), F.inState(.routed), on: "2024-12-03") == ["reason_required"])
        var closed = F.inState(.closed)
        closed.satisfaction = .unsatisfied
        #expect(F.codes(.reopen(reason: ""), closed, on: "2024-12-03") == ["reason_required"])
        #expect(F.codes(.extend(days: 3, reason: nil), F.inState(.inProgress), on: "2024-12-03") == ["reason_required"])
    }

    @Test("reply needs an outcome and a text, and no open subtask")
    func replyInputs() {
        var c = F.inState(.inProgress)
        #expect(F.codes(.reply(outcome: nil, text: "答复"), c, on: "2024-12-03") == ["outcome_required"])
        #expect(F.codes(.reply(outcome: .resolved, text: nil), c, on: "2024-12-03") == ["reply_text_required"])
        c.openSubtasks = 2
        #expect(F.codes(.reply(outcome: .resolved, text: "答复"), c, on: "2024-12-03") == ["open_subtasks"])
        do {
            _ = try F.apply(.reply(outcome: .resolved, text: "答复"), c, on: "2024-12-03")
        } catch {
            #expect(error.conditions.first?.message == "还有2项分解任务未完成")
        }
        c.openSubtasks = 0
        #expect(F.codes(.reply(outcome: .resolved, text: "答复"), c, on: "2024-12-03") == nil)
    }

    @Test("follow-up needs a satisfaction, once per closing")
    func followUpInputs() throws {
        let closed = F.inState(.closed)
        #expect(F.codes(.followUp(satisfaction: nil), closed, on: "2024-12-03") == ["satisfaction_required"])
        let once = try F.apply(.followUp(satisfaction: .basicallySatisfied), closed, on: "2024-12-03").snapshot
        #expect(F.codes(.followUp(satisfaction: .satisfied), once, on: "2024-12-04") == ["followed_up_already"])
    }

    @Test("reopen only after an unsatisfied follow-up")
    func reopenNeedsUnsatisfied() throws {
        let closed = F.inState(.closed)
        #expect(F.codes(.reopen(reason: "再办"), closed, on: "2024-12-03") == ["unsatisfied_follow_up_required"])
        for satisfaction in [Satisfaction.satisfied, .basicallySatisfied] {
            let followed = try F.apply(.followUp(satisfaction: satisfaction), closed, on: "2024-12-03").snapshot
            #expect(F.codes(.reopen(reason: "再办"), followed, on: "2024-12-04") == ["unsatisfied_follow_up_required"])
        }
        let unsatisfied = try F.apply(.followUp(satisfaction: .unsatisfied), closed, on: "2024-12-03").snapshot
        #expect(F.codes(.reopen(reason: "再办"), unsatisfied, on: "2024-12-04") == nil)
    }

    @Test("an action's date may not be after today nor before the previous step")
    func dates() {
        let routed = F.inState(.routed, received: "2024-12-02")
        var c = routed
        c.lastStepOn = F.d("2024-12-10")
        #expect(F.codes(.accept, c, on: "2024-12-09") == ["date_before_previous_step"])
        #expect(F.codes(.accept, c, on: "2024-12-10") == nil)
        #expect(F.codes(.accept, c, on: "2024-12-31") == nil)
        #expect(F.codes(.accept, c, on: "2025-01-01") == ["date_in_future"])
        do {
            _ = try F.apply(.accept, c, on: "2025-01-01")
        } catch {
            #expect(error.conditions.first?.message == "日期不能晚于今天(2024年12月31日)")
        }
        do {
            _ = try F.apply(.accept, c, on: "2024-12-01")
        } catch {
            #expect(error.conditions.first?.message == "日期不能早于上一步的日期(2024年12月10日)")
        }
    }

    @Test("every unmet condition at once")
    func everythingAtOnce() {
        var c = F.inState(.accepted)
        c.openSubtasks = 1
        let codes = F.codes(.reply(outcome: nil, text: nil), c, on: "2025-01-02", by: F.supervisor)
        #expect(codes == ["date_in_future", "wrong_state", "role", "unit_mismatch", "outcome_required", "reply_text_required", "open_subtasks"])
        let hotline = F.inState(.inProgress, .hotline)
        #expect(F.codes(.review, hotline, on: "2024-12-03", by: F.handler) == ["not_petition", "wrong_state", "role"])
    }

    @Test("text that breaks TextPolicy or a length limit is a field problem")
    func text() {
        func problems(_ action: CaseAction, _ c: CaseSnapshot, note: String? = nil) -> [String] {
            do {
                _ = try F.apply(action, c, on: "2024-12-03", note: note)
                return []
            } catch {
                #expect(error.kind == .invalid)
                return error.problems.map(\.field)
            }
        }
        #expect(problems(.return(reason: "非本单位\u{202E}事项"), F.inState(.routed)) == ["reason"])
        #expect(problems(.return(reason: String(repeating: "理", count: 501)), F.inState(.routed)) == ["reason"])
        #expect(problems(.return(reason: String(repeating: "理", count: 500)), F.inState(.routed)) == [])
        #expect(problems(.reply(outcome: .resolved, text: String(repeating: "答", count: 5001)), F.inState(.inProgress)) == ["text"])
        #expect(problems(.accept, F.inState(.routed), note: String(repeating: "注", count: 1001)) == ["note"])
        #expect(problems(.accept, F.inState(.routed), note: "a\u{0}b") == ["note"])
        #expect(problems(.reopen(reason: "\u{7}"), F.inState(.closed)) == ["reason"])
        #expect(problems(.extend(days: 1, reason: "\u{FEFF}x"), F.inState(.inProgress)) == ["reason"])
    }

    @Test("notes and reply text keep line breaks; CR LF becomes LF")
    func multiLine() throws {
        let t = try F.apply(.reply(outcome: .explained, text: "第一段\r\n第二段"), F.inState(.inProgress), on: "2024-12-03", note: " 备注\n第二行 ")
        #expect(t.event.text == "第一段\n第二段")
        #expect(t.event.note == "备注\n第二行")
        let blankNote = try F.apply(.accept, F.inState(.routed), on: "2024-12-03", note: "   ")
        #expect(blankNote.event.note == nil)
    }
}

@Suite("Case action requests from the API body")
struct CaseRequestTests {
    typealias F = CaseFixtures

    @Test("every action from its name, date defaulting to today")
    func names() throws {
        let input = CaseActionInput(
            unitId: F.unitA.uuidString.lowercased(), reason: "理由", days: 3, outcome: "resolved", text: "答复",
            satisfaction: "unsatisfied", note: "备注")
        let expected: [CaseAction.Name: CaseAction] = [
            .route: .route(unitId: F.unitA), .accept: .accept, .return: .return(reason: "理由"), .start: .start,
            .extend: .extend(days: 3, reason: "理由"), .reply: .reply(outcome: .resolved, text: "答复"), .close: .close,
            .followUp: .followUp(satisfaction: .unsatisfied), .reopen: .reopen(reason: "理由"), .review: .review, .reReview: .reReview,
        ]
        for name in CaseAction.Name.allCases {
            let request = try CaseRequest(name: name, input: input, today: F.today)
            #expect(request.action == expected[name])
            #expect(request.action.name == name)
            #expect(request.date == F.today && request.note == "备注")
        }
        #expect(
            CaseAction.Name.allCases.map(\.rawValue) == [
                "route", "accept", "return", "start", "extend", "reply", "close", "follow_up",
                "reopen", "review", "re_review",
            ])
    }

    @Test("a given date; missing values stay missing for the workflow to report")
    func datesAndMissing() throws {
        let r = try CaseRequest(name: .reply, input: CaseActionInput(outcome: " ", date: " 2024-10-08 "), today: F.today)
        #expect(r.date == F.d("2024-10-08"))
        #expect(r.action == .reply(outcome: nil, text: nil))
        #expect(try CaseRequest(name: .route, input: CaseActionInput(unitId: ""), today: F.today).action == .route(unitId: nil))
    }

    @Test("values of the wrong form are field problems, all at once")
    func badValues() {
        do {
            _ = try CaseRequest(
                name: .reply,
                input: CaseActionInput(
                    unitId: "A-1", outcome: "solved", satisfaction: "happy",
                    date: "2024/10/08"), today: F.today)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.problems.map(\.field) == ["date", "unit_id", "outcome", "satisfaction"])
            #expect(error.problems[2].message == "办理结果应为 resolved、explained、not_supported、redirected")
        }
    }

    @Test("the body decodes from snake_case JSON")
    func json() throws {
        let body = Data(#"{"unit_id":"00000000-0000-0000-0000-00000000000A","days":10,"reason":"r","date":"2024-10-08","note":"n"}"#.utf8)
        let input = try JSONDecoder().decode(CaseActionInput.self, from: body)
        #expect(input == CaseActionInput(unitId: "00000000-0000-0000-0000-00000000000A", reason: "r", days: 10, date: "2024-10-08", note: "n"))
    }
}
