import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Imports a ledger's sheet: every row is checked first (the domain's `LedgerSheet` and
/// `LedgerImport` rules, then divisions against the database); then, inside one audited
/// transaction, rows are matched to existing items by the ledger's unique fields and all
/// are applied, or none. Re-importing an exported file changes nothing. A dry run is the
/// real import rolled back.
enum LedgerSheetImport {
    struct Options: Sendable {
        var dryRun = false
        var limits = SheetLimits()
    }

    struct Report: ImportReporting, Equatable {
        var applied: Bool
        var dryRun: Bool
        var rows: Int
        var created: Int
        var updated: Int
        var unchanged: Int
        var problems: [RowProblem]
        var problemCount: Int
        var problemSummary: [RowProblemTally.Group]

        init(dryRun: Bool, rows: Int = 0) {
            applied = false; self.dryRun = dryRun; self.rows = rows; created = 0; updated = 0; unchanged = 0
            problems = []; problemCount = 0; problemSummary = []
        }

        static var chooseAFile: Report {
            var report = Report(dryRun: false)
            var tally = RowProblemTally()
            tally.addFile(RowProblem(row: 1, column: "文件", message: "请选择要导入的文件"))
            report.refuse(tally)
            return report
        }

        var text: String {
            if problemCount > 0 {
                var s = "未导入任何数据:共 \(problemCount) 处错误"
                if problemCount > problems.count { s += "(列出前 \(problems.count) 处)" }
                s += "\n" + problems.map(\.text).joined(separator: "\n")
                if problemCount > problems.count {
                    s += "\n按列和原因计数:\n" + problemSummary.map { "「\($0.column)」\($0.message):\($0.count) 处" }.joined(separator: "\n")
                }
                return s
            }
            let verb = dryRun ? "试导入(未写入)" : "导入完成"
            return "\(verb):共 \(rows) 行,新增 \(created) 条,更新 \(updated) 条,未变 \(unchanged) 条"
        }
    }

    static func run(
        data: consuming Data, ctx: LedgerContext, options: Options, caller: Caller, actor: AuditActor, protection: LedgerProtection,
        on db: any Database, progress: Progress = .silent
    ) async throws -> Report {
        guard caller.role.canEditRecords else { throw Refusal.forbidden }
        let divisions = Set(try await Division.scoped(caller.scope, on: db).all(\.$id))
        var checker = Checker(ctx: ctx, scope: caller.scope, divisions: divisions, limits: options.limits)
        let lines = SheetFile.lineFeeds(in: data)
        do {
            try SheetFile.read(data, limits: options.limits) { row in
                if row.line % 2000 == 0 { progress.update("检查", done: row.line, total: lines) }
                return checker.check(row)
            }
        } catch {
            var report = Report(dryRun: options.dryRun)
            var tally = RowProblemTally()
            tally.addFile(RowProblem(row: 1, column: "文件", message: error.message))
            report.refuse(tally)
            return report
        }
        return try await apply(checker, options: options, caller: caller, actor: actor, protection: protection, on: db, progress: progress)
    }

    /// Checks rows one at a time (the first is the header) and keeps the drafts.
    struct Checker {
        let ctx: LedgerContext
        let scope: DivisionScope
        let divisions: Set<String>
        let limits: SheetLimits
        var columns: [LedgerSheet.Column: Int]?
        var headerSeen = false
        var dataRows = 0
        var cells = 0
        var tally = RowProblemTally()
        var drafts: [LedgerSheet.Draft] = []

        init(ctx: LedgerContext, scope: DivisionScope, divisions: Set<String>, limits: SheetLimits) {
            self.ctx = ctx
            self.scope = scope
            self.divisions = divisions
            self.limits = limits
        }

