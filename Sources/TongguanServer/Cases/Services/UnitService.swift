import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Today in China (UTC+8): the day every "as of today" of 诉求 means.
enum CaseClock {
    static func today(_ now: Date = Date()) -> CivilDate {
        CivilDate(dayNumber: Int(((now.timeIntervalSince1970 + 8 * 3600) / 86400).rounded(.down)))
    }
}

/// 承办单位 and their members. Admins manage the units in their scope; anyone in scope reads them.
enum UnitService {
    static func scoped(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<CaseUnit> {
        CaseUnit.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    static func find(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> CaseUnit {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let unit = try await CaseUnit.find(id, on: db), scope.contains(unit.divisionCode)
        else { throw Refusal.notFound }
        return unit
    }

    /// A unit a case of `division` may be routed to by someone with `scope`: in the scope,
    /// active, and on the case's branch of the tree (a city bureau, the county's bureau, the
    /// township's office), never a unit of another county.
    static func routable(_ id: UUID, for division: DivisionCode, scope: DivisionScope, on db: any Database) async throws -> CaseUnit? {
        guard let unit = try await CaseUnit.find(id, on: db), unit.active, let unitCode = DivisionCode(unit.divisionCode),
            scope.contains(unitCode) || unitCode.contains(division), unitCode.contains(division) || division.contains(unitCode)
        else { return nil }
        return unit
    }

    /// The units offered when routing a case: active, on the case's branch, visible to `scope`.
    static func routeChoices(for division: DivisionCode, scope: DivisionScope, on db: any Database) async throws -> [CaseUnit] {
        let ancestors = division.ancestors.map(\.rawValue) + [division.rawValue]
        return try await CaseUnit.query(on: db).filter(\.$active == true)
            .group(.or) { or in
                or.filter(\.$divisionCode ~~ ancestors)
                or.filter(\.$divisionCode =~ division.significantPrefix)
            }
            .sort(\.$divisionCode).sort(\.$name).limit(500).all()
            .filter { u in scope.contains(u.divisionCode) || DivisionCode(u.divisionCode).map { $0.contains(division) } == true }
    }

    /// The unit a user belongs to, if any.
    static func unitID(of userID: UUID, on db: any Database) async throws -> UUID? {
        try await CaseUnitMember.find(userID, on: db)?.unitID
    }

    struct Fields: Sendable {
        var name: String?
        var division: DivisionCode?
        var active: Bool?
    }

    static func problems(_ f: Fields, scope: DivisionScope, unit: CaseUnit?, on db: any Database) async throws -> [FieldProblem] {
        var list = ProblemList()
        if let d = f.division {
            let exists = try await Division.find(d.rawValue, on: db) != nil
            if !scope.contains(d) || !exists { list.add("division_code", "区划不存在或不在您的管辖范围内") }
        }
        let name = f.name ?? unit?.name
        let division = f.division?.rawValue ?? unit?.divisionCode
        if let name, let division, f.name != nil || f.division != nil {
            var q = CaseUnit.query(on: db).filter(\.$name == name).filter(\.$divisionCode == division)
            if let id = unit?.id { q = q.filter(\.$id != id) }
            if try await q.first() != nil { list.add("name", "该区划已有同名承办单位") }
        }
        return list.problems
    }

    static func create(_ f: Fields, actor: AuditActor, on db: any Database) async throws -> CaseUnit {
        let unit = CaseUnit(name: f.name!, divisionCode: f.division!.rawValue, active: f.active ?? true)
        try await db.audited(by: actor) { tx, audit in
            try await unit.create(on: tx)
            var diff = AuditDiff()
            diff.created("name", unit.name)
            diff.created("division_code", unit.divisionCode)
            diff.created("active", String(unit.active))
            audit.record(
                "case_unit.create", entityType: "case_unit", entityID: unit.id!.uuidString, divisionCode: unit.divisionCode, changes: diff.changes)
        }
        return unit
    }

    static func update(_ unit: CaseUnit, with f: Fields, actor: AuditActor, on db: any Database) async throws {
        var diff = AuditDiff()
        if let name = f.name { diff.add("name", before: unit.name, after: name); unit.name = name }
        if let d = f.division { diff.add("division_code", before: unit.divisionCode, after: d.rawValue); unit.divisionCode = d.rawValue }
        if let a = f.active { diff.add("active", before: String(unit.active), after: String(a)); unit.active = a }
        guard !diff.isEmpty else { return }
        let changes = diff.changes
        try await db.audited(by: actor) { tx, audit in
            try await unit.saveVersioned(on: tx)
            audit.record(
                "case_unit.update", entityType: "case_unit", entityID: unit.id!.uuidString, divisionCode: unit.divisionCode, changes: changes)
        }
    }

    /// Users of the unit, for its page.
    static func members(of unit: CaseUnit, on db: any Database) async throws -> [User] {
        let ids = try await CaseUnitMember.query(on: db).filter(\.$unitID == unit.id!).all().compactMap(\.id)
        return ids.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ ids).sort(\.$username).all()
    }

    /// Puts a user (in the admin's scope) into the unit, moving them out of any other.
    static func addMember(_ user: User, to unit: CaseUnit, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let existing = try await CaseUnitMember.find(user.id!, on: tx)
            if existing?.unitID == unit.id { return }
            if let existing { try await existing.delete(on: tx) }
            try await CaseUnitMember(userID: user.id!, unitID: unit.id!).create(on: tx)
            audit.record(
                "case_unit.member_add", entityType: "case_unit", entityID: unit.id!.uuidString, divisionCode: unit.divisionCode,
                changes: [
                    AuditChange(field: "user", before: nil, after: user.username),
                    AuditChange(field: "previous_unit", before: existing?.unitID.uuidString, after: nil),
                ])
        }
    }

    static func removeMember(_ user: User, from unit: CaseUnit, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            guard let existing = try await CaseUnitMember.find(user.id!, on: tx), existing.unitID == unit.id else { throw Refusal.notFound }
            try await existing.delete(on: tx)
            audit.record(
                "case_unit.member_remove", entityType: "case_unit", entityID: unit.id!.uuidString, divisionCode: unit.divisionCode,
                changes: [AuditChange(field: "user", before: user.username, after: nil)])
        }
    }
}

