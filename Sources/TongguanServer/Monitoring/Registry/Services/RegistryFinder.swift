import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Reading the registry within a scope: every finder answers `Refusal.notFound` for a record
/// out of scope exactly as for a missing one.
enum RegistryFinder {
    /// Today in China (the registry's dates are civil dates there).
    static func today(_ now: Date = Date()) -> CivilDate {
        CivilDate(dayNumber: Int((now.timeIntervalSince1970 + ChinaDate.offset) / 86400))
    }

    static func households(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Household> {
        Household.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    /// A household by its code. A code whose check character is wrong is refused before any
    /// look-up, saying so (a typo, not a missing household).
    static func household(code raw: String?, in scope: DivisionScope, on db: any Database) async throws -> Household {
        let code: HouseholdCode
        do { code = try HouseholdCode(validating: raw ?? "") } catch { throw Refusal(.notFound, error.message) }
        guard let household = try await Household.query(on: db).filter(\.$code == code.rawValue).first(),
            scope.contains(household.divisionCode)
        else { throw Refusal.notFound }
        return household
    }

    /// A member and its household, by the member's id.
    static func member(id raw: String?, in scope: DivisionScope, on db: any Database) async throws -> (Member, Household) {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let member = try await Member.find(id, on: db),
            let household = try await Household.find(member.householdID, on: db), scope.contains(household.divisionCode)
        else { throw Refusal.notFound }
        return (member, household)
    }

    /// Every member of a household, present first (head first), then those who left.
    static func members(of household: Household, on db: any Database) async throws -> [Member] {
        try await members(ofHousehold: household.requireID(), on: db)
    }

    static func members(ofHousehold id: UUID, on db: any Database) async throws -> [Member] {
        let rows = try await Member.query(on: db).filter(\.$householdID == id).all()
        return rows.sorted(by: memberOrder)
    }

    static func memberOrder(_ a: Member, _ b: Member) -> Bool {
        if a.isPresent != b.isPresent { return a.isPresent }
        let ah = a.relation == TongguanDomain.Relation.head.rawValue, bh = b.relation == TongguanDomain.Relation.head.rawValue
        if ah != bh { return ah }
        let ra = TongguanDomain.Relation.allCases.firstIndex { $0.rawValue == a.relation } ?? 99
        let rb = TongguanDomain.Relation.allCases.firstIndex { $0.rawValue == b.relation } ?? 99
        if ra != rb { return ra < rb }
        return (a.birthDate, a.id?.uuidString ?? "") < (b.birthDate, b.id?.uuidString ?? "")
    }

    static func snapshot(_ household: Household, _ members: [Member]) -> HouseholdSnapshot {
        HouseholdSnapshot(
            code: household.householdCode, divisionCode: household.division, closure: household.closure,
            members: members.map(\.snapshot))
    }

    /// The present member holding a resident ID (under any key of the ring), with the code
    /// of their household; nil when nobody present holds it.
    struct Holder: Sendable {
        var memberID: UUID
        var householdID: UUID
        var householdCode: String
        var divisionCode: String
    }

    static func presentHolder(of resident: ResidentIdentity, ring: KeyRing, on db: any Database) async throws -> Holder? {
        struct Row: Decodable { var id: UUID; var household_id: UUID; var household_code: String; var division_code: String }
        let indexes = ring.blindIndexes(resident.id)
        let row = try await db.sql.select()
            .column(SQLColumn("id", table: Member.schema)).column(SQLColumn("household_id", table: Member.schema))
            .column(SQLColumn("household_code", table: Household.schema)).column(SQLColumn("division_code", table: Household.schema))
            .from(Member.schema)
            .join(Household.schema, on: SQLColumn("id", table: Household.schema), .equal, SQLColumn("household_id", table: Member.schema))
            .where(SQLColumn("resident_id_index", table: Member.schema), .in, SQLBind.group(indexes))
            // A literal, not a bind: only then may either engine's planner use the partial
            // unique index (`WHERE status = 'present'`) for every plan, generic ones included.
            .where(SQLColumn("status", table: Member.schema), .equal, SQLLiteral.string(MemberStatus.present.rawValue))
            .first(decoding: Row.self)
        return row.map { Holder(memberID: $0.id, householdID: $0.household_id, householdCode: $0.household_code, divisionCode: $0.division_code) }
    }

    /// The highest sequence ever issued in `village` (closed households included: nothing
    /// is deleted, so this is the highest ever used). A range on the unique code index.
    static func highestSequence(in village: DivisionCode, on db: any Database) async throws -> Int {
        struct Row: Decodable { var code: String? }
        let row = try await db.sql.select().column(SQLFunction("MAX", args: SQLColumn("household_code")), as: "code")
            .from(Household.schema)
            .where("household_code", .greaterThanOrEqual, SQLBind(village.rawValue))
            .where("household_code", .lessThan, SQLBind(village.rawValue + ":"))
            .first(decoding: Row.self)
        return row?.code.flatMap { HouseholdCode($0)?.sequence } ?? 0
    }

    /// Every village code the divisions table knows.
    static func villages(on db: any Database) async throws -> Set<DivisionCode> {
        let codes = try await Division.query(on: db).filter(\.$level == .village).all(\.$id)
        return Set(codes.compactMap { DivisionCode($0) })
    }
}
