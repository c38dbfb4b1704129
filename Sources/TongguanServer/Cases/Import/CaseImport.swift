import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// Imports a backlog list (积案清单): every row is checked (the domain's `CaseSheet`, then the
/// references only the database knows: the division, the unit, the leader, numbers already
/// taken) before anything is written; then all rows are written in one audited transaction,
/// or none. Every imported case is a backlog case handed down by the body named in the
/// options, counted by its 登记日期 as the original received date.
enum CaseImport {
    struct Options: Sendable {
        var dryRun = false
        /// 交办机关 of the whole list, e.g. 中央联席办.
        var handedDownBy: String
        var limits = SheetLimits()
    }

    struct Report: ImportReporting, Equatable {
        var applied: Bool
        var dryRun: Bool
        var rows: Int
        var created: Int
        var problems: [RowProblem]
        var problemCount: Int
        var problemSummary: [RowProblemTally.Group]

        init(dryRun: Bool) {
            applied = false; self.dryRun = dryRun; rows = 0; created = 0; problems = []; problemCount = 0; problemSummary = []
        }

        var text: String {
            if problemCount > 0 {
                var s = "未导入任何数据:共 \(problemCount) 处错误"
                if problemCount > problems.count { s += "(列出前 \(problems.count) 处)" }
                return s + "\n" + problems.map(\.text).joined(separator: "\n")
            }
            return (dryRun ? "试导入(未写入)" : "导入完成") + ":共 \(rows) 行,新增 \(created) 件积案"
        }
    }

    /// New cases whose figures go to the tallies at once.
    static let tallyBatch = 500

