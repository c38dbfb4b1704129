import Fluent
import Foundation
import TongguanDomain

/// 收入评估: one household's income over the 12 months before `assessed_on`, with the net and
/// per-capita figures and the member count computed when it was recorded (kept, so a later
/// change of members never rewrites it). Keyed by household and date; never changed.
final class AssessmentRecord: Model, @unchecked Sendable {
    static let schema = "income_assessments"

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Field(key: "household_id")
    var householdID: UUID

    /// `YYYY-MM-DD`.
    @Field(key: "assessed_on")
    var assessedOn: String

    @Field(key: "wages_fen") var wagesFen: Int64
    @Field(key: "business_fen") var businessFen: Int64
    @Field(key: "property_fen") var propertyFen: Int64
    @Field(key: "transfer_fen") var transferFen: Int64
    @Field(key: "production_costs_fen") var productionCostsFen: Int64
    @Field(key: "medical_fen") var medicalFen: Int64
    @Field(key: "education_fen") var educationFen: Int64
    @Field(key: "housing_safe") var housingSafe: Bool
    @Field(key: "water_safe") var waterSafe: Bool
    @Field(key: "net_income_fen") var netIncomeFen: Int64
    @Field(key: "per_capita_fen") var perCapitaFen: Int64
    @Field(key: "member_count") var memberCount: Int

    /// Who assessed (the cadre's name as given, else the user who recorded it).
    @Field(key: "assessed_by")
    var assessedBy: String

    init() {}

    init(householdID: UUID, _ a: IncomeAssessment, assessedBy: String) {
        self.householdID = householdID
        assessedOn = a.assessedOn.description
        let f = a.figures
        wagesFen = f.wagesFen; businessFen = f.businessFen; propertyFen = f.propertyFen; transferFen = f.transferFen
        productionCostsFen = f.productionCostsFen; medicalFen = f.medicalFen; educationFen = f.educationFen
        housingSafe = a.housingSafe; waterSafe = a.waterSafe
        netIncomeFen = a.netIncomeFen; perCapitaFen = a.perCapitaFen; memberCount = a.memberCount
        self.assessedBy = assessedBy
    }

    var date: CivilDate { CivilDate(iso: assessedOn)! }

    /// The stored assessment as the domain reads it (nothing recomputed).
    var assessment: IncomeAssessment {
        IncomeAssessment(
            assessedOn: date,
            figures: IncomeFigures(
                wagesFen: wagesFen, businessFen: businessFen, propertyFen: propertyFen, transferFen: transferFen,
                productionCostsFen: productionCostsFen, medicalFen: medicalFen, educationFen: educationFen),
            housingSafe: housingSafe, waterSafe: waterSafe, netIncomeFen: netIncomeFen, perCapitaFen: perCapitaFen,
            memberCount: memberCount)
    }
}
