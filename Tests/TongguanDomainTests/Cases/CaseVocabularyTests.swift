import Foundation
import Testing

@testable import TongguanDomain

@Suite("Case vocabularies and numbers")
struct CaseVocabularyTests {
    @Test("sources: API names, labels, aliases")
    func sources() {
        #expect(CaseSource.allCases.map(\.rawValue) == ["liaison_station", "petition", "hotline", "leader_visit", "online"])
        #expect(CaseSource.allCases.map(\.label) == ["人大代表联络站", "信访", "12345热线", "领导接访", "网上"])
        for source in CaseSource.allCases {
            #expect(CaseSource(label: source.label) == source)
            #expect(CaseSource(label: " \(source.rawValue) ") == source)
        }
        #expect(CaseSource(label: "12345") == .hotline)
        #expect(CaseSource(label: "联络站") == .liaisonStation)
        #expect(CaseSource(label: "网上信访") == .online)
        #expect(CaseSource(label: "来访") == .petition)
        #expect(CaseSource(label: "接访") == .leaderVisit)
        #expect(CaseSource(label: "微博") == nil)
        #expect(CaseSource.allCases.filter(\.isPetition) == [.petition])
    }

    @Test("kinds: five for the channels, three for petitions")
    func kinds() {
        #expect(CaseKind.generalKinds.map(\.label) == ["咨询", "投诉", "求助", "建议", "举报"])
        #expect(CaseKind.petitionKinds.map(\.label) == ["建议意见", "检举控告", "申诉求决"])
        #expect(
            CaseKind.allCases.map(\.rawValue) == [
                "consultation", "complaint", "help_request", "suggestion", "report",
                "opinion", "accusation", "appeal",
            ])
        for kind in CaseKind.allCases {
            #expect(CaseKind(label: kind.label) == kind)
            #expect(kind.fits(.petition) == kind.isPetitionKind)
            for source in CaseSource.allCases where !source.isPetition { #expect(kind.fits(source) == !kind.isPetitionKind) }
        }
        #expect(CaseKind(label: "上访") == nil)
        #expect(CaseKind.mismatchMessage(.complaint, .petition) == "来源为「信访」的诉求类别应为「建议意见」、「检举控告」、「申诉求决」,不能是「投诉」")
    }

    @Test("states, outcomes, satisfaction, supervision: API names and labels")
    func states() {
        #expect(
            CaseState.allCases.map(\.rawValue) == [
                "registered", "routed", "returned", "accepted", "in_progress", "replied", "closed",
                "under_review", "under_re_review",
            ])
        for state in CaseState.allCases {
            #expect(CaseState(label: state.label) == state)
            #expect(CaseState(label: state.rawValue) == state)
        }
        #expect(CaseState(label: "办结") == .closed)
        #expect(CaseState(label: "在办") == .inProgress)
        #expect(CaseState(label: "登记") == .registered)
        #expect(CaseState(label: "作废") == nil)
        #expect(CaseState.allCases.filter { !$0.isOpen } == [.closed])
        #expect(CaseState.allCases.filter(\.isHandling) == [.accepted, .inProgress, .underReview, .underReReview])
        #expect(CaseOutcome.allCases.map(\.rawValue) == ["resolved", "explained", "not_supported", "redirected"])
        #expect(CaseOutcome.allCases.map(\.label) == ["化解", "解释说明", "不予支持", "导入法定程序"])
        for outcome in CaseOutcome.allCases { #expect(CaseOutcome(label: outcome.label) == outcome) }
        #expect(CaseOutcome(label: "已化解") == .resolved)
        #expect(CaseOutcome(label: "支持") == nil)
        #expect(CaseOutcome.allCases.filter(\.isResolved) == [.resolved])
        #expect(Satisfaction.allCases.map(\.rawValue) == ["satisfied", "basically_satisfied", "unsatisfied"])
        #expect(Satisfaction.allCases.map(\.label) == ["满意", "基本满意", "不满意"])
        #expect(SupervisionLevel.allCases.map(\.rawValue) == ["reminder", "flagged"])
        #expect(SupervisionLevel.allCases.map(\.label) == ["催办", "挂牌督办"])
    }