        mutating func check(_ row: SheetRow) -> Bool {
            cells += row.cells.count
            if cells > limits.cells {
                tally.addFile(RowProblem(row: row.line, column: "文件", message: limits.tooLargeMessage))
                return false
            }
            guard headerSeen else {
                // An export's first line says it holds personal data; the header follows it.
                if PersonalSheet.isNotice(row.cells.map(\.text)) { return true }
                headerSeen = true
                switch LedgerSheet.locate(header: row.cells.map(\.text), definition: ctx.definition) {
                case .failure(let failure): tally.addHeader(failure.problems)
                case .success(let c): columns = c
                }
                return true
            }
            if row.cells.allSatisfy(\.isEmpty) { return true }
            dataRows += 1
            guard let columns else { return true }
            var problems: [RowProblem] = []
            switch LedgerSheet.draft(row, columns: columns, definition: ctx.definition) {
            case .failure(let failure):
                problems = failure.problems
            case .success(let draft):
                if !divisions.contains(draft.divisionCode.rawValue) {
                    problems.append(RowProblem(row: row.line, column: LedgerSheet.FixedColumn.division.rawValue, message: "区划不存在或不在您的管辖范围内"))
                }
                for field in ctx.definition.activeFields {
                    if case .division(let code) = draft.values[field.key], !scope.contains(code) {
                        problems.append(RowProblem(row: row.line, column: field.label, message: "区划不在您的管辖范围内"))
                    }
                }
                if problems.isEmpty && tally.isEmpty { drafts.append(draft) }
            }
            if !problems.isEmpty {
                tally.add(problems)
                if !drafts.isEmpty { drafts = [] }
            }
            return true
        }
    }

    struct Outcome: Error, Sendable {
        var created = 0
        var updated = 0
        var unchanged = 0
    }

    struct Refused: Error, Sendable { var tally: RowProblemTally }

    static func apply(
        _ checker: consuming Checker, options: Options, caller: Caller, actor: AuditActor, protection: LedgerProtection, on db: any Database,
        progress: Progress
    ) async throws -> Report {
        var report = Report(dryRun: options.dryRun, rows: checker.dataRows)
        var tally = checker.tally
        if !checker.headerSeen {
            tally.addFile(RowProblem(row: 1, column: "文件", message: "文件为空"))
        } else if checker.columns != nil && checker.dataRows == 0 && tally.isEmpty {
            tally.addFile(RowProblem(row: 2, column: "文件", message: "没有数据行"))
        }
        let ctx = checker.ctx
        if tally.isEmpty { tally.add(LedgerImport.duplicates(checker.drafts, definition: ctx.definition)) }
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        let drafts = checker.drafts
        let outcome: Outcome
        do {
            outcome = try await db.audited(by: actor) { tx, audit in
                var writer = try LedgerItemWriter(tx: tx, audit: audit, ctx: ctx, actor: actor, protection: protection)
                let plans = try await plan(drafts, ctx: ctx, caller: caller, keys: writer.keys, protection: protection, on: tx)
                var result = Outcome()
                var creates: [(content: LedgerItemContent, event: LedgerStateEvent)] = []
                for (i, (action, record, old)) in plans.enumerated() {
                    if i % 2000 == 0 { progress.update("写入", done: i, total: plans.count) }
                    switch action {
                    case .create(let content, let event):
                        creates.append((content, event))
                        if creates.count == LedgerItemWriter.batch * 10 {
                            _ = try await writer.insert(creates)
                            result.created += creates.count
                            creates.removeAll(keepingCapacity: true)
                        }
                    case .update(_, let content, let event):
                        guard let record, let old else { continue }
                        if try await writer.update(record, from: old, to: content, event: event) {
                            result.updated += 1
                        } else {
                            result.unchanged += 1
                        }
                    case .unchanged:
                        result.unchanged += 1
                    }
                }
                _ = try await writer.insert(creates)
                result.created += creates.count
                try await writer.finish()
                if options.dryRun { throw result }
                return result
            }
            report.applied = true
        } catch let rolledBack as Outcome {
            outcome = rolledBack
        } catch let refused as Refused {
            report.refuse(refused.tally)
            return report
        }
        report.created = outcome.created
        report.updated = outcome.updated
        report.unchanged = outcome.unchanged
        return report
    }

