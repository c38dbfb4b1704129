import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Imports the sheet of manually entered values (指标编码, 区划代码, 期间, 数值, 备注): every
/// row is checked before anything is written, then every value is stored in one audited
/// transaction, or none. A 区划代码 that is not a division of the tree but a member of a peer
/// group stores that peer city's value (only for the indicator's owner). A dry run is the
/// real import rolled back, so it reports exactly what the import would do.
enum IndicatorValueImport {
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
        var peerValues: Int
        var problems: [RowProblem]
        var problemCount: Int
        var problemSummary: [RowProblemTally.Group]

        init(dryRun: Bool, rows: Int = 0) {
            applied = false; self.dryRun = dryRun; self.rows = rows; created = 0; updated = 0; unchanged = 0; peerValues = 0
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
                return s + "\n" + problems.map(\.text).joined(separator: "\n")
            }
            let verb = dryRun ? "试导入(未写入)" : "导入完成"
            return "\(verb):共 \(rows) 行,新增 \(created) 个数值,修改 \(updated) 个,未变 \(unchanged) 个,比较城市数值 \(peerValues) 个"
        }

        static let schema = JSONSchema.object(
            [
                ("applied", .boolean), ("dry_run", .boolean), ("rows", .integer()), ("created", .integer()), ("updated", .integer()),
                ("unchanged", .integer()), ("peer_values", .integer()),
                (
                    "problems",
                    .array(.object([("row", .integer()), ("column", .string()), ("message", .string())], required: ["row", "column", "message"]))
                ),
                ("problem_count", .integer()),
                (
                    "problem_summary",
                    .array(
                        .object([("column", .string()), ("message", .string()), ("count", .integer())], required: ["column", "message", "count"]))
                ),
            ],
            required: [
                "applied", "dry_run", "rows", "created", "updated", "unchanged", "peer_values", "problems", "problem_count", "problem_summary",
            ])
    }

    struct Peer: Sendable {
        var record: IndicatorRecord
        var member: String
        var period: Period
        var value: ExactDecimal
        var note: String
    }

    struct RolledBack: Error { var report: Report }

    static func run(
        data: consuming Data, options: Options, scope: DivisionScope, actor: AuditActor, on db: any Database
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
        guard let header = rows.first else {
            tally.addFile(RowProblem(row: 1, column: "文件", message: "文件是空的"))
            report.refuse(tally)
            return report
        }
        let columns: [IndicatorValueSheet.Column: Int]
        switch IndicatorValueSheet.columns(in: header.cells.map(\.text)) {
        case .failure(let problems):
            tally.addHeader(problems.problems)
            report.refuse(tally)
            return report
        case .success(let c): columns = c
        }
        let records = try await IndicatorService.catalogue(scope, on: db)
        var byCode: [IndicatorCode: IndicatorRecord] = [:]
        for r in records { byCode[r.indicator.code] = r }
        let drafts: [IndicatorValueSheet.Draft]
        switch IndicatorValueSheet.drafts(Array(rows.dropFirst()), columns: columns, indicators: byCode.mapValues(\.indicator)) {
        case .failure(let problems):
            for p in problems.problems { tally.add(p) }
            report.refuse(tally)
            return report
        case .success(let d): drafts = d
        }
        report.rows = drafts.count
        // Divisions of the tree must be in scope; other codes must be peer-group members.
        let codes = Array(Set(drafts.map(\.division.rawValue)))
        let tree = Set(try await Division.query(on: db).filter(\.$id ~~ codes).all().compactMap(\.id))
        let members = Set(try await PeerService.groups(scope, on: db).flatMap { $0.group.members.map(\.code) })
        var entries: [ValueService.Entry] = []
        var peers: [Peer] = []
        for d in drafts {
            func fail(_ c: IndicatorValueSheet.Column, _ m: String) { tally.add(RowProblem(row: d.line, column: c.rawValue, message: m)) }
            let record = byCode[d.indicator]!
            let stored: ExactDecimal
            do { stored = try ValueService.stored(d.value, for: record.indicator) } catch {
                fail(.value, error.message)
                continue
            }
            if tree.contains(d.division.rawValue) {
                guard scope.contains(d.division) else { fail(.division, "区划「\(d.division.rawValue)」不在您的管辖范围内"); continue }
                entries.append(
                    .init(indicator: record, division: d.division, period: d.period, value: stored, note: d.note, sourceDocument: ""))
            } else if members.contains(d.division.rawValue) {
                guard scope.contains(record.divisionCode) else { fail(.division, "比较城市的数值由指标所属单位填报"); continue }
                peers.append(Peer(record: record, member: d.division.rawValue, period: d.period, value: stored, note: d.note))
            } else {
                fail(.division, "区划「\(d.division.rawValue)」不存在,也不是任何比较组的成员")
            }
        }
        guard tally.isEmpty else {
            report.refuse(tally)
            return report
        }
        let (start, values, peerValues) = (report, entries, peers)
        do {
            report = try await db.audited(by: actor) { tx, audit in
                var r = start
                for outcome in try await ValueService.write(values, channel: "import", actor: actor, tx: tx, audit: audit) {
                    switch outcome {
                    case .created: r.created += 1
                    case .updated: r.updated += 1
                    case .unchanged: r.unchanged += 1
                    }
                }
                for p in peerValues {
                    if try await ValueService.writePeer(
                        p.record, memberCode: p.member, period: p.period, value: p.value, note: p.note, actor: actor, tx: tx, audit: audit)
                    {
                        r.peerValues += 1
                    }
                }
                if options.dryRun { throw RolledBack(report: r) }
                r.applied = true
                return r
            }
        } catch let rolled as RolledBack {
            report = rolled.report
        }
        return report
    }
}
