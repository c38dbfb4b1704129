import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Rounds are held by the city or a county. A county's staff see their own rounds and the
/// city's (their projects are announced at both); they change only rounds in their scope.
enum RoundService {
    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Round> {
        let ancestors = scope.root.ancestors.map(\.rawValue)
        return Round.query(on: db).group(.or) { or in
            or.filter(\.$divisionCode =~ scope.prefix)
            if !ancestors.isEmpty { or.filter(\.$divisionCode ~~ ancestors) }
        }
    }

    static func isVisible(_ round: Round, to scope: DivisionScope) -> Bool {
        scope.contains(round.divisionCode) || scope.root.ancestors.contains { $0.rawValue == round.divisionCode }
    }

    static func find(_ id: UUID?, visibleTo scope: DivisionScope, on db: any Database) async throws -> Round? {
        guard let id, let round = try await Round.find(id, on: db), isVisible(round, to: scope) else { return nil }
        return round
    }

    static func findEditable(_ raw: String?, scope: DivisionScope, on db: any Database) async throws -> Round {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let round = try await Round.find(id, on: db),
            isVisible(round, to: scope)
        else { throw Refusal.notFound }
        guard scope.contains(round.divisionCode) else { throw Refusal.forbidden("上级单位的活动批次只能查看,不能修改") }
        return round
    }

    /// A round's fields as given; nil means "leave as is" (or, on creation, "missing").
    struct Fields: Sendable {
        var name: String?
        var date: CivilDate?
        var venue: String??
        var division: DivisionCode?
    }

    /// The checks that need the database, for the API and the page alike.
    static func problems(_ f: Fields, scope: DivisionScope, round: Round?, on db: any Database) async throws -> [FieldProblem] {
        var problems = ProblemList()
        if let d = f.division {
            let exists = try await Division.find(d.rawValue, on: db) != nil
            if !scope.contains(d) || (d.level != .city && d.level != .county) || !exists {
                problems.add("division_code", "应为您管辖范围内的市或县级区划")
            }
        }
        if let name = f.name, name != round?.name, try await Round.query(on: db).filter(\.$name == name).first() != nil {
            problems.add("name", "已有同名的活动批次")
        }
        return problems.problems
    }

    /// The division a round belongs to when none is named: the creator's city or county;
    /// below a county (a township's staff), their county. One rule for every way a round is
    /// made (the API, the pages, an import with `--create-rounds`, the demo).
    static func defaultDivision(for scope: DivisionScope) -> DivisionCode {
        let root = scope.root
        if root.level == .city || root.level == .county { return root }
        return root.ancestors.first { $0.level == .county } ?? root
    }

    static func create(_ f: Fields, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Round {
        try await db.audited(by: actor) { tx, audit in
            try await create(f, scope: scope, tx: tx, audit: audit)
        }
    }

    /// Creates a round inside a write that is already under way (an import's, the demo's).
    static func create(_ f: Fields, scope: DivisionScope, tx: any Database, audit: AuditRecorder) async throws -> Round {
        let division = (f.division ?? defaultDivision(for: scope)).rawValue
        let round = Round(name: f.name!, date: f.date!.description, venue: f.venue ?? nil, divisionCode: division)
        try await round.create(on: tx)
        typealias K = Round.FieldKeys
        var diff = AuditDiff()
        diff.created(K.name.description, round.name)
        diff.created(K.date.description, round.date)
        diff.created(K.venue.description, round.venue)
        audit.record("round.create", entityType: "round", entityID: round.id!.uuidString, divisionCode: round.divisionCode, changes: diff.changes)
        return round
    }

    /// Applies the given fields; the version check is part of the UPDATE, so a writer that
    /// read an older version loses (412) instead of overwriting.
    static func update(_ round: Round, with f: Fields, actor: AuditActor, on db: any Database) async throws {
        typealias K = Round.FieldKeys
        var diff = AuditDiff()
        if let name = f.name { diff.add(K.name.description, before: round.name, after: name); round.name = name }
        if let date = f.date { diff.add(K.date.description, before: round.date, after: date.description); round.date = date.description }
        if let venue = f.venue { diff.add(K.venue.description, before: round.venue, after: venue); round.venue = venue }
        if let d = f.division {
            diff.add(K.divisionCode.description, before: round.divisionCode, after: d.rawValue)
            round.divisionCode = d.rawValue
        }
        guard !diff.isEmpty else { return }
        let changes = diff.changes
        try await db.audited(by: actor) { tx, audit in
            try await round.saveVersioned(on: tx)
            audit.record("round.update", entityType: "round", entityID: round.id!.uuidString, divisionCode: round.divisionCode, changes: changes)
        }
    }

    /// A round that milestones name cannot go (409).
    static func delete(_ round: Round, actor: AuditActor, on db: any Database) async throws {
        try await db.audited(by: actor) { tx, audit in
            let used = try await Milestone.query(on: tx).filter(\.$round.$id == round.id!).count()
            guard used == 0 else { throw Refusal.conflict("该批次已被\(used)个项目里程碑引用,不能删除") }
            try await round.delete(on: tx)
            var diff = AuditDiff()
            diff.add(Round.FieldKeys.name.description, before: round.name, after: nil)
            audit.record("round.delete", entityType: "round", entityID: round.id!.uuidString, divisionCode: round.divisionCode, changes: diff.changes)
        }
    }
}