    /// Matches every row to the item it updates (by the unique fields, under the write lock)
    /// and plans what to do with it; refuses the file with every row that cannot be matched.
    static func plan(
        _ drafts: [LedgerSheet.Draft], ctx: LedgerContext, caller: Caller, keys: KeyRing?, protection: LedgerProtection, on tx: any Database
    ) async throws -> [(LedgerImport.Action, LedgerItemRecord?, LedgerItemContent?)] {
        let definition = ctx.definition
        let sql = tx.sql
        // Every unique value of the file, looked up per field in batches.
        var wanted: [String: Set<String>] = [:]
        // A resident ID by every blind index it may be stored under (both keys during a
        // rotation, `keys rotate`), so an item not yet re-sealed still matches.
        var storedKey: [LedgerImport.MatchKey: [String]] = [:]
        for draft in drafts {
            for key in LedgerImport.matchKeys(draft, definition: definition) {
                guard let value = draft.values[key.fieldKey] else { continue }
                let stored = try LedgerStore.lookupKeys(of: value, keys: keys)
                storedKey[key] = stored
                wanted[key.fieldKey, default: []].formUnion(stored)
            }
        }
        struct UniqueRow: Decodable { var field_key: String; var value_key: String; var item_seq: Int64 }
        var seqByValue: [String: [String: Int64]] = [:]
        for (field, values) in wanted {
            let all = Array(values)
            for start in stride(from: 0, to: all.count, by: 500) {
                let rows = try await sql.select().columns("field_key", "value_key", "item_seq").from(LedgerStore.unique)
                    .where("ledger_id", .equal, SQLBind(ctx.id)).where("field_key", .equal, SQLBind(field))
                    .where("value_key", .in, Array(all[start..<min(start + 500, all.count)]))
                    .all(decoding: UniqueRow.self)
                for row in rows { seqByValue[row.field_key, default: [:]][row.value_key] = row.item_seq }
            }
        }
        let seqs = Array(Set(seqByValue.values.flatMap(\.values)))
        var records: [Int64: LedgerItemRecord] = [:]
        for start in stride(from: 0, to: seqs.count, by: 500) {
            for record in try await LedgerItemRecord.query(on: tx).filter(\.$seq ~~ Array(seqs[start..<min(start + 500, seqs.count)])).all() {
                records[record.seq] = record
            }
        }
        var tally = RowProblemTally()
        var result: [(LedgerImport.Action, LedgerItemRecord?, LedgerItemContent?)] = []
        result.reserveCapacity(drafts.count)
        var claimed: [Int64: Int] = [:]
        for draft in drafts {
            var found: [String: String] = [:]
            for key in LedgerImport.matchKeys(draft, definition: definition) {
                if let seq = storedKey[key]?.lazy.compactMap({ seqByValue[key.fieldKey]?[$0] }).first { found[key.fieldKey] = String(seq) }
            }
            let matchedSeq: Int64?
            switch LedgerImport.matchedItem(draft, found: found, definition: definition) {
            case .failure(let problems): tally.add(problems.problems); continue
            case .success(let id): matchedSeq = id.flatMap { Int64($0) }
            }
            var matched: (LedgerItemRecord, LedgerItemContent)?
            if let seq = matchedSeq, let record = records[seq] {
                guard caller.scope.contains(record.divisionCode) else {
                    tally.add(RowProblem(row: draft.line, column: LedgerSheet.FixedColumn.division.rawValue, message: "与管辖范围外的已有记录重复(唯一字段的值相同)"))
                    continue
                }
                if let earlier = claimed[seq] {
                    tally.add(RowProblem(row: draft.line, column: definition.uniqueFields.first?.label ?? "", message: "与第\(earlier)行对应同一条已有记录"))
                    continue
                }
                claimed[seq] = draft.line
                matched = (record, try LedgerItemCodec.decode(record, definition: definition, protection: protection))
            }
            switch LedgerImport.plan(draft, matched: matched.map { (String($0.0.seq), $0.1) }, definition: definition, role: caller.role) {
            case .failure(let problems): tally.add(problems.problems)
            case .success(let action): result.append((action, matched?.0, matched?.1))
            }
        }
        if !tally.isEmpty { throw Refused(tally: tally) }
        return result
    }
}
