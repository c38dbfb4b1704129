import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// What the workflow reads from the registry, through the registry's own records and finder
/// (`RegistryFinder`): members as the monitoring rules see them.
enum RegistryReads {
    /// The household's members (present and left) as `AssessedMember`s. With a key ring each
    /// is named by its masked resident ID (for warning facts); without one by a placeholder
    /// (the guards never print a member).
    static func assessedMembers(of household: Household, ring: KeyRing?, on db: any Database) async throws -> [AssessedMember] {
        try await RegistryFinder.members(of: household, on: db).compactMap { assessed($0, ring: ring) }
    }

    static func assessed(_ m: Member, ring: KeyRing?) -> AssessedMember? {
        guard let born = CivilDate(iso: m.birthDate) else { return nil }
        let reference = ring.map { RegistryQueries.maskedID(m.residentIDSealed, ring: $0) } ?? "成员"
        let labour = LabourCapacity(rawValue: m.labourCapacity) ?? .none
        return AssessedMember(
            reference: reference, birthDate: born, leftOn: m.isPresent ? nil : m.leftOn.flatMap(CivilDate.init(iso:)),
            hasBasicMedicalInsurance: m.basicMedicalInsurance, hasLabourCapacity: labour == .full || labour == .weak,
            inCompulsoryEducation: m.schoolStage == SchoolStage.compulsory.rawValue)
    }

    /// The name of a division, for messages ("临县(141124)").
    static func divisionName(_ code: String, on db: any Database) async throws -> String? {
        try await Division.find(code, on: db)?.name
    }
}
