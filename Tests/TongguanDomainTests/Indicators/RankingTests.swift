import Foundation
import Testing

@testable import TongguanDomain

@Suite("Peer groups and rankings")
struct RankingTests {
    typealias F = IndicatorFixtures
    let period = try! Period("2021-01..2021-05")
    func d(_ s: String) -> ExactDecimal { try! ExactDecimal(s) }
    func group(_ values: [(String, String)]) -> PeerGroup {
        PeerGroup(name: "测试组", year: 2018, members: values.map { PeerMember(name: $0.0, code: $0.1) })
    }
    var abcde: PeerGroup { group([("甲", "A"), ("乙", "B"), ("丙", "C"), ("丁", "D"), ("戊", "E")]) }

    @Test("lower is better: the lowest value ranks first; ties share a rank and the next skips (1,1,3)")
    func competitionRanking() {
        let r = Ranking(
            group: abcde, period: period, direction: .lowerIsBetter,
            values: ["A": d("40"), "B": d("35"), "C": d("35"), "D": d("50"), "E": d("36")])
        #expect(r.rows.map(\.memberCode) == ["B", "C", "E", "A", "D"])
        #expect(r.rows.map(\.rank) == [1, 1, 3, 4, 5])
        #expect(r.group == "测试组" && r.year == 2018 && r.period == period)
    }

    @Test("higher is better reverses the order; equal values in different notation tie")
    func higherIsBetter() {
        let r = Ranking(
            group: abcde, period: period, direction: .higherIsBetter,
            values: ["A": d("1.50"), "B": d("1.5"), "C": d("2"), "D": d("1"), "E": d("1")])
        #expect(r.rows.map(\.memberCode) == ["C", "A", "B", "D", "E"])
        #expect(r.rows.map(\.rank) == [1, 2, 2, 4, 4])
    }

    @Test("members without a value are listed unranked at the end in group order; unknown codes are ignored")
    func unranked() {
        let r = Ranking(group: abcde, period: period, direction: .lowerIsBetter, values: ["C": d("3"), "A": d("4"), "Z": d("1")])
        #expect(r.rows.map(\.memberCode) == ["C", "A", "B", "D", "E"])
        #expect(r.rows.map(\.rank) == [1, 2, nil, nil, nil])
        #expect(r.rankedCount == 2)
        #expect(r.row(for: "Z") == nil)
        #expect(r.groupLabel == "测试组(2018年划定)5个城市(其中2个有数据)")
    }

    @Test("phrases: 最低/最高 at the ends, positions in between, ties say 并列")
    func phrases() {
        let r = Ranking(
            group: abcde, period: period, direction: .lowerIsBetter,
            values: ["A": d("1"), "B": d("2"), "C": d("2"), "D": d("3"), "E": d("4")])
        #expect(r.phrase(for: "A") == "最低")
        #expect(r.phrase(for: "B") == "并列第2")
        #expect(r.phrase(for: "D") == "排名第4")
        #expect(r.phrase(for: "E") == "最高")
        #expect(r.phrase(for: "A", style: .position) == "排名第1")
        #expect(r.phrase(for: "E", style: .position) == "排名第5")
        let high = Ranking(
            group: abcde, period: period, direction: .higherIsBetter,
            values: ["A": d("9"), "B": d("9"), "C": d("5"), "D": d("1"), "E": d("1")])
        #expect(high.phrase(for: "A") == "并列最高")
        #expect(high.phrase(for: "C") == "排名第3")
        #expect(high.phrase(for: "E") == "并列最低")
        #expect(high.phrase(for: "E", style: .position) == "并列第4")
    }

    @Test("no extreme words when everyone ties or only one has a value; no phrase without a value")
    func degenerate() {
        let all = Ranking(
            group: abcde, period: period, direction: .lowerIsBetter,
            values: ["A": d("1"), "B": d("1"), "C": d("1"), "D": d("1"), "E": d("1")])
        #expect(all.phrase(for: "C") == "并列第1")
        let one = Ranking(group: abcde, period: period, direction: .lowerIsBetter, values: ["B": d("1")])
        #expect(one.phrase(for: "B") == "排名第1")
        #expect(one.phrase(for: "A") == nil)
        #expect(one.phrase(for: "nobody") == nil)
        #expect(one.sentence(for: "A") == nil)
    }

    @Test("the article's sentence names the group and the year of its plan")
    func articleSentence() {
        var values: [String: ExactDecimal] = [:]
        for (i, m) in F.fenwei2018.members.enumerated() { values[m.code] = ExactDecimal(60 + i) }
        values["141100"] = d("38")
        let r = Ranking(group: F.fenwei2018, period: period, direction: F.pm25.direction, values: values)
        #expect(r.sentence(for: "141100") == "汾渭平原(2018年划定)11个城市中最低")
        #expect(r.rows.first?.member == "吕梁")
        #expect(F.fenwei2018.label == "汾渭平原(2018年划定)11个城市")
        #expect(F.fenwei2023.label == "汾渭平原(2023年划定)13个城市")
    }

    @Test("ranking JSON: group, year, rows with member, value, rank (null when unranked)")
    func json() throws {
        let r = Ranking(group: group([("甲", "A"), ("乙", "B")]), period: period, direction: .lowerIsBetter, values: ["A": d("35.5")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(r), as: UTF8.self)
        #expect(
            json
                == #"{"direction":"lower_is_better","group":"测试组","period":"2021-01..2021-05","rows":[{"member":"甲","member_code":"A","rank":1,"value":"35.5"},{"member":"乙","member_code":"B","rank":null,"value":null}],"year":2018}"#
        )
        #expect(try JSONDecoder().decode(Ranking.self, from: Data(json.utf8)) == r)
    }

    @Test("peer group validation reports every problem")
    func validation() throws {
        let ok = try PeerGroup.validated(name: " 汾渭平原 ", year: 2018, members: F.fenwei2018.members)
        #expect(ok.name == "汾渭平原" && ok.members.count == 11)
        do {
            _ = try PeerGroup.validated(
                name: "", year: 1800,
                members: [
                    PeerMember(name: "西安", code: "610100"), PeerMember(name: "西安", code: "610-1"), PeerMember(name: "", code: "610100"),
                ])
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.map(\.field) == ["name", "year", "members[1].code", "members[1].name", "members[2].name", "members[2].code"])
        }
        #expect(throws: ValidationFailure.self) { try PeerGroup.validated(name: "组", year: 2018, members: [PeerMember(name: "甲", code: "A")]) }
        #expect(F.fenwei2018.member(code: "141100")?.name == "吕梁")
    }
}
