/// A household's income over the 12 months before an assessment, in 分, as recorded.
public struct IncomeFigures: Hashable, Sendable, Codable {
    public var wagesFen: Int64
    public var businessFen: Int64
    public var propertyFen: Int64
    public var transferFen: Int64
    public var productionCostsFen: Int64
    /// Out-of-pocket medical spending (after insurance).
    public var medicalFen: Int64
    public var educationFen: Int64

    public init(
        wagesFen: Int64 = 0, businessFen: Int64 = 0, propertyFen: Int64 = 0, transferFen: Int64 = 0,
        productionCostsFen: Int64 = 0, medicalFen: Int64 = 0, educationFen: Int64 = 0
    ) {
        self.wagesFen = wagesFen
        self.businessFen = businessFen
        self.propertyFen = propertyFen
        self.transferFen = transferFen
        self.productionCostsFen = productionCostsFen
        self.medicalFen = medicalFen
        self.educationFen = educationFen
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case wagesFen = "wages_fen", businessFen = "business_fen", propertyFen = "property_fen"
        case transferFen = "transfer_fen", productionCostsFen = "production_costs_fen"
        case medicalFen = "medical_fen", educationFen = "education_fen"
    }

    /// The largest amount one figure may hold: 999,999,999,999.99 元, as an import's 元 column
    /// allows. It keeps every sum below Int64's limit.
    public static let maximumFen: Int64 = 99_999_999_999_999

    /// wages + business + property + transfer − production costs; negative when costs exceed income.
    public var netIncomeFen: Int64 { wagesFen + businessFen + propertyFen + transferFen - productionCostsFen }

    /// Out-of-pocket medical and education spending together, as `large_expense` reads it.
    public var expenseFen: Int64 { medicalFen + educationFen }

    var byKey: [(CodingKeys, Int64)] {
        [
            (.wagesFen, wagesFen), (.businessFen, businessFen), (.propertyFen, propertyFen), (.transferFen, transferFen),
            (.productionCostsFen, productionCostsFen), (.medicalFen, medicalFen), (.educationFen, educationFen),
        ]
    }

    /// Every figure that is negative or too large, by JSON field name.
    public var problems: [FieldProblem] {
        var list = ProblemList()
        for (key, value) in byKey {
            if value < 0 { list.add(key.rawValue, "金额不能为负数") } else if value > Self.maximumFen { list.add(key.rawValue, "金额超出范围") }
        }
        return list.problems
    }
}

/// One income assessment of one household, with the figures derived from it. The member
/// count is kept with it, so a later change of members never rewrites history. Keyed by
/// household and `assessedOn`.
public struct IncomeAssessment: Hashable, Sendable {
    public let assessedOn: CivilDate
    public let figures: IncomeFigures
    public let housingSafe: Bool
    public let waterSafe: Bool
    public let netIncomeFen: Int64
    public let perCapitaFen: Int64
    public let memberCount: Int

    /// An assessment as stored (the server reads these back; nothing is recomputed).
    public init(
        assessedOn: CivilDate, figures: IncomeFigures, housingSafe: Bool, waterSafe: Bool,
        netIncomeFen: Int64, perCapitaFen: Int64, memberCount: Int
    ) {
        self.assessedOn = assessedOn
        self.figures = figures
        self.housingSafe = housingSafe
        self.waterSafe = waterSafe
        self.netIncomeFen = netIncomeFen
        self.perCapitaFen = perCapitaFen
        self.memberCount = memberCount
    }

    /// Records a new assessment: checks the figures and the date, counts the members present
    /// on `assessedOn`, and divides net income by them, truncating toward zero in 分 (a
    /// negative net income gives a negative per-capita figure, not a rounded-down one).
    public static func assess(
        on assessedOn: CivilDate, figures: IncomeFigures, housingSafe: Bool, waterSafe: Bool,
        members: [AssessedMember], today: CivilDate
    ) throws(Refusal) -> IncomeAssessment {
        var problems = figures.problems
        if assessedOn > today { problems.append(FieldProblem(field: "assessed_on", message: "评估日期不能晚于今天")) }
        if !problems.isEmpty { throw Refusal.invalid(problems) }
        let count = members.present(on: assessedOn).count
        guard count > 0 else {
            throw Refusal.unmet([
                UnmetCondition(
                    code: "present_members",
                    message: "\(assessedOn.chinese)该户没有在册成员,无法计算人均纯收入")
            ])
        }
        let net = figures.netIncomeFen
        return IncomeAssessment(
            assessedOn: assessedOn, figures: figures, housingSafe: housingSafe, waterSafe: waterSafe,
            netIncomeFen: net, perCapitaFen: net / Int64(count), memberCount: count)
    }

    /// True when `other` records the same inputs (date, figures, housing, water): a re-import
    /// of the same row is then a no-op, even if the members changed since.
    public func sameInputs(as other: IncomeAssessment) -> Bool {
        assessedOn == other.assessedOn && figures == other.figures && housingSafe == other.housingSafe
            && waterSafe == other.waterSafe
    }
}
