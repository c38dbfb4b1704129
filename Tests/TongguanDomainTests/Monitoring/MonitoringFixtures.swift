import Foundation

@testable import TongguanDomain

/// Small builders shared by the monitoring tests.
enum MF {
    static func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }
    static func code(_ s: String) -> DivisionCode { DivisionCode(s)! }

    static func member(
        _ ref: String = "1411**********0011", born: String = "1980-01-01", left: String? = nil,
        insured: Bool = true, labour: Bool = true, compulsory: Bool = false
    ) -> AssessedMember {
        AssessedMember(
            reference: ref, birthDate: d(born), leftOn: left.map(d), hasBasicMedicalInsurance: insured,
            hasLabourCapacity: labour, inCompulsoryEducation: compulsory)
    }

    /// A stored assessment with the given per-capita figure (net = per-capita × members).
    static func assessment(
        on date: String = "2024-06-01", perCapita: Int64, members: Int = 1, medical: Int64 = 0,
        education: Int64 = 0, housingSafe: Bool = true, waterSafe: Bool = true
    ) -> IncomeAssessment {
        let net = perCapita * Int64(members)
        return IncomeAssessment(
            assessedOn: d(date),
            figures: IncomeFigures(
                wagesFen: max(net, 0), productionCostsFen: max(-net, 0),
                medicalFen: medical, educationFen: education),
            housingSafe: housingSafe, waterSafe: waterSafe, netIncomeFen: net, perCapitaFen: perCapita,
            memberCount: members)
    }

    static func input(
        _ a: IncomeAssessment, previous: IncomeAssessment? = nil, line: Int64 = 650_000,
        settings: MonitoringSettings = .defaults, members: [AssessedMember] = [member()]
    ) -> WarningInput {
        WarningInput(assessment: a, previous: previous, lineFen: line, settings: settings, members: members)
    }

    static let county = MonitoringActor(role: .supervisor, scopeLevel: .county)
    static let countyAdmin = MonitoringActor(role: .admin, scopeLevel: .county)
    static let villageOperator = MonitoringActor(role: .operator, scopeLevel: .village)
    static let townshipOperator = MonitoringActor(role: .operator, scopeLevel: .township)
}