/// 领导 who own cases (包案).
enum LeaderService {
    static func scoped(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<CaseLeader> {
        CaseLeader.query(on: db).filter(\.$divisionCode =~ scope.prefix)
    }

    static func find(_ raw: String?, in scope: DivisionScope, on db: any Database) async throws -> CaseLeader {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let leader = try await CaseLeader.find(id, on: db),
            scope.contains(leader.divisionCode)
        else { throw Refusal.notFound }
        return leader
    }

    /// A leader who may own a case of `division` registered by someone with `scope`: a leader
    /// of the case's division or above it (a city leader owns a county's case), or one in scope.
    static func ownable(_ id: UUID, for division: DivisionCode, scope: DivisionScope, on db: any Database) async throws -> CaseLeader? {
        guard let leader = try await CaseLeader.find(id, on: db), let code = DivisionCode(leader.divisionCode),
            code.contains(division) || scope.contains(code)
        else { return nil }
        return leader
    }

    /// Leaders who may own cases registered in `scope` (its own and those above it).
    static func choices(for scope: DivisionScope, on db: any Database) async throws -> [CaseLeader] {
        let ancestors = scope.root.ancestors.map(\.rawValue)
        return try await CaseLeader.query(on: db)
            .group(.or) { or in
                or.filter(\.$divisionCode =~ scope.prefix)
                if !ancestors.isEmpty { or.filter(\.$divisionCode ~~ ancestors) }
            }
            .sort(\.$divisionCode).sort(\.$name).limit(500).all()
    }

    /// The leader record of a user, if they are one.
    static func leader(of userID: UUID, on db: any Database) async throws -> CaseLeader? {
        try await CaseLeader.query(on: db).filter(\.$userID == userID).first()
    }

    struct Fields: Sendable {
        var name: String
        var title: String
        var division: DivisionCode
        var userID: UUID?
    }

    static func problems(_ f: Fields, scope: DivisionScope, on db: any Database) async throws -> [FieldProblem] {
        var list = ProblemList()
        let exists = try await Division.find(f.division.rawValue, on: db) != nil
        if !scope.contains(f.division) || !exists { list.add("division_code", "区划不存在或不在您的管辖范围内") }
        if let userID = f.userID {
            if let user = try await User.find(userID, on: db), scope.contains(user.divisionCode) {
                if try await leader(of: userID, on: db) != nil { list.add("user_id", "该用户已是另一位领导的账号") }
            } else {
                list.add("user_id", "用户不存在或不在您的管辖范围内")
            }
        }
        return list.problems
    }

    static func create(_ f: Fields, actor: AuditActor, on db: any Database) async throws -> CaseLeader {
        let leader = CaseLeader(name: f.name, title: f.title, divisionCode: f.division.rawValue, userID: f.userID)
        try await db.audited(by: actor) { tx, audit in
            try await leader.create(on: tx)
            var diff = AuditDiff()
            diff.created("name", leader.name, personal: .name)
            diff.created("title", leader.title)
            diff.created("division_code", leader.divisionCode)
            diff.created("user_id", leader.userID?.uuidString)
            audit.record(
                "case_leader.create", entityType: "case_leader", entityID: leader.id!.uuidString, divisionCode: leader.divisionCode,
                changes: diff.changes)
        }
        return leader
    }
}
