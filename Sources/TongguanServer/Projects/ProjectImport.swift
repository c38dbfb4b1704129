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
        var version: Int
    }

    static func run(rows: [SheetRow], options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Report {
        var rows = rows
        return try await run(rows: &rows, options: options, scope: scope, actor: actor, on: db)
    }

    /// Empties `rows` once they are checked, so a large sheet is not held twice.
    static func run(rows: inout [SheetRow], options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database) async throws -> Report {
        var report = Report(applied: false, dry_run: options.dryRun, rows: max(rows.count - 1, 0), created: 0, updated: 0,
                            unchanged: 0, rounds_created: [], problems: [])
        guard let header = rows.first else {
            report.problems = [RowProblem(row: 1, column: "文件", message: "文件为空")]
            return report
        }
        let columns: [ProjectSheet.Column: Int]
        switch ProjectSheet.columns(in: header.cells.map(\.text)) {
        case .failure(let failure): report.problems = failure.problems; return report
        case .success(let c): columns = c
        }
        // Facts from the database, each read once for the whole file.
        let divisions = Set(try await Division.scoped(scope, on: db).all(\.$id))
        let industries = Set(try await Industry.names(on: db))
        let visibleRounds = try await RoundService.visible(scope, on: db).all()
        let roundIDs = Dictionary(visibleRounds.map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let existing = try await existingProjects(on: db)

        var problems: [RowProblem] = []
        if rows.count < 2 { problems.append(RowProblem(row: 2, column: "文件", message: "没有数据行")) }
        var newRounds: [String: CivilDate] = [:]
        var seen: [String: Int] = [:]
        var resolved: [Resolved] = []
        for row in rows.dropFirst() {
            func text(_ c: ProjectSheet.Column) -> String {
                guard let i = columns[c], i < row.cells.count else { return "" }
                return row.cells[i].text
            }
            func fail(_ c: ProjectSheet.Column, _ m: String) { problems.append(RowProblem(row: row.line, column: c.rawValue, message: m)) }
            let draft = ProjectSheet.draft(row, columns: columns)
            if case .failure(let f) = draft { problems += f.problems }
            let failed = Set((try? draft.get()) == nil ? (problems.filter { $0.row == row.line }.map(\.column)) : [])
            // Checks against the database run on every row, so one pass reports everything.
            let division = text(.division)
            if !failed.contains(ProjectSheet.Column.division.rawValue), !division.isEmpty, !divisions.contains(division) {
                fail(.division, "区划不存在或不在您的管辖范围内")
            }
            let industry = text(.industry)
            if !industry.isEmpty, !industries.contains(industry) { fail(.industry, "不在产业类别列表中:" + Industry.seed.joined(separator: "、")) }
            for stage in Stage.allCases {
                let name = text(ProjectSheet.Column.round(stage))
                guard !name.isEmpty, roundIDs[name] == nil else { continue }
                if options.createRounds {
                    if let date = (try? draft.get())?.milestones[stage]?.date, newRounds[name].map({ date < $0 }) ?? true { newRounds[name] = date }
                } else {
                    fail(ProjectSheet.Column.round(stage), "活动批次「\(name)」不存在(可加 --create-rounds 自动新建)")
                }
            }
            guard case .success(let d) = draft else { continue }
            let key = d.creditCode + "\u{1F}" + d.name
            if let first = seen[key] { fail(.name, "与第\(first)行是同一项目(统一社会信用代码和项目名称相同)") }
            seen[key] = d.line
            var match: Existing?
            if let e = existing[key] {
                if scope.contains(e.division) { match = Existing(id: e.id, version: e.version) } else {
                    fail(.name, "与管辖范围外的已有项目重复(统一社会信用代码和项目名称相同)")
                }
            }
            resolved.append(Resolved(draft: d, existing: match))
        }
        rows = [] // the drafts hold what is needed; a 100,000-row sheet is not kept twice
        guard problems.isEmpty else {
            report.problems = problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
            return report
        }
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

    struct Key: Sendable { var id: UUID; var version: Int; var division: String }

    /// Every project's match key, across all divisions (the key is unique city-wide).
    static func existingProjects(on db: any Database) async throws -> [String: Key] {
        struct Row: Decodable { var id: UUID; var credit_code: String; var name: String; var version: Int; var division_code: String }
        let rows = try await db.sql.select().columns("id", "credit_code", "name", "version", "division_code")
            .from(Project.schema).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.credit_code + "\u{1F}" + $0.name, Key(id: $0.id, version: $0.version, division: $0.division_code)) },
                          uniquingKeysWith: { a, _ in a })
    }
}
