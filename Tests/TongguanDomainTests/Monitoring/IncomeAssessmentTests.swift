import Foundation
import Testing

@testable import TongguanDomain

@Suite("Income assessments: present members, net and per-capita income")
struct IncomeAssessmentTests {
    let day = MF.d("2024-06-01")
    let figures = IncomeFigures(
        wagesFen: 3_000_000, businessFen: 500_000, propertyFen: 10_000, transferFen: 200_000,
        productionCostsFen: 400_000, medicalFen: 50_000, educationFen: 20_000)

    @Test("net is income minus production costs; per-capita divides by members present that day")
    func computes() throws {
        let members = [MF.member(born: "1970-01-01"), MF.member(born: "1972-05-05"), MF.member(born: "2010-09-01")]
        let a = try IncomeAssessment.assess(on: day, figures: figures, housingSafe: true, waterSafe: false, members: members, today: day)
        #expect(a.netIncomeFen == 3_310_000)
        #expect(a.memberCount == 3)
        #expect(a.perCapitaFen == 3_310_000 / 3)
        #expect(a.perCapitaFen == 1_103_333)
        #expect(a.figures.expenseFen == 70_000)
        #expect(!a.waterSafe && a.housingSafe)
    }

    @Test("presence: born on the day counts, born the day after does not; leaving on the day counts, the day before does not")
    func presence() throws {
        let members = [
            MF.member(born: "2024-06-01"), MF.member(born: "2024-06-02"),
            MF.member(born: "1950-01-01", left: "2024-06-01"), MF.member(born: "1950-01-01", left: "2024-05-31"),
            MF.member(born: "1980-01-01", left: "2024-12-01"),
        ]
        #expect(members.map { $0.isPresent(on: day) } == [true, false, true, false, true])
        let a = try IncomeAssessment.assess(
            on: day, figures: IncomeFigures(wagesFen: 100), housingSafe: true, waterSafe: true,
            members: members, today: day)
        #expect(a.memberCount == 3)
        #expect(a.perCapitaFen == 33)
    }

    @Test("per-capita truncates toward zero, also for a negative net income")
    func truncation() throws {
        let three = [MF.member(), MF.member(), MF.member()]
        let loss = try IncomeAssessment.assess(
            on: day, figures: IncomeFigures(wagesFen: 100, productionCostsFen: 200),
            housingSafe: true, waterSafe: true, members: three, today: day)
        #expect(loss.netIncomeFen == -100)
        #expect(loss.perCapitaFen == -33)
        let gain = try IncomeAssessment.assess(
            on: day, figures: IncomeFigures(wagesFen: 200), housingSafe: true, waterSafe: true,
            members: three, today: day)
        #expect(gain.perCapitaFen == 66)
    }

    @Test("no member present on the day is refused")
    func noMembers() {
        #expect {
            try IncomeAssessment.assess(
                on: day, figures: figures, housingSafe: true, waterSafe: true,
                members: [MF.member(born: "2024-07-01")], today: day)
        } throws: { ($0 as! Refusal).conditions.map(\.code) == ["present_members"] }
        #expect(throws: Refusal.self) {
            try IncomeAssessment.assess(on: day, figures: figures, housingSafe: true, waterSafe: true, members: [], today: day)
        }
    }

    @Test("negative or oversized figures and a future date are all reported by field")
    func problems() {
        var bad = IncomeFigures(wagesFen: -1, medicalFen: IncomeFigures.maximumFen + 1)
        bad.educationFen = IncomeFigures.maximumFen
        #expect {
            try IncomeAssessment.assess(
                on: day.adding(days: 1), figures: bad, housingSafe: true, waterSafe: true,
                members: [MF.member()], today: day)
        } throws: { error in
            let r = error as! Refusal
            return r.kind == .invalid && r.problems.map(\.field) == ["wages_fen", "medical_fen", "assessed_on"]
        }
    }

    @Test("figures encode with the platform's _fen JSON names")
    func json() throws {
        let data = try JSONEncoder().encode(figures)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Int64]
        #expect(
            Set(object.keys) == [
                "wages_fen", "business_fen", "property_fen", "transfer_fen", "production_costs_fen",
                "medical_fen", "education_fen",
            ])
        #expect(object["production_costs_fen"] == 400_000)
        #expect(try JSONDecoder().decode(IncomeFigures.self, from: data) == figures)
    }

    @Test("the same inputs are recognised even when the member count differs")
    func sameInputs() throws {
        let a = try IncomeAssessment.assess(
            on: day, figures: figures, housingSafe: true, waterSafe: true,
            members: [MF.member()], today: day)
        let b = try IncomeAssessment.assess(
            on: day, figures: figures, housingSafe: true, waterSafe: true,
            members: [MF.member(), MF.member()], today: day)
        #expect(a.sameInputs(as: b) && a != b)
        let c = try IncomeAssessment.assess(
            on: day, figures: figures, housingSafe: false, waterSafe: true,
            members: [MF.member()], today: day)
        #expect(!a.sameInputs(as: c))
    }
}
