import Fluent
import TongguanDomain

extension Division {
    /// The top of the tree: the division without a parent (the city, when seeded).
    static func root(on db: any Database) async throws -> Division? {
        try await Division.query(on: db).filter(\.$parentCode == nil).sort(\.$id).first()
    }

    /// Divisions inside a scope only; anything else behaves as if it did not exist.
    static func scoped(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Division> {
        Division.query(on: db).filter(\.$id =~ scope.prefix)
    }

    static func find(_ code: String, in scope: DivisionScope, on db: any Database) async throws -> Division? {
        guard scope.contains(code) else { return nil }
        return try await Division.find(code, on: db)
    }

    /// Names of the given codes, in one query.
    static func names(of codes: Set<String>, on db: any Database) async throws -> [String: String] {
        guard !codes.isEmpty else { return [:] }
        return Dictionary(
            try await Division.query(on: db).filter(\.$id ~~ Array(codes)).all().map { ($0.id ?? "", $0.name) },
            uniquingKeysWith: { a, _ in a })
    }

    /// `<option>`s for the divisions in scope at the given levels (the scope's root always
    /// included), for every form that picks a division.
    static func options(
        in scope: DivisionScope, selected: String?, levels: Set<DivisionCode.Level> = Set(DivisionCode.Level.allCases),
        withCode: Bool = false, on db: any Database
    ) async throws -> [SelectOption] {
        try await Division.scoped(scope, on: db).sort(\.$id).limit(2000).all()
            .filter { levels.contains($0.code.level) || $0.id == scope.root.rawValue }
            .map { SelectOption(value: $0.id ?? "", label: withCode ? "\($0.id ?? "") \($0.name)" : $0.name, selected: $0.id == selected) }
    }

    /// Seeds the example city into an empty table; returns true when it did.
    static func seedIfEmpty(on db: any Database, actor: AuditActor) async throws -> Bool {
        guard try await Division.query(on: db).count() == 0 else { return false }
        try await db.audited(by: actor) { tx, audit in
            for (raw, name) in Division.seed {
                let code = DivisionCode(raw)!
                let parent = code.parent.flatMap { p in Division.seed.contains { $0.0 == p.rawValue } ? p.rawValue : nil }
                try await Division(code: code, name: name, parentCode: parent).create(on: tx)
                audit.record(
                    "division.create", entityType: "division", entityID: raw, divisionCode: raw,
                    changes: [AuditChange(field: "name", before: nil, after: name)])
            }
        }
        return true
    }
}
