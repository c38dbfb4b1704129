import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Imports the project sheet: every row is checked before anything is written; then all rows
/// are applied in one audited transaction, or none. A row is matched to an existing project
/// by credit code + name, so re-importing a file changes nothing and an edited file updates
/// in place.
enum ProjectImport {
    struct Options: Sendable {
        var dryRun = false
        var createRounds = false
    }

    struct Report: Content, Equatable {
        var applied: Bool
        var dry_run: Bool
        var rows: Int
        var created: Int
        var updated: Int
        var unchanged: Int
        var rounds_created: [String]
        var problems: [RowProblem]

        /// The Chinese summary staff read after an import.
        var text: String {
            if !problems.isEmpty {
                return "未导入任何数据:共 \(problems.count) 处错误\n" + problems.map(\.text).joined(separator: "\n")
            }
            let verb = dry_run ? "试导入(未写入)" : "导入完成"
            var s = "\(verb):共 \(rows) 行,新增 \(created) 个项目,更新 \(updated) 个,未变 \(unchanged) 个"
            if !rounds_created.isEmpty { s += ";新建活动批次:" + rounds_created.joined(separator: "、") }
            return s
        }
    }

    /// A checked row with everything resolved against the database.
    struct Resolved: Sendable {
        var draft: ProjectSheet.Draft
        var existing: Existing?
    }

    struct Existing: Sendable {
        var id: UUID
    }