    @Test("closed and resolved are different figures")
    func closedIsNotResolved() {
        let c = CaseSnapshot(
            source: .hotline, state: .closed, divisionCode: DivisionCode("141124")!,
            receivedOn: CivilDate(iso: "2024-03-01")!, outcome: .explained)
        #expect(c.isClosed && !c.isResolved)
        var r = c
        r.outcome = .resolved
        #expect(r.isClosed && r.isResolved)
        r.state = .underReview
        #expect(!r.isClosed && !r.isResolved)
    }

    @Test("case numbers: format, parse, round trip")
    func numbers() throws {
        let n = try CaseNumber(parsing: "141124-2021-000137")
        #expect(n.division == DivisionCode("141124")! && n.year == 2021 && n.sequence == 137)
        #expect(n.description == "141124-2021-000137")
        #expect(n.series == "141124-2021")
        #expect(try CaseNumber(division: DivisionCode("141100")!, year: 2024, sequence: 1).description == "141100-2024-000001")
        #expect(try CaseNumber(division: DivisionCode("141124")!, year: 2024, sequence: 999_999).description == "141124-2024-999999")
        #expect(try CaseNumber(registeredIn: DivisionCode("141124100201")!, year: 2024, sequence: 5).description == "141124-2024-000005")
        #expect(CaseNumber(" 141124-2021-000137 ") == n)
        #expect(try CaseNumber(parsing: "141124-2021-000138") > n)
        let data = try JSONEncoder().encode([n])
        #expect(String(decoding: data, as: UTF8.self) == #"["141124-2021-000137"]"#)
        #expect(try JSONDecoder().decode([CaseNumber].self, from: data) == [n])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CaseNumber].self, from: Data(#"["x"]"#.utf8)) }
    }

    @Test("case numbers: every malformed part is refused with its reason")
    func badNumbers() {
        func problem(_ s: String) -> CaseNumber.Problem? {
            do { _ = try CaseNumber(parsing: s); return nil } catch { return error }
        }
        for s in [
            "", "141124-2021-137", "141124-21-000137", "1411-2021-000137", "141124_2021_000137", "141124-2021-00013a",
            "141124-2021-000137-1", "１４１１２４-2021-000137",
        ] {
            #expect(problem(s) == .format, "\(s)")
        }
        #expect(problem("001124-2021-000137") == .division(.zeroSegment))
        #expect(problem("141124-1989-000137") == .year)
        #expect(problem("141124-2021-000000") == .sequence)
        #expect(throws: CaseNumber.Problem.sequence) { try CaseNumber(division: DivisionCode("141124")!, year: 2021, sequence: 1_000_000) }
        #expect(throws: CaseNumber.Problem.divisionLevel) { try CaseNumber(division: DivisionCode("141124100")!, year: 2021, sequence: 1) }
        #expect(CaseNumber.Problem.format.message.contains("141124-2021-000137"))
        #expect(CaseNumber.Problem.sequence.message == "编号中的序号应为000001到999999")
    }

    @Test("a number fits a case of its division (or below) registered in its year")
    func fits() throws {
        let n = try CaseNumber(parsing: "141124-2021-000137")
        let day = CivilDate(iso: "2021-05-01")!
        #expect(n.fits(division: DivisionCode("141124")!, receivedOn: day))
        #expect(n.fits(division: DivisionCode("141124100")!, receivedOn: day))
        #expect(!n.fits(division: DivisionCode("141125")!, receivedOn: day))
        #expect(!n.fits(division: DivisionCode("141124")!, receivedOn: CivilDate(iso: "2022-01-01")!))
    }
}
