import Fluent
import Foundation
import SQLKit
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// One write path per record: the API, the import and the demo loader create and change
/// projects and rounds through the same code, so they leave the same audit events and follow
/// the same rules.
@Suite struct WritePathTests {
    let actor = AuditActor(name: "cli:test", requestID: "cli", clientAddress: "local")
    let city = DivisionScope(DivisionCode("141100")!)

    struct Event {
        var action: String
        var entityID: String
        var divisionCode: String
        var changes: [AuditChange]
        var fields: Set<String> { Set(changes.map(\.field)) }
    }

    static func events(_ t: TestApp, action: String? = nil) async throws -> [Event] {
        var query = t.sql.select().columns("action", "entity_id", "division_code", "changes").from("audit_events")
        if let action { query = query.where("action", .equal, action) }
        return try await query.orderBy("seq").all().map { row in
            Event(
                action: try row.decode(column: "action", as: String.self), entityID: try row.decode(column: "entity_id", as: String.self),
                divisionCode: try row.decode(column: "division_code", as: String.self),
                changes: AuditChange.decode(try row.decode(column: "changes", as: String.self)))
        }
    }

    func sheet(_ lines: [String]) throws -> [SheetRow] {
        let header = ProjectSheet.Column.allCases.map(\.rawValue).joined(separator: ",")
        return try CSVParser.parse(([header] + lines).joined(separator: "\n")).map { SheetRow(line: $0.line, cells: $0.fields.map(SheetCell.text)) }
    }

    @Test func theAPIAndTheImportWriteTheSameCreateEvent() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let round = try await t.request(
                .POST, "/api/v1/rounds", token: token, json: ["name": "2021年第三次", "date": "2021-07-16", "division_code": "141100"])
            let roundID = try #require(try round.json()["id"] as? String)
            var body = ProjectsAPITests.body
            body["milestones"] = [["stage": "signed", "date": "2021-07-16", "round_id": roundID]]
            let created = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
            #expect(created.status == .created)
            let report = try await ProjectImport.run(
                rows: try sheet([
                    "清香型白酒酿造项目,山西汾盛酒业有限公司,91350100M000100Y43,141182,汾阳杏花村经济技术开发区,白酒,8000.5,12000,2021-07-16,2021年第三次,,,,,王建国,13912345678,"
                ]), options: .init(), scope: city, actor: actor, on: t.db)
            #expect(report.applied && report.created == 1, "\(report.text)")

