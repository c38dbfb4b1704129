import Foundation

@testable import TongguanDomain

/// Builders for registry tests. Check characters are computed here from the published
/// weights, independently of the code under test.
enum Fixture {
    static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// A valid resident ID: 6-digit address, `YYYYMMDD`, 3-digit sequence (odd last digit = male).
    static func residentID(_ address: String = "141124", _ birth: String, _ sequence: String = "001") -> String {
        let body = address + birth + sequence
        precondition(body.count == 17)
        let sum = zip(body.map { Int(String($0))! }, idWeights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(checkCharacters[sum % 11])
    }

    static func identity(_ birth: String, _ sequence: String = "001", address: String = "141124") -> ResidentIdentity {
        try! ResidentIdentity(validating: residentID(address, birth, sequence))
    }

    static func date(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }

    static let village = DivisionCode("141124100201")!
    static let otherVillage = DivisionCode("141124100202")!

    static func code(_ sequence: Int, village: DivisionCode = village) -> HouseholdCode {
        try! HouseholdCode.make(village: village, sequence: sequence)
    }

    static func member(
        _ relation: Relation, born: String, school: SchoolStage = .none,
        departure: Departure? = nil, id: UUID = UUID()
    ) -> MemberSnapshot {
        MemberSnapshot(
            id: id, relation: relation, birthDate: date(born), sex: .male, labourCapacity: .full,
            disability: false, chronicIllness: false, schoolStage: school, workStatus: .farming,
            basicMedicalInsurance: true, departure: departure)
    }

    static func household(_ members: [MemberSnapshot], sequence: Int = 1, closure: HouseholdClosure? = nil) -> HouseholdSnapshot {
        HouseholdSnapshot(code: code(sequence), divisionCode: village, closure: closure, members: members)
    }
}
