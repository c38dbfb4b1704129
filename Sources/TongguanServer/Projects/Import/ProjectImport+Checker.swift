import Fluent
import Foundation
import TongguanDomain

/// The import's first pass: what the database says about the file's references, and the
/// row-by-row check that keeps only what the write needs.
extension ProjectImport {
    /// What the database says about every row's references, read once for the whole file.
    struct Facts: Sendable {
        var scope: DivisionScope
        var divisions: Set<String>
        var industries: Set<String>
        var roundIDs: [String: UUID]

        static func load(scope: DivisionScope, on db: any Database) async throws -> Facts {
            let rounds = try await RoundService.visible(scope, on: db).all()
            return Facts(
                scope: scope,
                divisions: Set(try await Division.scoped(scope, on: db).all(\.$id)),
                industries: Set(try await Industry.names(on: db)),
                roundIDs: Dictionary(rounds.map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    /// Checks rows one at a time (the first is the header) and keeps only what the write needs.
    struct Checker {
        let facts: Facts
        let options: Options
        var columns: [ProjectSheet.Column: Int]?
        var headerSeen = false
        var dataRows = 0
        var cells = 0
        var tally = RowProblemTally()
        var newRounds: [String: CivilDate] = [:]
        var seen: [MatchKey: Int] = [:]
        var resolved: [Resolved] = []

        init(facts: Facts, options: Options) {
            self.facts = facts
            self.options = options
        }

        /// Checks one row; false once the file has asked for more work than it may.
        mutating func check(_ row: SheetRow) -> Bool {
            cells += row.cells.count
            if cells > options.limits.cells {
                tally.addFile(RowProblem(row: row.line, column: "文件", message: options.limits.tooLargeMessage))
                return false
            }
            guard headerSeen else {
                headerSeen = true
                switch ProjectSheet.columns(in: row.cells.map(\.text)) {
                case .failure(let failure): tally.addHeader(failure.problems)
                case .success(let c): columns = c
                }
                return true
            }
            dataRows += 1
            guard let columns else { return true }
            var problems: [RowProblem] = []
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
            if !industry.isEmpty, !failedColumns.contains(ProjectSheet.Column.industry.rawValue), !facts.industries.contains(industry) {
                fail(.industry, "不在产业类别列表中:" + Industry.seed.joined(separator: "、"))
            }
            for stage in Stage.allCases {
                let name = text(ProjectSheet.Column.round(stage))
                guard !name.isEmpty, facts.roundIDs[name] == nil, !failedColumns.contains(ProjectSheet.Column.round(stage).rawValue) else { continue }
                if options.createRounds {
                    if let date = (try? draft.get())?.milestones[stage]?.date, newRounds[name].map({ date < $0 }) ?? true { newRounds[name] = date }
                } else {
                    fail(ProjectSheet.Column.round(stage), "活动批次「\(name)」不存在(可加 --create-rounds 自动新建)")
                }
            }
            if case .success(let d) = draft {
                let key = MatchKey(d)
                if let first = seen[key] { fail(.name, "与第\(first)行是同一项目(统一社会信用代码和项目名称相同)") } else { seen[key] = d.line }
                if problems.isEmpty, tally.isEmpty { resolved.append(Resolved(draft: d, existing: nil)) }
            }
            if !problems.isEmpty {
                tally.add(problems)
                // Nothing will be written now: keep no drafts, so a bad file costs little memory.
                if !resolved.isEmpty { resolved = [] }
            }
            return true
        }
    }

    /// A project's identity in a sheet: credit code + name, compared as stored bytes (Swift
    /// would treat canonically equivalent names as equal where the database does not).
    struct MatchKey: Hashable, Sendable {
        let bytes: [UInt8]
        init(creditCode: String, name: String) { bytes = Array(creditCode.utf8) + [0x1F] + Array(name.utf8) }
        init(_ d: ProjectSheet.Draft) { self.init(creditCode: d.creditCode, name: d.name) }
    }
}