            let creates = try await Self.events(t, action: "project.create")
            try #require(creates.count == 2)
            #expect(creates[0].fields == creates[1].fields, "API \(creates[0].fields.sorted()) vs import \(creates[1].fields.sorted())")
            #expect(creates[0].fields.isSuperset(of: ["name", "credit_code", "contact_phone", "signed.date", "signed.round_id"]))
            for event in creates {
                let values = event.changes.compactMap(\.after)
                #expect(values.contains("139****5678"))
                #expect(!values.contains("13912345678") && !values.contains("王建国"))
                #expect(event.changes.first { $0.field == "signed.round_id" }?.after == roundID.uppercased())
            }
        }
    }

    @Test func anImportedChangeIsRecordedLikeAnAPIChange() async throws {
        try await TestApp.with { t in
            let row = "项目甲,山西吕兴实业有限公司,91350100M000100Y43,141124,,铝镁新材料,100,50,2021-07-16,,,,,,,,"
            _ = try await ProjectImport.run(rows: try sheet([row]), options: .init(), scope: city, actor: actor, on: t.db)
            let moved = row.replacingOccurrences(of: ",141124,", with: ",141182,").replacingOccurrences(of: ",100,50,", with: ",120,50,")
            let report = try await ProjectImport.run(rows: try sheet([moved]), options: .init(), scope: city, actor: actor, on: t.db)
            #expect(report.updated == 1)
            let project = try #require(try await Project.query(on: t.db).first())
            #expect(project.divisionCode == "141182" && project.version == 2)

            // The same change through the API, back again.
            let token = try await t.adminToken()
            let res = try await t.request(
                .PATCH, "/api/v1/projects/\(project.id!)", token: token, json: ["division_code": "141124", "total_investment_fen": 100_000_000],
                headers: ["If-Match": ETag.value(id: project.id!, version: project.version)])
            #expect(res.status == .ok)

            let updates = try await Self.events(t, action: "project.update")
            let movedOut = try await Self.events(t, action: "project.moved_out")
            try #require(updates.count == 2 && movedOut.count == 2)
            #expect(updates.allSatisfy { $0.fields == ["division_code", "total_investment_fen"] })
            #expect(movedOut.map(\.divisionCode) == ["141124", "141182"])
            #expect(updates.map(\.divisionCode) == ["141182", "141124"])
        }
    }

    /// A round a township's staff create, by the API or by importing a sheet that names it,
    /// belongs to their county: one rule for both.
    @Test func aNewRoundBelongsToTheCreatorsCountyWhicheverWayItIsMade() async throws {
        try await TestApp.with { t in
            try await Division(code: DivisionCode("141124100")!, name: "临泉镇", parentCode: "141124").create(on: t.db)
            try await t.createUser("town.op", role: .operator, division: "141124100")
            let token = try await t.token("town.op")
            let res = try await t.request(.POST, "/api/v1/rounds", token: token, json: ["name": "临县第一次", "date": "2021-03-01"])
            #expect(res.status == .created, "\(res.body.string)")
            #expect(try res.json()["division_code"] as? String == "141124")

            let township = DivisionScope(DivisionCode("141124100")!)
            let report = try await ProjectImport.run(
                rows: try sheet(["项目乙,山西吕兴实业有限公司,91350100M000100Y43,141124100,,白酒,10,5,2021-04-01,临县第二次,,,,,,,"]),
                options: .init(createRounds: true), scope: township, actor: actor, on: t.db)
            #expect(report.roundsCreated == ["临县第二次"], "\(report.text)")
            let round = try #require(try await Round.query(on: t.db).filter(\.$name == "临县第二次").first())
            #expect(round.divisionCode == "141124")
            #expect(round.date == "2021-04-01")
            // Both rounds were recorded alike.
            let events = try await Self.events(t, action: "round.create")
            #expect(events.map(\.fields) == [["name", "date"], ["name", "date"]])
            #expect(events.map(\.divisionCode) == ["141124", "141124"])
        }
    }

    /// The demo is a generated sheet through the import, its rounds through RoundService.
    @Test func theDemoGoesThroughTheImport() async throws {
        try await TestApp.with { t in
            let count = try await DemoData.load(on: t.db)
            let creates = try await Self.events(t, action: "project.create")
            #expect(creates.count == count)
            #expect(creates.allSatisfy { $0.fields.isSuperset(of: ["name", "credit_code", "division_code", "contact_phone", "signed.date"]) })
            #expect(creates.allSatisfy { event in event.changes.first { $0.field == "contact_phone" }?.after?.contains("****") == true })
            let rounds = try await Self.events(t, action: "round.create")
            #expect(rounds.count == 5 && rounds.allSatisfy { $0.fields == ["name", "date", "venue"] })
            // Demo rows are checked like anyone's: the generator's sheet has no problem.
            var plan = DemoData.Planner()
            let sheet = DemoData.sheet(plan.build().projects)
            var checker = ProjectImport.Checker(facts: try await ProjectImport.Facts.load(scope: city, on: t.db), options: .init())
            for row in sheet { _ = checker.check(row) }
            #expect(checker.tally.isEmpty)
            #expect(checker.resolved.count == count)
        }
    }

    /// A bad row in the demo's sheet would stop the whole load: nothing half written.
    @Test func aDemoSheetWithAProblemWritesNothing() async throws {
        try await TestApp.with { t in
            var plan = DemoData.Planner()
            var sheet = DemoData.sheet(plan.build().projects)
            var cells = sheet[3].cells
            cells[2] = .text("91350100M000100Y44")  // a broken credit-code checksum
            sheet[3] = SheetRow(line: sheet[3].line, cells: cells)
            let rows = sheet
            do {
                _ = try await DemoData.write(rounds: DemoData.Planner.rounds, sheet: rows, on: t.db)
                Issue.record("the broken sheet was loaded")
            } catch let refused as DemoRefused {
                #expect(refused.message.contains("第4行「统一社会信用代码」"), "\(refused.message)")
            }
            #expect(try await Round.query(on: t.db).count() == 0)
            #expect(try await Project.query(on: t.db).count() == 0)
        }
    }
}
