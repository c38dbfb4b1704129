import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// The summary reads the stage facts; these tests hold them to the project and milestone
/// rows: after any mix of writes through every path, each figure equals the one recomputed
/// from the records themselves.
@Suite struct StageFactTests {
    /// SplitMix64: the same sequence for the same seed, so a failure can be replayed.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    }

    static let divisions = ["141124", "141124100", "141102", "141102001", "141181"]
    static let industries = ["铝镁新材料", "白酒", "新能源"]
    static let codes = (0..<4).map { i -> String in
        var planner = DemoData.Planner(state: UInt64(1000 + i))
        return planner.creditCode(division: "141124")
    }

    /// The summary as recomputed in Swift from the project and milestone rows.
    static func recomputed(_ r: ProjectSummary.Request, scope: DivisionScope, from projects: [Project]) -> [ProjectSummary.Row] {
        var rows: [String: ProjectSummary.Row] = [:]
        for p in projects {
            guard p.divisionCode.hasPrefix(scope.prefix) else { continue }
            if let d = r.division, !p.divisionCode.hasPrefix(d.significantPrefix) { continue }
            for m in p.milestones {
                if let round = r.roundID, m.$round.id != round { continue }
                if let from = r.from, m.date < from.description { continue }
                if let to = r.to, m.date > to.description { continue }
                let group: String? =
                    switch r.groupBy {
                    case .stage: nil
                    case .division: String(p.divisionCode.prefix(6))
                    case .industry: p.industry
                    }
                let key = m.stage.rawValue + "|" + (group ?? "")
                var row = rows[key] ?? ProjectSummary.Row(stage: m.stage, group: group, count: 0, totalInvestmentFen: 0, expectedAnnualOutputFen: 0)
                row.count += 1
                row.totalInvestmentFen += p.totalInvestmentFen
                row.expectedAnnualOutputFen += p.expectedAnnualOutputFen
                rows[key] = row
            }
        }
        if r.groupBy == .stage {
            return Stage.allCases.map {
                rows[$0.rawValue + "|"] ?? ProjectSummary.Row(stage: $0, group: nil, count: 0, totalInvestmentFen: 0, expectedAnnualOutputFen: 0)
            }
        }
        return rows.values.sorted { ($0.stage, $0.group ?? "") < ($1.stage, $1.group ?? "") }
    }

