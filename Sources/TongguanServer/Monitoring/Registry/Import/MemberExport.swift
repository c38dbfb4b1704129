import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The member sheet for download: present members of active households, head first, in the
/// columns the importer reads. Its first line says the file holds personal data. Names, IDs,
/// phones and addresses are personal columns (`PersonalExport`, `MemberSheet.personal`):
/// masked unless `withIDs` (a full export: admins only, with a reason, audited), which makes
/// the file re-importable elsewhere; the importer refuses a masked row. Rows come a chunk of
/// households at a time, so a county's file is written without holding it all.
enum MemberExport {
    struct Options: Sendable {
        var filter = HouseholdFilter()
        /// A full export (every personal column in clear).
        var withIDs = false
    }

    static let personal = PersonalExport(
        name: "members", sheet: MemberSheet.personal, allows: { $0 == .admin },
        refusal: "只有管理员可以完整导出农户成员的姓名、身份证号、联系电话和住址")

    static let chunk = 1000

    /// Calls `body` with the notice and header, then with each chunk's rows; returns the
    /// number of members written.
    @discardableResult
    static func rows(
        _ options: Options, scope: DivisionScope, ring: KeyRing, on db: any Database,
        each body: ([[String]]) async throws -> Void
    ) async throws -> Int {
        try await body([[MemberSheet.personalDataNotice(withIDs: options.withIDs)], MemberSheet.header])
        let masker = PersonalExport.Masker(personal, header: MemberSheet.header, mode: options.withIDs ? .full(reason: "") : .masked)
        var after = ""
        var count = 0
        let condition = options.filter.condition(scope: scope)
        while true {
            struct HouseholdRow: Decodable {
                var id: UUID
                var household_code: String
                var division_code: String
                var phone: String?
                var address: String?
            }
            let households = try await db.sql.raw(
                """
                SELECT h.id, h.household_code, h.division_code, h.phone, h.address FROM households h
                WHERE \(condition) AND h.status = 'active' AND h.household_code > \(bind: after)
                ORDER BY h.household_code LIMIT \(literal: chunk)
                """
            ).all(decoding: HouseholdRow.self)
            guard let last = households.last else { break }
            after = last.household_code
            let members = Dictionary(
                grouping: try await Member.query(on: db).filter(\.$householdID ~~ households.map(\.id))
                    .filter(\.$status == MemberStatus.present.rawValue).all(),
                by: \.householdID)
            var rows: [[String]] = []
            rows.reserveCapacity(households.count * 4)
            for household in households {
                let present = (members[household.id] ?? []).sorted(by: RegistryFinder.memberOrder)
                guard let village = DivisionCode(household.division_code) else { continue }
                let identities = try present.map { m -> ResidentIdentity in
                    try ResidentIdentity(validating: try ring.open(m.residentIDSealed))
                }
                let head = zip(present, identities).first { $0.0.relation == TongguanDomain.Relation.head.rawValue }?.1 ?? identities.first
                for (m, resident) in zip(present, identities) {
                    let draft = MemberDraft(
                        name: m.name, resident: resident, head: head ?? resident,
                        village: village,
                        relation: TongguanDomain.Relation(rawValue: m.relation) ?? .other,
                        labourCapacity: LabourCapacity(rawValue: m.labourCapacity) ?? .none, disability: m.disability,
                        chronicIllness: m.chronicIllness, schoolStage: SchoolStage(rawValue: m.schoolStage) ?? .none,
                        workStatus: WorkStatus(rawValue: m.workStatus) ?? .none, basicMedicalInsurance: m.basicMedicalInsurance,
                        phone: household.phone, address: household.address)
                    rows.append(MemberSheet.exportRow(draft, withIDs: true, maskName: false))
                    count += 1
                }
            }
            try await body(masker.apply(rows))
        }
        return count
    }
}