    static func run(
        data: Data, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database, today: CivilDate = CaseClock.today()
    ) async throws -> Report {
        var report = Report(dryRun: options.dryRun)
        var tally = RowProblemTally()
        var rows: [SheetRow] = []
        do {
            try SheetFile.read(data, limits: options.limits) { row in
                rows.append(row)
                return true
            }
        } catch {
            tally.addFile(RowProblem(row: 1, column: "文件", message: error.message))
            report.refuse(tally)
            return report
        }
        // An export's first line says it holds personal data; the header follows it.
        if let first = rows.first, PersonalSheet.isNotice(first.cells.map(\.text)) { rows.removeFirst() }
        guard let header = rows.first else {
            tally.addFile(RowProblem(row: 1, column: "文件", message: "文件是空的"))
            report.refuse(tally)
            return report
        }
        let columns: [CaseSheet.Column: Int]
        switch CaseSheet.columns(in: header.cells.map(\.text)) {
        case .success(let c): columns = c
        case .failure(let p):
            tally.addHeader(p.problems)
            report.refuse(tally)
            return report
        }
        // Every row's own problems, and the database's about the rows that passed them, in
        // one report.
        let dataRows = Array(rows.dropFirst())
        var drafts: [CaseSheet.Draft] = []
        switch CaseSheet.drafts(dataRows, columns: columns, today: today) {
        case .success(let d): drafts = d
        case .failure(let p):
            tally.add(p.problems)
            drafts = dataRows.compactMap { try? CaseSheet.draft($0, columns: columns, today: today).get() }
        }
        report.rows = drafts.count
        // References only the database knows, read once for the whole list.
        let units = try await UnitService.scoped(scope, on: db).filter(\.$active == true).all()
        let leaders = try await LeaderService.scoped(scope, on: db).all()
        var known: Set<String> = []
        for code in Set(drafts.map(\.divisionCode.rawValue)) where try await Division.find(code, on: db) != nil { known.insert(code) }
        // Numbers already taken, asked in slices: one IN list of a large file's numbers would
        // pass SQLite's limit of 32,766 bound values.
        let numbers = drafts.compactMap { $0.number?.description }
        var taken: Set<String> = []
        for start in stride(from: 0, to: numbers.count, by: 1000) {
            let slice = Array(numbers[start..<min(numbers.count, start + 1000)])
            taken.formUnion(try await CaseRecord.query(on: db).filter(\.$number ~~ slice).all(\.$number))
        }
        struct Resolved: Sendable {
            var draft: CaseSheet.Draft
            var unitID: UUID?
            var unitDivision: String?
            var leaderID: UUID?
        }
        var resolved: [Resolved] = []
        for d in drafts {
            var problems: [RowProblem] = []
            func fail(_ c: CaseSheet.Column, _ m: String) { problems.append(RowProblem(row: d.line, column: c.rawValue, message: m)) }
            if !scope.contains(d.divisionCode) || !known.contains(d.divisionCode.rawValue) { fail(.division, "区划不存在或不在您的管辖范围内") }
            if let n = d.number, taken.contains(n.description) { fail(.number, "编号已被使用") }
            var unit: CaseUnit?
            if let name = d.unitName {
                let matches = units.filter { $0.name == name }
                if matches.count == 1 { unit = matches[0] } else { fail(.unit, matches.isEmpty ? "没有名为「\(name)」的承办单位" : "有多个名为「\(name)」的承办单位") }
            } else if ![.registered, .returned].contains(d.state) {
                fail(.unit, "状态为「\(d.state.label)」的诉求须填写交办单位")
            }
            var leader: CaseLeader?
            if let name = d.ownerLeaderName {
                let matches = leaders.filter { $0.name == name }
                if matches.count == 1 { leader = matches[0] } else { fail(.ownerLeader, matches.isEmpty ? "没有名为「\(name)」的领导" : "有多个名为「\(name)」的领导") }
            }
            if problems.isEmpty {
                resolved.append(Resolved(draft: d, unitID: unit?.id, unitDivision: unit?.divisionCode, leaderID: leader?.id))
            } else {
                tally.add(problems)
            }
        }
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        if options.dryRun { return report }
        let checked = resolved
        try await db.audited(by: actor) { tx, audit in
            let settings = try await CaseSettings.load(on: tx)
            // Every listed number first: a row without one then gets a number above all its
            // series' listed ones, never one that a later row of the list names (which failed
            // the whole list on the unique index instead of importing it).
            // Only each series' highest: reserving moves a counter to the highest number it saw.
            let highest = Dictionary(checked.compactMap(\.draft.number).map { ($0.series, $0) }) { max($0, $1) }
            for number in highest.values { try await CaseService.reserve(number, on: tx) }
            // The tallies take the new cases' figures per batch, in the same transaction.
            var batch: [UUID] = []
            for r in checked {
                let d = r.draft
                let details = CaseDetails(
                    source: d.source, kind: d.kind, title: d.title, content: d.content, requesterName: d.requesterName,
                    requesterPhone: d.requesterPhone, divisionCode: d.divisionCode, receivedOn: d.receivedOn, ownerLeaderId: r.leaderID,
                    backlog: .init(handedDownBy: options.handedDownBy, originalReceivedOn: d.receivedOn))
                let extra = CaseService.Extra(
                    number: d.number, event: d.importedEvent, snapshot: d.snapshot(unitId: r.unitID), unitDivisionCode: r.unitDivision)
                let c = try await CaseService.insert(
                    details, extra: extra, settings: settings, actorName: actor.name,
                    keys: { throw Refusal.conflict("积案清单不含身份证号") }, talliesLater: true, on: tx, audit: audit)
                batch.append(c.id!)
                if batch.count == Self.tallyBatch {
                    try await CaseTally.apply(.add, cases: CaseTally.cases(batch), on: tx)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try await CaseTally.apply(.add, cases: CaseTally.cases(batch), on: tx) }
            var diff = AuditDiff()
            diff.created("rows", String(checked.count))
            diff.created("handed_down_by", options.handedDownBy)
            audit.record("case.import", entityType: "case", entityID: "import", divisionCode: scope.root.rawValue, changes: diff.changes)
        }
        report.created = resolved.count
        report.applied = true
        return report
    }
}