    /// Every grouping, filter and scope, against the records.
    static func expectSummariesMatch(_ t: TestApp, rounds: [UUID], step: String) async throws {
        let scopes = [
            DivisionScope(DivisionCode("141100")!), DivisionScope(DivisionCode("141124")!), DivisionScope(DivisionCode("141124100")!),
        ]
        var requests: [ProjectSummary.Request] = []
        for grouping in ProjectSummary.Grouping.allCases {
            requests.append(.init(groupBy: grouping))
            requests.append(.init(roundID: rounds[0], groupBy: grouping))
            requests.append(.init(from: CivilDate(year: 2021, month: 3, day: 1), to: CivilDate(year: 2021, month: 9, day: 30), groupBy: grouping))
            requests.append(.init(division: DivisionCode("141124"), groupBy: grouping))
            // Ranges that are not whole months: the rollup answers the whole months, the
            // facts the edge days (`MonthSplit`).
            let d = { (m: Int, day: Int) in CivilDate(year: 2021, month: m, day: day)! }
            requests.append(.init(from: d(3, 15), to: d(8, 10), groupBy: grouping))
            requests.append(.init(from: d(5, 3), to: d(5, 20), groupBy: grouping))
            requests.append(.init(from: d(4, 16), groupBy: grouping))
            requests.append(.init(to: d(6, 30), groupBy: grouping))
            requests.append(.init(roundID: rounds[0], from: d(2, 27), to: d(7, 1), groupBy: grouping))
            requests.append(.init(from: d(4, 1), to: d(9, 30), division: DivisionCode("141124100"), groupBy: grouping))
        }
        let projects = try await Project.query(on: t.db).with(\.$milestones).all()
        for scope in scopes {
            for r in requests {
                let got = try await ProjectSummary.run(r, scope: scope, on: t.db)
                let want = recomputed(r, scope: scope, from: projects)
                #expect(
                    got == want,
                    "\(step): scope \(scope.prefix), \(r.groupBy) round \(r.roundID != nil) from \(r.from?.description ?? "-") to \(r.to?.description ?? "-") division \(r.division?.rawValue ?? "-")"
                )
            }
        }
        // And row for row: one fact per milestone, nothing left over.
        let milestones = try await Milestone.query(on: t.db).count()
        let facts = try await t.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(StageFact.schema)
            .first()?.decode(column: "n", as: Int.self)
        #expect(facts == milestones, "\(step): \(facts ?? -1) facts for \(milestones) milestones")
        // The month rollup sums the same facts (rows that fell to zero count nothing).
        let rolled = try await t.sql.raw(
            "SELECT CAST(COALESCE(SUM(\(ident: StageRollup.FieldKeys.factCount.description)), 0) AS BIGINT) AS n FROM \(ident: StageRollup.schema)"
        ).first()?.decode(column: "n", as: Int.self)
        #expect(rolled == milestones, "\(step): the rollup counts \(rolled ?? -1) facts for \(milestones) milestones")
        try await expectListsMatch(t, step: step)
    }

    /// The API's list (`ProjectReads.page`): its exact total, summed from `ProjectCounts`
    /// where only division and industry filter, equals the projects counted row by row, and
    /// its page is the Fluent query's page.
    static func expectListsMatch(_ t: TestApp, step: String) async throws {
        let scopes = [
            DivisionScope(DivisionCode("141100")!), DivisionScope(DivisionCode("141124")!), DivisionScope(DivisionCode("141124100")!),
        ]
        var filters: [ProjectFilter] = [
            ProjectFilter(), ProjectFilter(division: "141124"), ProjectFilter(industry: industries[0]),
            ProjectFilter(division: "141102", industry: industries[1]), ProjectFilter(division: "141124100"), ProjectFilter(q: "导入"),
        ]
        var dated = ProjectFilter(industry: industries[2])
        dated.milestoneStage = .signed
        dated.from = CivilDate(year: 2021, month: 3, day: 1)
        filters.append(dated)
        for scope in scopes {
            for filter in filters {
                let want = try await filter.apply(to: ProjectService.scoped(scope, on: t.db)).sort(\.$name).all()
                for paging in [(1, 4), (2, 4), (1000, 4)].map({ TongguanServer.PageRequest(page: $0.0, per: $0.1) }) {
                    let got = try await ProjectReads.page(filter, in: scope, paging: paging, on: t.db)
                    let label =
                        "\(step): scope \(scope.prefix), filter \(filter.division ?? "-")/\(filter.industry ?? "-")/\(filter.q ?? "-"), page \(paging.page)"
                    #expect(got.total == want.count, "\(label): total \(got.total) for \(want.count) projects")
                    let page = want.dropFirst(paging.offset).prefix(paging.per)
                    #expect(got.records.map(\.id) == page.map(\.id), "\(label): page")
                    for (record, project) in zip(got.records, page) {
                        let milestones = try await ProjectService.milestones(of: project, on: t.db)
                        #expect(record.values == project.values && record.version == project.version, "\(label): fields")
                        #expect(
                            Set(record.milestones.map { "\($0.stage)|\($0.date)|\($0.roundID?.uuidString ?? "")" })
                                == Set(milestones.map { "\($0.stage)|\($0.date)|\($0.$round.id?.uuidString ?? "")" }), "\(label): milestones")
                    }
                }
            }
        }
        // Row for row: the counts hold each (division, industry) group's projects.
        typealias C = ProjectCounts.FieldKeys
        var counted: [String: Int] = [:]
        for row in try await t.sql.raw(
            "SELECT \(ident: C.divisionCode.description), \(ident: C.industry.description), \(ident: C.projectCount.description) FROM \(ident: ProjectCounts.schema)"
        ).all() {
            let n = try row.decode(column: C.projectCount.description, as: Int.self)
            if n != 0 {
                counted[
                    try row.decode(column: C.divisionCode.description, as: String.self) + "|"
                        + row.decode(column: C.industry.description, as: String.self)] = n
            }
        }
        var recounted: [String: Int] = [:]
        for p in try await Project.query(on: t.db).all() { recounted[p.divisionCode + "|" + p.industry, default: 0] += 1 }
        #expect(counted == recounted, "\(step): project counts")
    }

    static func day(_ m: Int, _ d: Int) -> String { CivilDate(year: 2021, month: m, day: d)!.description }

    /// A random milestone list: a prefix of the stages with non-decreasing dates.
    static func milestones(_ rng: inout Random, rounds: [String]) -> [[String: Any]] {
        var result: [[String: Any]] = []
        var month = Int.random(in: 2...6, using: &rng)
        for stage in Stage.allCases.prefix(Int.random(in: 0...3, using: &rng)) {
            var m: [String: Any] = ["stage": stage.rawValue, "date": day(month, Int.random(in: 1...28, using: &rng))]
            if rng.chance(0.8) { m["round_id"] = rng.pick(rounds) }
            result.append(m)
            month += Int.random(in: 1...2, using: &rng)
        }
        return result
    }

    static func sheetRow(_ rng: inout Random, name: String, code: String, roundNames: [String]) -> String {
        var cells = [name, "山西测试实业有限公司", code, rng.pick(divisions), "", rng.pick(industries)]
        cells += [String(Int.random(in: 1...90_000, using: &rng)) + ".5", String(Int.random(in: 0...50_000, using: &rng))]
        var month = Int.random(in: 2...6, using: &rng)
        let stages = Int.random(in: 0...3, using: &rng)
        for i in 0..<3 {
            if i < stages {
                cells += [day(month, Int.random(in: 1...28, using: &rng)), rng.chance(0.7) ? rng.pick(roundNames) : ""]
                month += 1
            } else {
                cells += ["", ""]
            }
        }
        cells += ["张三", "13912345678", ""]
        return cells.joined(separator: ",")
    }

    /// The townships among `divisions` ship with the seed (吕梁市's 154 townships); this
    /// only makes sure, so the test fails loudly if the seed ever loses them.
    static func expectSeededTownships(_ t: TestApp) async throws {
        for code in ["141124100", "141102001"] {
            let found = try await Division.find(code, on: t.db)
            #expect(found != nil, "township \(code) is missing from the seed")
        }
    }

    @Test func summaryEqualsTheRecordsAfterRandomWrites() async throws {
        try await TestApp.with { t in
            try await Self.expectSeededTownships(t)
            let token = try await t.adminToken()
            let actor = AuditActor(name: "cli:test", requestID: "cli", clientAddress: "local")
            let city = DivisionScope(DivisionCode("141100")!)
            var roundIDs: [String] = []
            for (name, date) in [("2021年第一次", "2021-03-18"), ("2021年第二次", "2021-05-20"), ("2021年第三次", "2021-07-16")] {
                let res = try await t.request(.POST, "/api/v1/rounds", token: token, json: ["name": name, "date": date, "division_code": "141100"])
                roundIDs.append(try #require(try res.json()["id"] as? String))
            }
            var roundNames = ["2021年第一次", "2021年第二次", "2021年第三次"]
            let rounds = roundIDs.compactMap(UUID.init(uuidString:))
            var rng = Random(state: 20_210_716)
            var serial = 0
            for step in 0..<40 {
                let projects = try await Project.query(on: t.db).all()
                let op = projects.count < 3 ? 0 : Int.random(in: 0..<8, using: &rng)
                let what: String
                switch op {
                case 0, 1:
                    serial += 1
                    var body: [String: Any] = [
                        "name": "项目\(serial)", "investor_name": "山西测试实业有限公司", "credit_code": rng.pick(Self.codes),
                        "division_code": rng.pick(Self.divisions), "industry": rng.pick(Self.industries),
                        "total_investment_fen": Int.random(in: 1...9_000_000_000, using: &rng),
                        "expected_annual_output_fen": Int.random(in: 0...9_000_000_000, using: &rng),
                    ]
                    body["milestones"] = Self.milestones(&rng, rounds: roundIDs)
                    let res = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
                    #expect(res.status == .created, "\(res.body.string)")
                    what = "API create"
                case 2:
                    let p = rng.pick(projects)
                    var body: [String: Any] = [:]
                    if rng.chance(0.5) { body["division_code"] = rng.pick(Self.divisions) }
                    if rng.chance(0.5) { body["industry"] = rng.pick(Self.industries) }
                    if rng.chance(0.5) { body["total_investment_fen"] = Int.random(in: 1...9_000_000_000, using: &rng) }
                    if rng.chance(0.3) { body["expected_annual_output_fen"] = Int.random(in: 0...9_000_000_000, using: &rng) }
                    let res = try await t.request(
                        .PATCH, "/api/v1/projects/\(p.id!)", token: token, json: body,
                        headers: ["If-Match": ETag.value(id: p.id!, version: p.version)])
                    #expect(res.status == .ok, "\(res.body.string)")
                    what = "API update"
                case 3:
                    let res = try await t.request(.DELETE, "/api/v1/projects/\(rng.pick(projects).id!)", token: token)
                    #expect(res.status == .noContent)
                    what = "API delete"
                case 4:
                    let stage = rng.pick(Stage.allCases)
                    var body: [String: Any] = ["date": Self.day(Int.random(in: 2...12, using: &rng), 10)]
                    if rng.chance(0.7) { body["round_id"] = rng.pick(roundIDs) }
                    let res = try await t.request(
                        .PUT, "/api/v1/projects/\(rng.pick(projects).id!)/milestones/\(stage.rawValue)", token: token, json: body)
                    #expect([.ok, .unprocessableEntity].contains(res.status), "\(res.body.string)")
                    what = "API set milestone (\(res.status.code))"
                case 5:
                    let stage = rng.pick(Stage.allCases)
                    let res = try await t.request(.DELETE, "/api/v1/projects/\(rng.pick(projects).id!)/milestones/\(stage.rawValue)", token: token)
                    #expect([.ok, .notFound, .conflict].contains(res.status), "\(res.body.string)")
                    what = "API remove milestone (\(res.status.code))"
                default:
                    // A sheet of new rows and rows that match stored projects (changed or not),
                    // sometimes naming a round that does not exist yet.
                    if rng.chance(0.3) { roundNames.append("2021年临时\(step)") }
                    var lines: [String] = []
                    var taken: Set<String> = []
                    for _ in 0..<Int.random(in: 1...6, using: &rng) {
                        if rng.chance(0.5), let p = projects.randomElement(using: &rng), taken.insert(p.creditCode + p.name).inserted {
                            lines.append(Self.sheetRow(&rng, name: p.name, code: p.creditCode, roundNames: roundNames))
                        } else {
                            serial += 1
                            lines.append(Self.sheetRow(&rng, name: "导入项目\(serial)", code: rng.pick(Self.codes), roundNames: roundNames))
                        }
                    }
                    let csv = ([ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",")] + lines).joined(separator: "\n")
                    let sheet = try CSVParser.parse(csv).map { SheetRow(line: $0.line, cells: $0.fields.map(SheetCell.text)) }
                    let dryRun = rng.chance(0.2)
                    let report = try await ProjectImport.run(
                        rows: sheet, options: .init(dryRun: dryRun, createRounds: true), scope: city, actor: actor, on: t.db)
                    #expect(report.problems == [], "\(report.text)")
                    what = "import of \(lines.count) rows\(dryRun ? " (dry run)" : "")"
                }
                try await Self.expectSummariesMatch(t, rounds: rounds, step: "step \(step), \(what)")
            }
            guard case .intact = try await AuditVerification.verify(on: t.db) else {
                Issue.record("audit chain")
                return
            }
        }
    }

    /// A database that had projects before the stage facts existed gets them filled in by
    /// the migration that creates them.
    @Test func theMigrationFillsTheFactsOfExistingProjects() async throws {
        try await TestApp.with { t in
            try await Self.expectSeededTownships(t)
            let actor = AuditActor(name: "cli:test", requestID: "cli", clientAddress: "local")
            let city = DivisionScope(DivisionCode("141100")!)
            var rng = Random(state: 7)
            let rounds = ["2021年第一次", "2021年第二次"]
            let lines = (0..<30).map { i in Self.sheetRow(&rng, name: "存量项目\(i)", code: rng.pick(Self.codes), roundNames: rounds) }
            let csv = ([ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",")] + lines).joined(separator: "\n")
            let sheet = try CSVParser.parse(csv).map { SheetRow(line: $0.line, cells: $0.fields.map(SheetCell.text)) }
            let report = try await ProjectImport.run(
                rows: sheet, options: .init(dryRun: false, createRounds: true), scope: city, actor: actor, on: t.db)
            #expect(report.problems == [], "\(report.text)")
            let roundIDs = try await Round.query(on: t.db).sort(\.$date).all().map { try $0.requireID() }
            try #require(!roundIDs.isEmpty)
            let milestones = try await Milestone.query(on: t.db).count()
            #expect(milestones > 30)

            // As before the step: no fact table. Then the step runs on the stored rows.
            try await CreateStageFacts().revert(on: t.db)
            try await CreateStageFacts().prepare(on: t.db)
            try await Self.expectSummariesMatch(t, rounds: roundIDs, step: "after the migration")
            // The same for the month rollup, filled from the facts.
            try await CreateStageRollup().revert(on: t.db)
            try await CreateStageRollup().prepare(on: t.db)
            try await Self.expectSummariesMatch(t, rounds: roundIDs, step: "after the rollup's migration")
            // And the list's counts, filled from the projects.
            try await CreateProjectCounts().revert(on: t.db)
            try await CreateProjectCounts().prepare(on: t.db)
            try await Self.expectListsMatch(t, step: "after the counts' migration")
        }
    }

    /// PostgreSQL's import goes through COPY (SQLite's through multi-row INSERTs), and text
    /// that COPY's format escapes comes back exactly as it was written.
    @Test func importedTextSurvivesTheBulkPath() async throws {
        try await TestApp.with { t in
            let actor = AuditActor(name: "cli:test", requestID: "cli", clientAddress: "local")
            try await t.db.audited(by: actor) { tx, audit in
                #expect((ProjectWriter(tx: tx, audit: audit).postgres != nil) == !t.sql.isSQLite)
            }
            let name = #"C:\N\项目\t名"#
            let notes = "第一行\t制表\n第二行 \\N 反斜杠\\"
            var cells = [name, "山西测试实业有限公司", Self.codes[0], "141124", "", "白酒", "12.5", "3"]
            cells += ["2021-03-18", "", "", "", "", ""]
            cells += ["张三", "13912345678", notes]
            let header = ProjectSheet.Column.allCases.map { SheetCell.text($0.rawValue) }
            let rows = [SheetRow(line: 1, cells: header), SheetRow(line: 2, cells: cells.map(SheetCell.text))]
            let report = try await ProjectImport.run(
                rows: rows, options: .init(dryRun: false, createRounds: false), scope: DivisionScope(DivisionCode("141100")!), actor: actor,
                on: t.db)
            #expect(report.problems == [], "\(report.text)")
            let stored = try #require(try await Project.query(on: t.db).first())
            #expect(stored.name == name)
            #expect(stored.notes == notes)
            #expect(stored.totalInvestmentFen == 12_500_000)  // 12.5 万元
        }
    }
}
