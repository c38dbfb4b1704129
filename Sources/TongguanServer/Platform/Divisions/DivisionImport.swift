import Fluent
import Foundation
import TongguanDomain

/// Loads a division tree from CSV (`code,name`), so any city can bring its own, down to
/// 12-digit village codes. Every row is checked before anything is written.
enum DivisionImport {
    enum Result: Sendable, Equatable {
        case applied(created: Int, renamed: Int, unchanged: Int)
        case rejected([RowProblem])
    }

    static func run(data: Data, actor: AuditActor, on db: any Database) async throws -> Result {
        guard let text = String(data: data, encoding: .utf8) else {
            return .rejected([RowProblem(row: 1, column: "文件", message: "文件不是 UTF-8 编码")])
        }
        let rows: [CSVParser.Row]
        do { rows = try CSVParser.parse(text) } catch {
            if case .unterminatedQuote(let line) = error {
                return .rejected([RowProblem(row: line, column: "文件", message: "引号未闭合")])
            }
            return .rejected([])
        }
        guard let header = rows.first else {
            return .rejected([RowProblem(row: 1, column: "文件", message: "文件为空")])
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let codeIndex = columns.firstIndex(of: "code"), let nameIndex = columns.firstIndex(of: "name") else {
            return .rejected([RowProblem(row: header.line, column: "表头", message: "表头应包含 code 和 name 两列")])
        }
        var problems: [RowProblem] = []
        var entries: [(DivisionCode, String)] = []
        var seen: [String: Int] = [:]
        for row in rows.dropFirst() {
            let field = { (i: Int) in i < row.fields.count ? TextPolicy.trimmed(row.fields[i]) : "" }
            var code: DivisionCode?
            do { code = try DivisionCode(validating: field(codeIndex)) } catch {
                problems.append(RowProblem(row: row.line, column: "code", message: error.message))
            }
            var name: String?
            switch DivisionService.validName(field(nameIndex)) {
            case .success(let valid): name = valid
            case .failure(let failure): problems += failure.problems.map { RowProblem(row: row.line, column: "name", message: $0.message) }
            }
            if let code {
                if let first = seen[code.rawValue] {
                    problems.append(RowProblem(row: row.line, column: "code", message: "与第\(first)行重复"))
                }
                seen[code.rawValue] = row.line
                if let name { entries.append((code, name)) }
            }
        }
        let existing = Set(try await Division.query(on: db).all(\.$id))
        let fileCodes = Set(entries.map(\.0.rawValue))
        for (code, _) in entries {
            guard let parent = code.parent else { continue }
            // Only into an empty table may a 6-digit code start a tree of its own.
            let mayBeRoot = existing.isEmpty && code.rawValue.count == 6
            if !existing.contains(parent.rawValue) && !fileCodes.contains(parent.rawValue) && !mayBeRoot {
                let line = seen[code.rawValue] ?? 0
                problems.append(RowProblem(row: line, column: "code", message: "上级区划 \(parent.rawValue) 不存在"))
            }
        }
        guard problems.isEmpty else { return .rejected(problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        // Parents before children: shorter codes, then code order.
        let ordered = entries.sorted { ($0.0.rawValue.count, $0.0.rawValue) < ($1.0.rawValue.count, $1.0.rawValue) }
        return try await db.audited(by: actor) { tx, audit in
            var created = 0, renamed = 0, unchanged = 0
            for (code, name) in ordered {
                let before = try await Division.find(code.rawValue, on: tx)
                _ = try await DivisionService.upsert(code: code, name: name, on: tx, audit: audit)
                if before == nil { created += 1 } else if before?.name != name { renamed += 1 } else { unchanged += 1 }
            }
            return .applied(created: created, renamed: renamed, unchanged: unchanged)
        }
    }
}
