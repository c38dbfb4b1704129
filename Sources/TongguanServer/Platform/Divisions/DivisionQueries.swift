import Fluent
import Foundation
import SQLKit
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

    /// Every stored division, code → name (a city's tree is a few thousand rows).
    static func allNames(on db: any Database) async throws -> [String: String] {
        struct Row: Decodable { var code: String; var name: String }
        let rows = try await db.sql.select().columns("code", "name").from(Division.schema).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// `<option>`s for the divisions in scope at the given levels (the scope's root and the
    /// selected code always included), for every form that picks a division. Forms that need
    /// counties ask for counties only; a city's villages are thousands of options.
    static func options(
        in scope: DivisionScope, selected: String?, levels: Set<DivisionCode.Level> = Set(DivisionCode.Level.allCases),
        withCode: Bool = false, on db: any Database
    ) async throws -> [SelectOption] {
        let stored = levels.map { Division.Level($0) }
        var extra = [scope.root.rawValue]
        if let selected, scope.contains(selected) { extra.append(selected) }
        let rows = try await Division.scoped(scope, on: db)
            .group(.or) { $0.filter(\.$level ~~ stored).filter(\.$id ~~ extra) }
            .sort(\.$id).limit(10_000).all()
        return rows.map { SelectOption(value: $0.id ?? "", label: withCode ? "\($0.id ?? "") \($0.name)" : $0.name, selected: $0.id == selected) }
    }

    /// The levels a form offers for picking a scope below `scope`: down to townships from
    /// the city, down to villages from a county or below.
    static func scopeLevels(below scope: DivisionScope) -> Set<DivisionCode.Level> {
        switch scope.root.level {
        case .province, .city: [.city, .county, .township]
        case .county, .township, .village: Set(DivisionCode.Level.allCases)
        }
    }
}

// MARK: the seed

extension Division {
    /// 吕梁市, its 13 counties and 154 townships: the National Bureau of Statistics'
    /// 2023年统计用区划代码 (cut-off 2023-06-30), as published in GitHub
    /// modood/Administrative-divisions-of-China (data commit dc3a1d7, 2023-09-13). Shipped in
    /// the binary as Resources/Seed/divisions-lvliang.csv; villages are not in it (the city
    /// loads them with `tongguan divisions import`).
    static let seedPath = "Seed/divisions-lvliang.csv"

    static func seedEntries() throws -> [DivisionSheet.Entry] {
        try SeedFile.entries.get()
    }

    /// Adds every seed division the table lacks, in one audited write by `actor`: the whole
    /// tree into an empty table, the missing townships into a database that has only the city
    /// and its counties. Stored codes keep their names. Returns how many were added.
    @discardableResult
    static func seed(on db: any Database, actor: AuditActor) async throws -> Int {
        let seed = try seedEntries()
        let present = try await Division.query(on: db).filter(\.$id ~~ seed.map(\.code.rawValue)).count()
        guard present < seed.count else { return 0 }
        return try await db.audited(by: actor) { tx, audit in
            let existing = try await Division.allNames(on: tx)
            let missing = DivisionPlan.missing(seed, existing: Set(existing.keys))
            try await DivisionService.write(created: missing, renamed: [], existing: existing, on: tx, audit: audit)
            return missing.count
        }
    }
}

/// The bundled seed list, read and checked once per process.
private enum SeedFile {
    struct Broken: Error, CustomStringConvertible { var description: String }

    static let entries: Result<[DivisionSheet.Entry], Broken> = {
        let path = Resources.directory + Division.seedPath
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(Broken(description: "区划种子文件缺失:\(path)")) }
        do {
            let rows = try SheetFile.read(data)
            guard let header = rows.first, case .success(let columns) = DivisionSheet.columns(in: header.cells.map(\.text)) else {
                return .failure(Broken(description: "区划种子文件表头有误"))
            }
            var entries: [DivisionSheet.Entry] = []
            for row in rows.dropFirst() where !DivisionSheet.isBlank(row) {
                switch DivisionSheet.entry(row, columns: columns) {
                case .success(let entry): entries.append(entry)
                case .failure(let f): return .failure(Broken(description: "区划种子文件有误:" + f.problems.map(\.text).joined(separator: ";")))
                }
            }
            return .success(entries)
        } catch {
            return .failure(Broken(description: "区划种子文件无法读取:\(error)"))
        }
    }()
}
