import Foundation
import Testing

@testable import TongguanDomain

@Suite("Case registration: details and their rules")
struct CaseRegistrationTests {
    typealias F = CaseFixtures
    func d(_ s: String) -> CivilDate { F.d(s) }

    func valid(_ source: String = "petition", kind: String = "appeal") -> CaseInput {
        CaseInput(
            source: source, kind: kind, title: "宅基地纠纷", content: "反映与邻居宅基地边界纠纷,\r\n请求处理。",
            requester: .init(name: "张某某", phone: "138 0000 1234", residentId: "11010519491231002x"),
            divisionCode: "141124100", receivedOn: "2024-09-02")
    }

    func problems(_ input: CaseInput, scope: DivisionScope? = nil) -> [FieldProblem] {
        do {
            _ = try CaseDetails(validating: input, today: F.today, scope: scope)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a valid petition: text cleaned, phone and ID normalised, snapshot and event")
    func validPetition() throws {
        let details = try CaseDetails(validating: valid(), today: F.today, scope: F.county)
        #expect(details.source == .petition && details.kind == .appeal)
        #expect(details.content == "反映与邻居宅基地边界纠纷,\n请求处理。")
        #expect(details.requesterPhone == "13800001234" && details.requesterResidentId == "11010519491231002X")
        #expect(details.divisionCode == F.division && details.receivedOn == d("2024-09-02"))
        #expect(details.station == nil && details.backlog == nil && details.ownerLeaderId == nil)
        #expect(details.registeredSnapshot == CaseSnapshot(source: .petition, divisionCode: F.division, receivedOn: d("2024-09-02")))
        #expect(details.registeredEvent == CaseEvent(kind: .registered, on: d("2024-09-02"), from: nil, to: .registered))
    }

    @Test("nothing given: every required field is named")
    func empty() {
        #expect(
            problems(CaseInput()).map(\.field) == [
                "source", "kind", "title", "content", "requester.name", "requester.phone",
                "division_code", "received_on",
            ])
    }

    @Test("wrong values: each reported without repeating personal data")
    func wrongValues() {
        var input = valid()
        input.source = "weibo"
        input.kind = "rumour"
        input.requester = .init(name: "张\u{202E}某", phone: "12345", residentId: "110105194912310021")
        input.divisionCode = "14112"
        input.receivedOn = "2025-01-01"
        let found = problems(input)
        #expect(
            found.map(\.field) == [
                "source", "kind", "requester.name", "requester.phone", "requester.resident_id", "division_code",
                "received_on",
            ])
        #expect(found.allSatisfy { !$0.message.contains("12345") && !$0.message.contains("110105194912310021") })
        #expect(found.last?.message == "登记日期不能晚于今天")
    }

    @Test("the kind must go with the source")
    func kindFitsSource() {
        #expect(
            problems(valid("petition", kind: "complaint")).map(\.message)
                == ["来源为「信访」的诉求类别应为「建议意见」、「检举控告」、「申诉求决」,不能是「投诉」"])
        #expect(problems(valid("hotline", kind: "appeal")).map(\.field) == ["kind"])
        #expect(problems(valid("hotline", kind: "complaint")).isEmpty)
    }

    @Test("liaison-station cases name their station and visit batch; others must not")
    func station() throws {
        var input = valid("liaison_station", kind: "suggestion")
        #expect(problems(input).map(\.field) == ["station.name", "station.batch"])
        input.station = .init(name: "临县城庄镇人大代表联络站", batch: "2024年第3次")
        let details = try CaseDetails(validating: input, today: F.today)
        #expect(details.station == .init(name: "临县城庄镇人大代表联络站", batch: "2024年第3次"))
        var other = valid()
        other.station = .init(name: "某联络站")
        #expect(problems(other).map(\.field) == ["station"])
        other.station = .init(name: " ", batch: "")
        #expect(problems(other).isEmpty)
    }

    @Test("backlog: handed down by a named body, originally received no later than registration")
    func backlog() throws {
        var input = valid()
        input.backlog = true
        input.handedDownBy = "中央联席办"
        input.originalReceivedOn = "2019-05-06"
        input.ownerLeaderId = F.unitA.uuidString
        let details = try CaseDetails(validating: input, today: F.today)
        #expect(details.backlog == .init(handedDownBy: "中央联席办", originalReceivedOn: d("2019-05-06")))
        #expect(details.ownerLeaderId == F.unitA)
        input.handedDownBy = ""
        input.originalReceivedOn = "2024-09-03"
        input.ownerLeaderId = "leader-1"
        #expect(problems(input).map(\.field) == ["owner_leader_id", "handed_down_by", "original_received_on"])
        input.handedDownBy = "省信访局"
        input.originalReceivedOn = nil
        input.ownerLeaderId = nil
        #expect(problems(input).map(\.message) == ["请填写原始登记日期"])
    }

    @Test("a case that is not a backlog case names no handing-down body or original date")
    func notBacklog() {
        var input = valid()
        input.handedDownBy = "中央联席办"
        input.originalReceivedOn = "2019-05-06"
        #expect(problems(input).map(\.field) == ["handed_down_by", "original_received_on"])
        input.backlog = false
        #expect(problems(input).map(\.field) == ["handed_down_by", "original_received_on"])
        input.handedDownBy = " "
        input.originalReceivedOn = ""
        #expect(problems(input).isEmpty)
    }

    @Test("the kind is given by its Chinese label (the code name is read too); a wrong one lists the source's labels")
    func kindByLabel() throws {
        #expect(try CaseDetails(validating: valid("hotline", kind: "投诉"), today: F.today).kind == .complaint)
        #expect(try CaseDetails(validating: valid("petition", kind: "申诉求决"), today: F.today).kind == .appeal)
        #expect(try CaseDetails(validating: valid("petition", kind: "appeal"), today: F.today).kind == .appeal)
        #expect(problems(valid("hotline", kind: "谣言")).map(\.message) == ["类别应为 咨询、投诉、求助、建议、举报"])
        #expect(problems(valid("petition", kind: "谣言")).map(\.message) == ["类别应为 建议意见、检举控告、申诉求决"])
    }

    @Test("a case outside the registrar's scope is refused; lengths are bounded")
    func scopeAndLengths() {
        #expect(problems(valid(), scope: F.otherCounty).map(\.message) == ["该区划不在您的管辖范围内"])
        #expect(problems(valid(), scope: F.city).isEmpty)
        var input = valid()
        input.title = String(repeating: "题", count: 201)
        input.content = String(repeating: "文", count: 5001)
        input.requester?.name = String(repeating: "名", count: 51)
        #expect(problems(input).map(\.message) == ["标题不能超过200个字符", "内容不能超过5000个字符", "诉求人姓名不能超过50个字符"])
        input.title = "标题\n第二行"
        #expect(problems(input).first?.field == "title")
    }

    @Test("the body decodes from nested snake_case JSON")
    func json() throws {
        let body =
            #"{"source":"hotline","kind":"投诉","title":"t","content":"c","requester":{"name":"n","phone":"0358-8221234","resident_id":null},"division_code":"141124","received_on":"2024-09-02","backlog":true,"handed_down_by":"省信访局","original_received_on":"2024-01-02"}"#
        let input = try JSONDecoder().decode(CaseInput.self, from: Data(body.utf8))
        let details = try CaseDetails(validating: input, today: F.today)
        #expect(details.requesterPhone == "0358-8221234" && details.backlog?.handedDownBy == "省信访局" && details.kind == .complaint)
    }
}