    static func run(rows: [SheetRow], options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Report {
        var checker = Checker(facts: try await Facts.load(scope: scope, on: db), options: options)
        for row in rows { checker.check(row) }
        return try await apply(checker, options: options, scope: scope, actor: actor, on: db)
    }

    /// A CSV is checked row by row as it is parsed, so a large sheet never sits in memory
    /// as rows beside its drafts.
    static func run(data: consuming Data, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Report {
        var checker = Checker(facts: try await Facts.load(scope: scope, on: db), options: options)
        do {
            try SheetFile.read(data) { checker.check($0) }
        } catch {
            return Report(applied: false, dry_run: options.dryRun, rows: 0, created: 0, updated: 0, unchanged: 0,
                          rounds_created: [], problems: [RowProblem(row: 1, column: "文件", message: error.message)])
        }
        return try await apply(checker, options: options, scope: scope, actor: actor, on: db)
    }

    /// What the database says about every row's references, read once for the whole file.
    struct Facts: Sendable {
        var scope: DivisionScope
        var divisions: Set<String>
        var industries: Set<String>
        var roundIDs: [String: UUID]
        var existing: [String: Key]

        static func load(scope: DivisionScope, on db: any Database) async throws -> Facts {
            let rounds = try await RoundService.visible(scope, on: db).all()
            return Facts(scope: scope,
                         divisions: Set(try await Division.scoped(scope, on: db).all(\.$id)),
                         industries: Set(try await Industry.names(on: db)),
                         roundIDs: Dictionary(rounds.map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a }),
                         existing: try await existingProjects(on: db))
        }
    }

    /// Checks rows one at a time (the first is the header) and keeps only what the write needs.
    struct Checker {
        let facts: Facts
        let options: Options
        var columns: [ProjectSheet.Column: Int]?
        var headerSeen = false
        var dataRows = 0
        var problems: [RowProblem] = []
        var newRounds: [String: CivilDate] = [:]
        var seen: [String: Int] = [:]
        var resolved: [Resolved] = []

        init(facts: Facts, options: Options) {
            self.facts = facts
            self.options = options
        }

        mutating func check(_ row: SheetRow) {
            guard headerSeen else {
                headerSeen = true
                switch ProjectSheet.columns(in: row.cells.map(\.text)) {
                case .failure(let failure): problems = failure.problems
                case .success(let c): columns = c
                }
                return
            }
            dataRows += 1
            guard let columns else { return }
            func text(_ c: ProjectSheet.Column) -> String {
                guard let i = columns[c], i < row.cells.count else { return "" }
                return row.cells[i].text
            }
            func fail(_ c: ProjectSheet.Column, _ m: String) { problems.append(RowProblem(row: row.line, column: c.rawValue, message: m)) }
            let draft = ProjectSheet.draft(row, columns: columns)
            var failedColumns: Set<String> = []
            if case .failure(let f) = draft {
                problems += f.problems
                failedColumns = Set(f.problems.map(\.column))
            }
            // Checks against the database run on every row, so one pass reports everything.
            let division = text(.division)
            if !failedColumns.contains(ProjectSheet.Column.division.rawValue), !division.isEmpty, !facts.divisions.contains(division) {
                fail(.division, "区划不存在或不在您的管辖范围内")
            }
            let industry = text(.industry)
            if !industry.isEmpty, !facts.industries.contains(industry) { fail(.industry, "不在产业类别列表中:" + Industry.seed.joined(separator: "、")) }
            for stage in Stage.allCases {
                let name = text(ProjectSheet.Column.round(stage))
                guard !name.isEmpty, facts.roundIDs[name] == nil else { continue }
                if options.createRounds {
                    if let date = (try? draft.get())?.milestones[stage]?.date, newRounds[name].map({ date < $0 }) ?? true { newRounds[name] = date }
                } else {
                    fail(ProjectSheet.Column.round(stage), "活动批次「\(name)」不存在(可加 --create-rounds 自动新建)")
                }
            }
            guard case .success(let d) = draft else { return }
            let key = d.creditCode + "\u{1F}" + d.name
            if let first = seen[key] { fail(.name, "与第\(first)行是同一项目(统一社会信用代码和项目名称相同)") }
            seen[key] = d.line
            var match: Existing?
            if let e = facts.existing[key] {
                if facts.scope.contains(e.division) { match = Existing(id: e.id) } else {
                    fail(.name, "与管辖范围外的已有项目重复(统一社会信用代码和项目名称相同)")
                }
            }
            resolved.append(Resolved(draft: d, existing: match))
        }
    }

    /// Reports the checker's problems, or writes everything it resolved in one transaction.
    static func apply(_ checker: consuming Checker, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Report {
        var report = Report(applied: false, dry_run: options.dryRun, rows: checker.dataRows, created: 0, updated: 0,
                            unchanged: 0, rounds_created: [], problems: [])
        var problems = checker.problems
        if !checker.headerSeen { problems = [RowProblem(row: 1, column: "文件", message: "文件为空")] }
        else if checker.columns != nil && checker.dataRows == 0 { problems.append(RowProblem(row: 2, column: "文件", message: "没有数据行")) }
        guard problems.isEmpty else {
            report.problems = problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
            return report
        }
        let newRounds = checker.newRounds
        let resolved = checker.resolved
        let roundIDs = checker.facts.roundIDs
        report.rounds_created = newRounds.keys.sorted()
        let newCount = resolved.filter { $0.existing == nil }.count
        if options.dryRun {
            report.created = newCount
            report.updated = resolved.count - newCount
            return report
        }
        let roundDivision = scope.root.level == .county || scope.root.level == .city ? scope.root.rawValue : scope.root.ancestors.first { $0.level == .county }?.rawValue ?? scope.root.rawValue
        let (knownRounds, roundsToCreate, rowsToWrite) = (roundIDs, newRounds, resolved)
        let outcome = try await db.audited(by: actor) { tx, audit in
            var ids = knownRounds
            for (name, date) in roundsToCreate.sorted(by: { $0.key < $1.key }) {
                let round = Round(name: name, date: date.description, venue: nil, divisionCode: roundDivision)
                try await round.create(on: tx)
                ids[name] = round.id!
                audit.record("round.create", entityType: "round", entityID: round.id!.uuidString, divisionCode: roundDivision,
                             changes: [AuditChange(field: "name", before: nil, after: name)])
            }
            return try await ProjectImportWriter(tx: tx, audit: audit, roundIDs: ids).apply(rowsToWrite)
        }
        report.applied = true
        report.created = outcome.created
        report.updated = outcome.updated
        report.unchanged = outcome.unchanged
        return report
    }

    struct Key: Sendable { var id: UUID; var division: String }

    /// Every project's match key, across all divisions (the key is unique city-wide).
    static func existingProjects(on db: any Database) async throws -> [String: Key] {
        struct Row: Decodable { var id: UUID; var credit_code: String; var name: String; var division_code: String }
        let rows = try await db.sql.select().columns("id", "credit_code", "name", "division_code")
            .from(Project.schema).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.credit_code + "\u{1F}" + $0.name, Key(id: $0.id, division: $0.division_code)) },
                          uniquingKeysWith: { a, _ in a })
    }
}
