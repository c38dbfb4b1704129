/// What monitoring needs to know about one household member, as the server reads it from
/// the registry. It is a snapshot of plain facts rather than the registry's own types, so
/// that monitoring rules do not change when the registry's vocabulary grows.
public struct AssessedMember: Hashable, Sendable {
    /// How warnings and refusals name this member: the server passes an already masked ID
    /// (PersonalData.residentID.mask); the domain copies it into facts and never unmasks.
    public var reference: String
    /// From the member's resident ID; ages are whole years from it.
    public var birthDate: CivilDate
    /// The day the member left the household (moved out, died); nil while a member.
    public var leftOn: CivilDate?
    public var hasBasicMedicalInsurance: Bool
    /// The registry's labour capacity is `full` or `weak` (false for `none`).
    public var hasLabourCapacity: Bool
    /// The registry's school stage is `compulsory`.
    public var inCompulsoryEducation: Bool

    public init(
        reference: String, birthDate: CivilDate, leftOn: CivilDate? = nil, hasBasicMedicalInsurance: Bool = true,
        hasLabourCapacity: Bool = true, inCompulsoryEducation: Bool = false
    ) {
        self.reference = reference
        self.birthDate = birthDate
        self.leftOn = leftOn
        self.hasBasicMedicalInsurance = hasBasicMedicalInsurance
        self.hasLabourCapacity = hasLabourCapacity
        self.inCompulsoryEducation = inCompulsoryEducation
    }

    /// Born on or before `date` and not left before it: a member who leaves on the day is
    /// still counted that day, so an assessment dated on a departure day counts them.
    public func isPresent(on date: CivilDate) -> Bool {
        birthDate <= date && (leftOn.map { $0 >= date } ?? true)
    }

    /// Whole years on `date`.
    public func age(on date: CivilDate) -> Int { birthDate.wholeYears(until: date) }

    /// Compulsory-school age as the `basic_needs` rule reads it: 6 to 15 inclusive.
    public static let compulsorySchoolAges = 6...15
}

extension Array where Element == AssessedMember {
    /// The members present on `date`, in the order given.
    public func present(on date: CivilDate) -> [AssessedMember] { filter { $0.isPresent(on: date) } }
}
